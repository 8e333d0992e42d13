"""Proposals: the datasets a dotation wrote that wait for their
collectivité — listed for it and for the territories above, published in one
click by whoever may edit them."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from werkzeug.datastructures import FileStorage

from .imports import all_sources, provenance_text
from .model import extract_table

__all__ = ["of_organization", "provenance_of", "publish"]


def _row_of(package_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(sa.select(extract_table).where(sa.or_(
        extract_table.c.package_id == package_id,
        extract_table.c.proposal_package_id == package_id))).mappings().first()
    return dict(row) if row else None


def provenance_of(package_id: str) -> Optional[dict[str, Any]]:
    """Where a dataset's data came from, when a dotation wrote it: source,
    its title, the national file's date and address, the source's page, and
    whether it is a proposal still."""
    row = _row_of(package_id)
    if row is None:
        return None
    source = all_sources().get(row["source"])
    package = model.Package.get(package_id)
    beside = row["proposal_package_id"] == package_id
    return {"source": row["source"],
            "title": dict(source.title) if source else {"fr": row["source"]},
            "publisher": source.publisher if source else "",
            "page": source.page if source else "",
            "date": row["file_date"], "url": row["location"],
            "proposal": bool(package is not None and package.private) or beside,
            "beside": beside}


def of_organization(organization_id: str) -> list[dict[str, Any]]:
    """The organisation's proposals: datasets a dotation created that are
    still private, and new rows waiting beside a file it replaced."""
    rows = model.Session.execute(sa.select(extract_table).where(
        extract_table.c.organization_id == organization_id)).mappings().all()
    found = []
    sources = all_sources()
    for row in rows:
        for package_id, beside in ((row["package_id"], False),
                                   (row["proposal_package_id"], True)):
            package = model.Package.get(package_id) if package_id else None
            if package is None or package.state != "active":
                continue
            if not beside and not package.private:
                continue
            source = sources.get(row["source"])
            found.append({"id": package.id, "name": package.name, "title": package.title,
                          "type": package.type, "source": row["source"],
                          "source_title": dict(source.title) if source else {},
                          "date": row["file_date"], "rows": row["rows"],
                          "beside": beside})
    found.sort(key=lambda p: (p["type"], p["name"]))
    return found


def publish(context: dict[str, Any], package_id: str) -> dict[str, Any]:
    """A proposal published, with the rights of the user of ``context``:
    a proposed dataset made public (its note no longer « à vérifier »); new
    rows proposed beside a replaced file put into the published dataset, the
    proposal then deleted. The published dataset."""
    row = _row_of(package_id)
    package = model.Package.get(package_id)
    if row is None or package is None or package.state != "active":
        raise tk.ObjectNotFound(tk._("This dataset is not a proposal of a dotation."))
    source = all_sources().get(row["source"])
    user = {"user": context.get("user"), "ignore_auth": False}
    if row["package_id"] == package.id:
        if not package.private:
            raise tk.ValidationError({"id": [tk._("This dataset is published already.")]})
        patch = {"id": package.id, "private": False}
        if source is not None:
            patch["notes"] = provenance_text(source, row["file_date"], proposal=False)
        return tk.get_action("package_patch")(dict(user), patch)
    main = model.Package.get(row["package_id"] or "")
    if main is None or main.state != "active":
        raise tk.ValidationError({"id": [tk._(
            "The dataset these data were proposed for no longer exists.")]})
    tk.check_access("package_update", dict(user), {"id": package.id})
    [proposed] = [r for r in package.resources if r.state == "active"][:1] or [None]
    target = next((r for r in main.resources if r.state == "active"), None)
    if proposed is None or target is None:
        raise tk.ValidationError({"id": [tk._("This proposal has no file.")]})
    path = uploader.get_resource_uploader({"id": proposed.id, "url_type": "upload",
                                           "url": proposed.url}).get_path(proposed.id)
    with open(path, "rb") as f:
        tk.get_action("resource_patch")(dict(user), {
            "id": target.id, "format": "CSV",
            "upload": FileStorage(stream=f, filename=f"{main.name}.csv",
                                  content_type="text/csv")})
    tk.get_action("package_delete")(dict(user), {"id": package.id})
    model.Session.execute(sa.update(extract_table).where(
        extract_table.c.source == row["source"],
        extract_table.c.organization_id == row["organization_id"]).values(
            rows_sha256=row["proposal_sha256"], resource_id=target.id,
            proposal_package_id=None, proposal_sha256=None))
    model.Session.commit()
    return tk.get_action("package_show")(dict(user), {"id": main.id})
