"""Generated catalogues: an organisation that turns it on gets its SCDL
``catalogue`` dataset written from its public datasets (the core's
``data_catalogue``), and rewritten by the jobs worker each time one of them
changes — only when the file's bytes change. Like consolidations, it is an
SCDL dataset like any other: checked, loaded as a table, in DCAT."""
from __future__ import annotations

import hashlib
import io
import logging
from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl.data_catalogue import (MissingSiret, catalogue_rows,
                                                        write_catalogue)
from ckanext.opendatalocale.scdl.wording import msg
from ckanext.opendatalocale.translation import render

from .model import catalogue_table

__all__ = ["set_enabled", "changed", "build", "build_dirty", "state_of", "catalogue_name",
           "SIRET_MISSING"]

log = logging.getLogger(__name__)

SIRET_MISSING = "siret-missing"
SEARCH_PAGE = 1000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def catalogue_name(organization_name: str) -> str:
    return f"catalogue-{organization_name}"[:100]


def state_of(organization_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(sa.select(catalogue_table).where(
        catalogue_table.c.organization_id == organization_id)).mappings().first()
    return dict(row) if row else None


def _upsert(organization_id: str, connection: Any = None, **values: Any) -> None:
    values["modified"] = _now()
    statement = insert(catalogue_table).values(organization_id=organization_id, **values)
    (connection or model.Session).execute(statement.on_conflict_do_update(
        index_elements=["organization_id"], set_=values))


def _queue() -> None:
    from .build import build_dirty as consolidations
    try:
        tk.enqueue_job(consolidations, [], title="Fichiers générés SCDL",
                       rq_kwargs={"timeout": 3600})
    except Exception:
        log.exception("Generated catalogues could not be queued")


def set_enabled(organization_id: str, on: bool) -> None:
    _upsert(organization_id, enabled=on, **({"dirty": True} if on else {}))
    model.Session.commit()
    if on:
        _queue()


def changed(owner_org: Optional[str], package_id: str, connection: Any = None) -> None:
    """A dataset of the organisation changed: its catalogue, when it has one
    on (and the dataset is not that catalogue), is marked and the worker told."""
    if not owner_org:
        return
    connection = connection or model.Session
    row = connection.execute(sa.select(catalogue_table.c.enabled,
                                       catalogue_table.c.package_id).where(
        catalogue_table.c.organization_id == owner_org)).first()
    if row is None or not row[0] or row[1] == package_id:
        return
    _upsert(owner_org, connection, dirty=True)
    _queue()


def build_dirty() -> int:
    ids = model.Session.execute(sa.select(catalogue_table.c.organization_id).where(
        catalogue_table.c.dirty, catalogue_table.c.enabled)).scalars().all()
    model.Session.rollback()
    for organization_id in ids:
        try:
            build(organization_id)
        except Exception:
            log.exception("Catalogue of %s failed", organization_id)
            model.Session.rollback()
    return len(ids)


def _site_context() -> dict[str, Any]:
    return {"ignore_auth": True,
            "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _datasets(organization_id: str, own: Optional[str]) -> list[dict[str, Any]]:
    found, start = [], 0
    while True:
        result = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": f'+owner_org:"{organization_id}" +capacity:public', "rows": SEARCH_PAGE,
            "start": start, "include_private": False, "sort": "name asc"})
        found += [d for d in result["results"] if d["id"] != own]
        start += SEARCH_PAGE
        if start >= result["count"] or not result["results"]:
            return found


def build(organization_id: str) -> dict[str, Any]:
    """Write the organisation's catalogue now; its state."""
    organization = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": organization_id, "include_datasets": False})
    stored = state_of(organization["id"]) or {}
    own = stored.get("package_id")
    if own and (model.Package.get(own) is None or model.Package.get(own).state != "active"):
        own = None
    _upsert(organization["id"], dirty=False)
    model.Session.commit()
    datasets = _datasets(organization["id"], own)
    try:
        site = (tk.config.get("ckan.site_url") or "").rstrip("/")
        rows = catalogue_rows(organization, datasets,
                              lambda d: f"{site}/dataset/{d['name']}")
    except MissingSiret:
        _upsert(organization["id"], error=SIRET_MISSING, built=_now())
        model.Session.commit()
        return state_of(organization["id"]) or {}
    out = io.StringIO()
    write_catalogue(rows, out)
    content = out.getvalue().encode("utf-8")
    file_hash = hashlib.sha256(content).hexdigest()
    if not (own and file_hash == stored.get("file_hash")):
        own = _write(organization, own, content)
    _upsert(organization["id"], package_id=own, file_hash=file_hash, datasets=len(rows),
            error=None, built=_now())
    model.Session.commit()
    return state_of(organization["id"]) or {}


def _write(organization: dict[str, Any], package_id: Optional[str], content: bytes) -> str:
    context = _site_context()
    title = organization.get("title") or organization["name"]
    if package_id is None:
        name = catalogue_name(organization["name"])
        existing = model.Package.get(name)
        if existing is not None and existing.state == "active":
            package_id = existing.id
        else:
            if existing is not None:
                tk.get_action("dataset_purge")(dict(context), {"id": existing.id})
            package_id = tk.get_action("package_create")(dict(context), {
                "type": "catalogue", "name": name, "owner_org": organization["id"],
                "title": render(msg("Data catalogue of {organization}", organization=title)),
                "notes": render(msg(
                    "The list of the datasets {organization} publishes on this portal, "
                    "written by the portal and rewritten each time one of them changes.",
                    organization=title)),
                "tag_string": "socle commun,catalogue"})["id"]
        _upsert(organization["id"], package_id=package_id)
        model.Session.commit()
    dataset = tk.get_action("package_show")(dict(context), {"id": package_id})
    fields = {"upload": FileStorage(io.BytesIO(content), f"catalogue-{organization['name']}.csv",
                                    content_type="text/csv"),
              "format": "CSV", "name": render(msg("Data catalogue")) + ".csv"}
    if dataset["resources"]:
        tk.get_action("resource_patch")(dict(context), {"id": dataset["resources"][0]["id"],
                                                        **fields})
    else:
        tk.get_action("resource_create")(dict(context), {"package_id": package_id, **fields})
    return package_id
