"""Consolidations: for a territory with communes below it (EPCI, département,
région) and an SCDL type, one SCDL dataset owned by the territory whose file
is the union of its communes' conformant files of the type (the core's
``consolidation``), with where each row came from.

- **Which files**: the public, active datasets of the type owned by a
  commune below the territory (the territories plugin's
  ``opendatalocale_territory`` table, as the observatoire reads it), and of
  those the files their check found conformant (``validation_status``).
- **When**: a territory turned on is built at once (the jobs worker); then a
  consolidation is marked « to rebuild » when one of its communes' datasets
  of the type changes (a file checked, a dataset edited, made private or
  deleted: the validation's signal and CKAN's dataset notifications), and
  the worker rebuilds what is marked. Two builds of the same consolidation
  never run at once (a PostgreSQL advisory lock: the second waits, then
  reads the sources anew).
- **Writing**: the dataset is created, or its one file replaced through
  ``resource_patch``, only when the consolidated bytes changed (no activity
  otherwise); the file is then checked and loaded like any other. When no
  conformant file is left, the dataset is deleted.
"""
from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime, timezone
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.generated import generated_upload
from ckanext.opendatalocale.fetch import Unfetchable, anywhere, download, is_public
from ckanext.opendatalocale.scdl import UnknownSchema, catalogue
from ckanext.opendatalocale.scdl.consolidation import Consolidation, Source, consolidate
from ckanext.opendatalocale.scdl.wording import msg, msg_n
from ckanext.opendatalocale.translation import render

from .model import consolidation_table, territory_table

__all__ = ["enabled", "set_enabled", "follow_validation", "changed", "build", "build_dirty",
           "state_of", "territories_with_communes", "consolidation_name", "SEARCH_PAGE"]

log = logging.getLogger(__name__)

SEARCH_PAGE = 1000
CONSOLIDATION_TAG = "consolidation"
_VALIDATION = "ckanext.opendatalocale.validation."

_COMMUNES_BELOW = sa.text("""
WITH RECURSIVE down(id) AS (
    SELECT CAST(:root AS text)
    UNION
    SELECT t.id FROM opendatalocale_territory t JOIN down ON t.parent_id = down.id
)
SELECT t.id, t.name, t.title FROM down JOIN opendatalocale_territory t ON t.id = down.id
WHERE t.level = 'commune' AND t.id <> :root
""")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _territory(territory: str) -> model.Group:
    group = model.Group.get(territory)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(tk._("Territory not found."))
    return group


def territories_with_communes(territory_id: str) -> list[dict[str, Any]]:
    """The communes below a territory (none: it is no territory with communes)."""
    rows = model.Session.execute(_COMMUNES_BELOW, {"root": territory_id}).mappings().all()
    return [dict(r) for r in rows]


def enabled(territory_id: str) -> bool:
    return bool(model.Session.execute(sa.select(territory_table.c.enabled).where(
        territory_table.c.territory_id == territory_id)).scalar())


def set_enabled(territory_id: str, on: bool) -> None:
    """Turn a territory's consolidations on (each type marked to build, the
    worker told) or off (its consolidated datasets stay as they are)."""
    statement = insert(territory_table).values(territory_id=territory_id, enabled=on,
                                               modified=_now())
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["territory_id"], set_={"enabled": on, "modified": _now()}))
    if on:
        for slug in catalogue().slugs:
            _mark(territory_id, slug)
    model.Session.commit()
    if on:
        _queue()


def _mark(territory_id: str, slug: str, connection: Any = None) -> None:
    statement = insert(consolidation_table).values(territory_id=territory_id, type=slug,
                                                   dirty=True, modified=_now())
    statement = statement.on_conflict_do_update(
        index_elements=["territory_id", "type"], set_={"dirty": True, "modified": _now()})
    (connection or model.Session).execute(statement)


def _queue() -> None:
    try:
        tk.enqueue_job(build_dirty, [], title="Consolidations SCDL",
                       rq_kwargs={"timeout": 3600})
    except Exception:   # Redis down: the next change, or the command, builds them
        log.exception("Consolidations could not be queued")


def _is_consolidation(package_id: str, connection: Any) -> bool:
    return connection.execute(sa.select(sa.func.count()).select_from(
        consolidation_table).where(consolidation_table.c.package_id == package_id)).scalar() > 0


def changed(package_id: str, connection: Any = None, owner_org: Optional[str] = None,
            dataset_type: Optional[str] = None) -> None:
    """A commune's dataset changed: the consolidations of its type above it,
    in territories that want them, are marked and the worker told."""
    connection = connection or model.Session
    if owner_org is None or dataset_type is None:
        package = model.Package.get(package_id)
        if package is None:
            return
        owner_org, dataset_type = package.owner_org, package.type
    if not owner_org or dataset_type not in catalogue().slugs:
        return
    if _is_consolidation(package_id, connection):
        return
    if "territory_ancestors" not in tk.h:
        return
    ancestors = [a["id"] for a in tk.h.territory_ancestors(owner_org)]
    if not ancestors:
        return
    wanted = connection.execute(sa.select(territory_table.c.territory_id).where(
        territory_table.c.territory_id.in_(ancestors), territory_table.c.enabled)).scalars().all()
    for territory_id in wanted:
        _mark(territory_id, dataset_type, connection)
    if wanted:
        _queue()


def follow_validation(package_id: str, resource_id: str, status: Optional[str],
                      connection: Any, **_: Any) -> None:
    """Receiver of the validation's status signal: a file's verdict changes
    what its territories' consolidations hold."""
    try:
        changed(package_id, connection)
    except Exception:   # never a failed check because of a consolidation
        log.exception("Consolidations above %s could not be marked", package_id)


def state_of(territory_id: str) -> list[dict[str, Any]]:
    rows = model.Session.execute(sa.select(consolidation_table).where(
        consolidation_table.c.territory_id == territory_id).order_by(
            consolidation_table.c.type)).mappings().all()
    return [dict(r) for r in rows]


def build_dirty() -> int:
    """Build every consolidation marked « to rebuild » of the territories
    that want them; how many were built."""
    rows = model.Session.execute(sa.select(
        consolidation_table.c.territory_id, consolidation_table.c.type).join(
            territory_table,
            territory_table.c.territory_id == consolidation_table.c.territory_id).where(
                consolidation_table.c.dirty, territory_table.c.enabled)).all()
    model.Session.rollback()
    for territory_id, slug in rows:
        try:
            build(territory_id, slug)
        except Exception:
            log.exception("Consolidation %s / %s failed", territory_id, slug)
            model.Session.rollback()
    from . import catalogues   # the generated catalogues, by the same job
    return len(rows) + catalogues.build_dirty()


def consolidation_name(territory_name: str, slug: str) -> str:
    return f"{slug}-{territory_name}-consolide"[:100]


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def _conformant_resources(slug: str, communes: dict[str, dict[str, Any]]
                          ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(commune, dataset, resource) of each conformant file of the type of a
    public dataset of those communes, sorted."""
    found = []
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"ignore_auth": True}, {
                "fq": f'+dataset_type:"{slug}" +capacity:public', "rows": SEARCH_PAGE,
                "start": start, "include_private": False, "sort": "name asc"})
        for dataset in result["results"]:
            commune = communes.get(dataset.get("owner_org") or "")
            if commune is not None:
                found.append((commune, dataset))
        start += SEARCH_PAGE
        if start >= result["count"] or not result["results"]:
            break
    found.sort(key=lambda c: (c[0]["title"] or "", c[0]["name"], c[1]["name"]))
    for commune, dataset in found:
        for resource in dataset.get("resources", []):
            if resource.get("validation_status") != "success":
                continue
            resolved = catalogue().resolve_url(resource.get("schema") or "")
            if resolved and resolved[0].slug == slug:
                yield commune, dataset, resource


def _local(resource: dict[str, Any], folder: str) -> str:
    if resource.get("url_type") == "upload":
        return uploader.get_resource_uploader(resource).get_path(resource["id"])
    path = os.path.join(folder, resource["id"])
    config = tk.config
    private = tk.asbool(config.get(_VALIDATION + "allow_private_addresses", False))
    with open(path, "wb") as out:
        download(resource["url"], out,
                 max_bytes=int(config.get(_VALIDATION + "max_download_bytes", 500_000_000)),
                 seconds=int(config.get(_VALIDATION + "timeout", 3600)),
                 allowed=anywhere if private else is_public)
    return path


def _description(done: Consolidation) -> str:
    """Where the rows came from, in the resource's description (Markdown)."""
    communes = len({p.source.organization for p in done.provenance if p.rows is not None})
    lines = [render(msg_n(
        "Union of {files} conformant file of {communes} communes ({rows} rows), in the "
        "schema's columns.",
        "Union of {files} conformant files of {communes} communes ({rows} rows), in the "
        "schema's columns.", done.files, files=done.files, communes=communes,
        rows=done.rows)), ""]
    for p in done.provenance:
        date = (p.source.modified or "")[:10]
        if p.rows is None:
            lines.append("- " + render(msg("{commune}: “{file}” left out (it could not be read)",
                                           commune=p.source.title, file=p.source.dataset)))
        else:
            lines.append("- " + render(msg_n(
                "{commune}: “{file}” of {date}, {rows} row",
                "{commune}: “{file}” of {date}, {rows} rows", p.rows,
                commune=p.source.title, file=p.source.dataset, date=date, rows=p.rows)))
    return "\n".join(lines)


def build(territory_id: str, slug: str) -> dict[str, Any]:
    """Build one consolidation now; its state."""
    territory = _territory(territory_id)
    try:
        entry = catalogue().get(slug)
    except UnknownSchema:
        raise tk.ObjectNotFound(tk._("Unknown SCDL type.")) from None
    table_schema = entry.latest.table_schema()
    lock = model.meta.engine.connect()
    try:
        lock.execute(sa.text("SELECT pg_advisory_lock(hashtext(:key))"),
                     {"key": f"opendatalocale-consolidation:{territory.id}:{slug}"})
        # marked as built before reading: a change while it runs marks it again
        model.Session.execute(sa.update(consolidation_table).where(
            consolidation_table.c.territory_id == territory.id,
            consolidation_table.c.type == slug).values(dirty=False))
        model.Session.commit()
        return _build(territory, entry, table_schema)
    finally:
        lock.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:key))"),
                     {"key": f"opendatalocale-consolidation:{territory.id}:{slug}"})
        lock.close()


def _build(territory: model.Group, entry: Any, table_schema: dict[str, Any]) -> dict[str, Any]:
    slug = entry.slug
    communes = {c["id"]: c for c in territories_with_communes(territory.id)}
    stored = model.Session.execute(sa.select(consolidation_table).where(
        consolidation_table.c.territory_id == territory.id,
        consolidation_table.c.type == slug)).mappings().first()
    stored = dict(stored) if stored else {}
    with tempfile.TemporaryDirectory(prefix="scdl-consolidation-") as folder:
        sources = []
        for commune, dataset, resource in _conformant_resources(slug, communes):
            try:
                path = _local(resource, folder)
            except Unfetchable:
                continue
            sources.append(Source(
                organization=commune["name"], title=commune["title"] or commune["name"],
                path=path, dataset=dataset.get("title") or dataset["name"],
                resource_id=resource["id"], url=resource.get("url") or "",
                modified=resource.get("last_modified") or resource.get("created") or ""))
        out = os.path.join(folder, f"{slug}.csv")
        with open(out, "w", encoding="utf-8", newline="") as f:
            done = consolidate(sources, table_schema, f)
        file_hash = file_sha256(out)
        package_id = stored.get("package_id")
        if package_id and model.Package.get(package_id) is None:
            package_id = None
        elif package_id and model.Package.get(package_id).state != "active":
            package_id = None
        if done.files == 0:
            if package_id:
                tk.get_action("package_delete")(_site_context(), {"id": package_id})
            return _store(territory.id, slug, None, None, done)
        if package_id and file_hash == stored.get("file_hash"):
            return _store(territory.id, slug, package_id, file_hash, done)
        package_id = _write(territory, entry, package_id, out, done)
        return _store(territory.id, slug, package_id, file_hash, done)


def _write(territory: model.Group, entry: Any, package_id: Optional[str], path: str,
           done: Consolidation) -> str:
    context = _site_context()
    type_title = entry.title.get("fr") or entry.slug
    if package_id is None:
        name = consolidation_name(territory.name, entry.slug)
        existing = model.Package.get(name)
        if existing is not None and existing.state == "active":
            package_id = existing.id
        else:
            if existing is not None:   # deleted earlier: its name is taken back
                tk.get_action("dataset_purge")(dict(context), {"id": existing.id})
            package_id = tk.get_action("package_create")(dict(context), {
                "type": entry.slug, "name": name, "owner_org": territory.id,
                "title": render(msg("{type} of the communes of {territory}",
                                    type=type_title, territory=territory.title)),
                "notes": render(msg(
                    "This file gathers the conformant files of the communes of {territory}, "
                    "rebuilt each time one of them changes. Each commune's own files stay "
                    "its own datasets.", territory=territory.title)),
                "tag_string": f"socle commun,{CONSOLIDATION_TAG}"})["id"]
        # known as a consolidation before its file comes (the observatoire asks)
        model.Session.execute(sa.update(consolidation_table).where(
            consolidation_table.c.territory_id == territory.id,
            consolidation_table.c.type == entry.slug).values(package_id=package_id))
        model.Session.commit()
    dataset = tk.get_action("package_show")(dict(context), {"id": package_id})
    with open(path, "rb") as f, generated_upload(path):
        upload = FileStorage(stream=f, filename=f"{entry.slug}-{territory.name}.csv",
                             content_type="text/csv")
        fields = {"upload": upload, "format": "CSV", "description": _description(done),
                  "name": render(msg("{type} (consolidated)", type=type_title)) + ".csv"}
        if dataset["resources"]:
            tk.get_action("resource_patch")(dict(context), {
                "id": dataset["resources"][0]["id"], **fields})
        else:
            tk.get_action("resource_create")(dict(context), {"package_id": package_id,
                                                             **fields})
    return package_id


def _store(territory_id: str, slug: str, package_id: Optional[str], file_hash: Optional[str],
           done: Consolidation) -> dict[str, Any]:
    values = {"package_id": package_id, "file_hash": file_hash, "files": done.files,
              "rows": done.rows, "provenance": [p.as_dict() for p in done.provenance],
              "built": _now(), "modified": _now()}
    statement = insert(consolidation_table).values(territory_id=territory_id, type=slug,
                                                   dirty=False, **values)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["territory_id", "type"], set_=values))
    model.Session.commit()
    return {"territory_id": territory_id, "type": slug, **values}
