"""Drafts of online entry: what a person types, kept row by row in the
database as she types (nothing is lost when the page closes), until she
saves it into the resource's file.

A draft belongs to the person who opened it, for one organisation and SCDL
type, and to one file: a file to create (a new dataset or a new resource of
a dataset) or an uploaded file reopened, whose rows are loaded into it and
whose content hash is kept, so that saving never overwrites silently a file
another editor saved meanwhile.
"""
from __future__ import annotations

import csv
import os
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.lib import uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.diagnosis import diagnose, match_header, read_rows

from .model import entry_table, row_table

__all__ = ["MAX_ROWS", "TooLarge", "Unreadable", "open_new", "open_file", "get", "rows",
           "count", "update", "retarget", "forget", "write_csv", "file_hash",
           "upload_path", "blank"]

# rows a draft may hold: beyond, a spreadsheet is the tool
MAX_ROWS = 100_000
_BATCH = 1000


class TooLarge(Exception):
    pass


class Unreadable(Exception):
    pass


def _engine():
    return model.meta.engine


def _now() -> datetime:
    return datetime.now(timezone.utc)


def blank(cells: dict[str, Any]) -> bool:
    return all(v is None or not str(v).strip() for v in cells.values())


def get(entry_id: str) -> Optional[dict[str, Any]]:
    with _engine().connect() as conn:
        row = conn.execute(sa.select(entry_table).where(
            entry_table.c.id == entry_id)).mappings().first()
    return dict(row) if row else None


def _create(conn, **values: Any) -> str:
    entry_id = str(uuid.uuid4())
    conn.execute(sa.insert(entry_table).values(id=entry_id, created=_now(), modified=_now(),
                                               **values))
    return entry_id


def open_new(user_id: str, owner_org: str, slug: str, version: str,
             package_id: Optional[str] = None, title: Optional[str] = None) -> str:
    """A draft of a new file (of a new dataset when ``package_id`` is None);
    the person's unsaved draft of the same file is resumed."""
    with _engine().begin() as conn:
        found = conn.execute(sa.select(entry_table.c.id).where(
            entry_table.c.created_by == user_id, entry_table.c.owner_org == owner_org,
            entry_table.c.type == slug, entry_table.c.resource_id.is_(None),
            entry_table.c.package_id.is_(None) if package_id is None
            else entry_table.c.package_id == package_id)).scalar()
        if found:
            return found
        return _create(conn, owner_org=owner_org, type=slug, version=version,
                       package_id=package_id, title=title, created_by=user_id)


def upload_path(resource: dict[str, Any]) -> Optional[str]:
    if resource.get("url_type") != "upload":
        return None
    return uploader.get_resource_uploader(resource).get_path(resource["id"])


def file_hash(path: Optional[str]) -> Optional[str]:
    if not path or not os.path.exists(path):
        return None
    return file_sha256(path)


def open_file(user_id: str, owner_org: str, slug: str, version: str,
              resource: dict[str, Any], path: Optional[str] = None) -> str:
    """A draft of a resource's file (its upload, or ``path``: a linked file
    downloaded), its rows loaded; the person's draft of the same file as it
    still is, resumed."""
    path = path or upload_path(resource)
    current = file_hash(path)
    if path is None or current is None:
        raise Unreadable(resource["id"])
    with _engine().begin() as conn:
        found = conn.execute(sa.select(entry_table.c.id).where(
            entry_table.c.created_by == user_id, entry_table.c.resource_id == resource["id"],
            entry_table.c.base_hash == current)).scalar()
        if found:
            return found
        entry_id = _create(conn, owner_org=owner_org, type=slug, version=version,
                           package_id=resource["package_id"], resource_id=resource["id"],
                           base_hash=current, created_by=user_id)
        table_schema = catalogue().get(slug).version(version).table_schema()
        _load(conn, entry_id, Path(path), table_schema)
    return entry_id


def _load(conn, entry_id: str, path: Path, table_schema: dict[str, Any]) -> None:
    """The file's rows, by the schema's names (its header found as the
    validator finds it), in batches."""
    diagnosis = diagnose(path, table_schema)
    if diagnosis is None:
        raise Unreadable(str(path))
    names = [f["name"] for f in table_schema["fields"]]
    matched = match_header(diagnosis.labels, names)
    batch: list[dict[str, Any]] = []
    loaded = 0
    try:
        for line, row in enumerate(read_rows(path, diagnosis), start=1):
            if line <= diagnosis.header_line:
                continue
            cells = {matched[i][0]: "" if v is None else str(v)
                     for i, v in enumerate(row) if i in matched}
            if blank(cells):
                continue
            loaded += 1
            if loaded > MAX_ROWS:
                raise TooLarge(MAX_ROWS)
            batch.append({"entry_id": entry_id, "cells": cells})
            if len(batch) == _BATCH:
                conn.execute(sa.insert(row_table), batch)
                batch = []
    except (csv.Error, UnicodeDecodeError, ValueError) as e:
        raise Unreadable(str(e)) from e
    if batch:
        conn.execute(sa.insert(row_table), batch)


def count(entry_id: str) -> int:
    with _engine().connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(row_table).where(
            row_table.c.entry_id == entry_id)).scalar() or 0


def rows(entry_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
    with _engine().connect() as conn:
        found = conn.execute(sa.select(row_table.c.id, row_table.c.cells).where(
            row_table.c.entry_id == entry_id).order_by(row_table.c.id)
            .offset(offset).limit(limit)).mappings().all()
    return [{"id": r["id"], "cells": r["cells"]} for r in found]


def all_rows(entry_id: str) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        with _engine().connect() as conn:
            found = conn.execute(sa.select(row_table.c.id, row_table.c.cells).where(
                row_table.c.entry_id == entry_id, row_table.c.id > last)
                .order_by(row_table.c.id).limit(_BATCH)).mappings().all()
        if not found:
            return
        for r in found:
            yield r["cells"]
        last = found[-1]["id"]


def update(entry_id: str, changed: list[dict[str, Any]], deleted: list[int],
           title: Optional[str] = None) -> list[int]:
    """Rows written (``{"id": …, "cells": …}``; without id, a new row at the
    end) and rows deleted, in one transaction; the ids of the written rows."""
    ids: list[int] = []
    with _engine().begin() as conn:
        new = [r for r in changed if not r.get("id")]
        if new and count(entry_id) + len(new) > MAX_ROWS:
            raise TooLarge(MAX_ROWS)
        for r in changed:
            if r.get("id"):
                done = conn.execute(sa.update(row_table).where(
                    row_table.c.entry_id == entry_id, row_table.c.id == int(r["id"]))
                    .values(cells=r["cells"]).returning(row_table.c.id)).scalar()
                ids.append(done or 0)
            else:
                ids.append(conn.execute(sa.insert(row_table).values(
                    entry_id=entry_id, cells=r["cells"]).returning(row_table.c.id)).scalar())
        if deleted:
            conn.execute(sa.delete(row_table).where(row_table.c.entry_id == entry_id,
                                                    row_table.c.id.in_(deleted)))
        values: dict[str, Any] = {"modified": _now()}
        if title is not None:
            values["title"] = title
        conn.execute(sa.update(entry_table).where(entry_table.c.id == entry_id)
                     .values(**values))
    return ids


def retarget(entry_id: str, package_id: Optional[str]) -> None:
    """The draft becomes a new file (of ``package_id``, else of a new dataset)."""
    with _engine().begin() as conn:
        conn.execute(sa.update(entry_table).where(entry_table.c.id == entry_id).values(
            resource_id=None, base_hash=None, package_id=package_id, modified=_now()))


def forget(entry_id: str) -> None:
    with _engine().begin() as conn:
        conn.execute(sa.delete(entry_table).where(entry_table.c.id == entry_id))


def write_csv(entry_id: str, table_schema: dict[str, Any]) -> tuple[str, int]:
    """The draft as an SCDL CSV file (UTF-8, comma, the schema's columns in
    its order, empty rows left out): its path (the caller removes it) and
    its number of rows."""
    names = [f["name"] for f in table_schema["fields"]]
    handle, path = tempfile.mkstemp(prefix="scdl-entry-", suffix=".csv")
    written = 0
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for cells in all_rows(entry_id):
            if blank(cells):
                continue
            writer.writerow(["" if cells.get(n) is None else str(cells.get(n)) for n in names])
            written += 1
    return path, written
