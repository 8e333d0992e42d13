"""The grid's API: rows checked as they are typed, a draft's rows read page
by page and written as they change, a pasted block added, the draft saved
into the resource's file (creating the dataset when needed)."""
from __future__ import annotations

import os
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.munge import munge_title_to_name

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.entry import check_rows, read_block
from ckanext.opendatalocale.scdl.text import shortened
from ckanext.opendatalocale.translation import render

from .. import drafts, linked

__all__ = ["scdl_entry_check", "scdl_entry_rows", "scdl_entry_update", "scdl_entry_paste",
           "scdl_entry_save", "scdl_entry_delete"]

MAX_CHECKED_ROWS = 500       # rows one check may carry (a page, a pasted block)
MAX_PAGE = 200               # rows one read may return
MAX_CELL_CHARS = 10_000      # longest value one cell may hold
MAX_PASTE_BYTES = 5_000_000


def _schema(slug: Any, version: Any = None):
    try:
        entry = catalogue().get(str(slug or ""))
        return entry, entry.version(str(version) if version else None)
    except (UnknownSchema, UnknownVersion) as e:
        raise tk.ValidationError({"type": [str(e)]})


def _rows_of(data_dict: dict[str, Any], key: str = "rows") -> list[dict[str, Any]]:
    rows = data_dict.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise tk.ValidationError({key: [tk._("A list of rows (objects) is expected.")]})
    if len(rows) > MAX_CHECKED_ROWS:
        raise tk.ValidationError({key: [tk._("At most {num} rows at a time.").format(
            num=MAX_CHECKED_ROWS)]})
    return rows


def _cells(row: dict[str, Any], names: list[str]) -> dict[str, str]:
    """A row's cells by the schema's names, as text (other keys left out);
    NUL bytes and over-long values refused."""
    cells = {}
    for name in names:
        value = row.get(name)
        text = "" if value is None else str(value)
        if "\x00" in text:
            raise tk.ValidationError({name: [tk._("A value may not hold a NUL character.")]})
        if len(text) > MAX_CELL_CHARS:
            raise tk.ValidationError({name: [tk._(
                "A value may hold at most {num} characters.").format(num=MAX_CELL_CHARS)]})
        cells[name] = text
    return cells


def _said_check(check) -> dict[str, Any]:
    return {"values": check.values, "valid": check.valid,
            "conversions": {c: dict(v, label=render(v["label"]))
                            for c, v in check.conversions.items()},
            "errors": {c: [render(m) for m in ms] for c, ms in check.errors.items()},
            "row_errors": [render(m) for m in check.row_errors]}


def scdl_entry_check(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Rows checked by the validator as a file of the type would be, after
    converting what was typed or pasted (French dates, decimal commas,
    « oui »…) by the repair's rules.

    :param type: the SCDL type (``deliberations``…)
    :param version: its version (default: the current one)
    :param rows: up to 500 objects, column → value
    :returns: ``rows``: for each, ``values`` (as they would be written),
        ``conversions`` (column → before, after, rule, label), ``errors``
        (column → messages), ``row_errors``, ``valid``
    """
    tk.check_access("scdl_entry_check", context, data_dict)
    entry, version = _schema(data_dict.get("type"), data_dict.get("version"))
    table_schema = version.table_schema()
    names = [f["name"] for f in table_schema["fields"]]
    rows = [_cells(r, names) for r in _rows_of(data_dict)]
    checks, _ = check_rows(table_schema, rows)
    return {"rows": [_said_check(c) for c in checks]}


def _draft(context, data_dict: dict[str, Any], action: str) -> dict[str, Any]:
    entry_id = str(data_dict.get("id") or "")
    found = drafts.get(entry_id)
    if found is None:
        raise tk.ObjectNotFound(tk._("This draft no longer exists: it was saved or "
                                     "abandoned."))
    tk.check_access(action, context, {"id": entry_id})
    return found


def _page(entry_id: str, page: int, size: int) -> dict[str, Any]:
    total = drafts.count(entry_id)
    found = drafts.rows(entry_id, (page - 1) * size, size)
    return {"page": page, "size": size, "total": total,
            "last_page": max(1, -(-total // size)),
            "data": [dict(r["cells"], _id=r["id"]) for r in found]}


@tk.side_effect_free
def scdl_entry_rows(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """A page of a draft's rows (its author's).

    :param id: the draft
    :param page: from 1 (default 1)
    :param size: rows per page, at most 200 (default 20)
    :returns: ``data`` (each row's cells and its ``_id``), ``last_page``, ``total``
    """
    found = _draft(context, data_dict, "scdl_entry_rows")
    try:
        page = max(1, int(data_dict.get("page") or 1))
        size = min(MAX_PAGE, max(1, int(data_dict.get("size") or 20)))
    except (TypeError, ValueError):
        raise tk.ValidationError({"page": [tk._("A whole number is expected.")]})
    return _page(found["id"], page, size)


def scdl_entry_update(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Write a draft's rows as they change (its author's).

    :param id: the draft
    :param rows: rows to write, each ``{"_id": …}`` (none: a new row at the
        end) with its cells
    :param delete: ids of rows to delete
    :param title: the title of the dataset to create
    :returns: ``ids`` (of the rows written, in order), ``total``
    """
    found = _draft(context, data_dict, "scdl_entry_update")
    table_schema = catalogue().get(found["type"]).version(found["version"]).table_schema()
    names = [f["name"] for f in table_schema["fields"]]
    try:
        rows = [{"id": int(r["_id"]) if r.get("_id") not in (None, "") else None,
                 "cells": _cells(r, names)} for r in _rows_of(data_dict)]
        deleted = [int(i) for i in data_dict.get("delete") or []]
    except (TypeError, ValueError):
        raise tk.ValidationError({"delete": [tk._("Row ids are whole numbers.")]})
    title = data_dict.get("title")
    if title is not None:
        title = str(title).strip()[:500]
    try:
        ids = drafts.update(found["id"], rows, deleted, title)
    except drafts.TooLarge:
        raise tk.ValidationError({"rows": [tk._(
            "A draft holds at most {num} rows: beyond, use a spreadsheet and upload the "
            "file.").format(num=drafts.MAX_ROWS)]})
    return {"ids": ids, "total": drafts.count(found["id"])}


def scdl_entry_paste(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Add to a draft the rows of a block pasted from a spreadsheet (tab,
    semicolon or comma separated, with its header line or in the schema's
    column order), converted by the repair's rules.

    :param id: the draft
    :param text: the pasted block
    :returns: ``added``, ``ignored`` (columns the schema does not have),
        ``converted`` (values converted), ``total``
    """
    found = _draft(context, data_dict, "scdl_entry_update")
    text = data_dict.get("text")
    if not isinstance(text, str) or not text.strip():
        raise tk.ValidationError({"text": [tk._("Paste the rows to add.")]})
    if len(text.encode("utf-8")) > MAX_PASTE_BYTES or "\x00" in text:
        raise tk.ValidationError({"text": [tk._(
            "This block cannot be pasted: upload it as a file instead.")]})
    table_schema = catalogue().get(found["type"]).version(found["version"]).table_schema()
    known = {c["name"]: c["value"] for c in data_dict.get("locked") or [] if isinstance(c, dict)}
    block = read_block(text, table_schema)
    if not block.rows:
        raise tk.ValidationError({"text": [tk._("No row could be read in this block.")]})
    names = [f["name"] for f in table_schema["fields"]]
    rows = [dict(r, **{k: v for k, v in known.items() if k in names}) for r in block.rows]
    checks, _ = check_rows(table_schema, [_cells(r, names) for r in rows])
    try:
        drafts.update(found["id"], [{"id": None, "cells": c.values} for c in checks], [])
    except drafts.TooLarge:
        raise tk.ValidationError({"text": [tk._(
            "A draft holds at most {num} rows: beyond, use a spreadsheet and upload the "
            "file.").format(num=drafts.MAX_ROWS)]})
    return {"added": len(checks), "ignored": [shortened(n, 60) for n in block.ignored],
            "converted": sum(len(c.conversions) for c in checks),
            "total": drafts.count(found["id"])}


def _unique_name(title: str) -> str:
    base = (munge_title_to_name(title) or "donnees")[:90].strip("-")
    name, n = base, 1
    while model.Package.get(name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def scdl_entry_save(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Write a draft into its resource's file (a new resource, or a new
    dataset, when it has none), checked as an upload; the draft is then
    done. A file another editor saved since the draft was opened is never
    overwritten: the draft stays, and the error says so.

    :param id: the draft
    :returns: ``package_id``, ``resource_id``, ``url`` (the resource's page),
        ``rows``, ``validation_status``
    """
    found = _draft(context, data_dict, "scdl_entry_save")
    entry, version = _schema(found["type"], found["version"])
    table_schema = version.table_schema()
    path, written = drafts.write_csv(found["id"], table_schema)
    try:
        if not written:
            raise tk.ValidationError({"rows": [tk._("Type at least one row before saving.")]})
        resource = _write(context, found, entry, path)
    finally:
        os.unlink(path)
    drafts.forget(found["id"])
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    status = next((r.get("validation_status") for r in dataset["resources"]
                   if r["id"] == resource["id"]), None)
    return {"package_id": dataset["id"], "resource_id": resource["id"], "rows": written,
            "validation_status": status,
            "url": tk.h.url_for(f"{dataset['type']}_resource.read", id=dataset["name"],
                                resource_id=resource["id"])}


def _upload(path: str, name: str):
    return FileStorage(open(path, "rb"), name, content_type="text/csv")


def _write(context, found: dict[str, Any], entry, path: str) -> dict[str, Any]:
    context = dict(context)
    name = f"{entry.slug}.csv"
    if found["resource_id"]:
        try:
            resource = tk.get_action("resource_show")(dict(context),
                                                      {"id": found["resource_id"]})
        except tk.ObjectNotFound:
            _orphaned(found)
            raise tk.ValidationError({"id": [tk._(
                "The file was deleted meanwhile: nothing is lost, your rows stay in this "
                "draft. Save again to publish them as a new file.")]})
        if _current_hash(resource) != found["base_hash"]:
            raise tk.ValidationError({"id": [tk._(
                "Another editor saved this file after you opened it: nothing was "
                "overwritten. Your rows stay in this draft; open the file again to see "
                "the other editor's rows.")]})
        upload = _upload(path, os.path.basename(resource.get("url") or "") or name)
        try:
            return tk.get_action("resource_patch")(context, {
                "id": resource["id"], "format": "CSV", "upload": upload})
        finally:
            upload.close()
    upload = _upload(path, name)
    try:
        if found["package_id"]:
            return tk.get_action("resource_create")(context, {
                "package_id": found["package_id"], "name": name, "format": "CSV",
                "upload": upload})
        title = found["title"] or _default_title(found, entry)
        dataset = tk.get_action("package_create")(dict(context), {
            "type": entry.slug, "owner_org": found["owner_org"], "title": title,
            "name": _unique_name(title), "private": False})
        try:
            return tk.get_action("resource_create")(context, {
                "package_id": dataset["id"], "name": name, "format": "CSV",
                "upload": upload})
        except Exception:   # no dataset without its file: the draft stays
            tk.get_action("dataset_purge")({"ignore_auth": True, "user": context.get("user")},
                                           {"id": dataset["id"]})
            raise
    finally:
        upload.close()


def _current_hash(resource: dict[str, Any]) -> Any:
    """The content hash of the file the resource holds now (a linked file
    downloaded again: changed on its site, it is not overwritten either)."""
    if not linked.is_link(resource):
        return drafts.file_hash(drafts.upload_path(resource))
    try:
        with linked.downloaded(resource) as path:
            return drafts.file_hash(path)
    except linked.Unfetchable as e:
        raise tk.ValidationError({"id": [tk._(
            "The linked file could not be downloaded to see whether it changed since you "
            "opened it ({reason}): nothing was overwritten, your rows stay in this "
            "draft.").format(reason=render(e.message))]})


def _orphaned(found: dict[str, Any]) -> None:
    """The draft's file (and perhaps its dataset) deleted meanwhile: the draft
    becomes a new file of its dataset, or of a new dataset."""
    dataset = model.Package.get(found["package_id"]) if found["package_id"] else None
    alive = dataset is not None and dataset.state == "active"
    drafts.retarget(found["id"], package_id=dataset.id if alive and dataset else None)


def _default_title(found: dict[str, Any], entry) -> str:
    organisation = model.Group.get(found["owner_org"])
    label = entry.title.get("fr") or entry.slug
    return f"{label} — {organisation.title}" if organisation else label


def scdl_entry_delete(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Abandon a draft (its author's): its rows are forgotten, no file changes.

    :param id: the draft
    """
    found = _draft(context, data_dict, "scdl_entry_delete")
    drafts.forget(found["id"])
    return {"id": found["id"]}
