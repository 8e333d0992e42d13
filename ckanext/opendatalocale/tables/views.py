"""« Interroger ces données » : how to read a conformant file's table by
program, with examples built from its own columns and first row."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.tables import columns

from .logic.action import table_dict
from . import load

__all__ = ["scdl_tables"]

scdl_tables = Blueprint("scdl_tables", __name__)

EXAMPLE_ROWS = 5


def _api(action: str, **params: Any) -> str:
    query = urlencode(params)
    return tk.h.url_for("api.action", ver=3, logic_function=action, _external=True) + (
        f"?{query}" if query else "")


def _first_value(table: list[dict[str, Any]], name: str) -> Any:
    for row in table:
        value = row.get(name)
        if value not in (None, ""):
            return value
    return None


@scdl_tables.route("/dataset/<id>/resource/<resource_id>/api")
def api(id: str, resource_id: str):
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        dataset = tk.get_action("package_show")(dict(context), {"id": id})
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not see this file."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("File not found."))
    if resource["package_id"] != dataset["id"]:
        return tk.abort(404, tk._("File not found."))
    resolved = catalogue().resolve_url(resource.get("schema") or "")
    if not resource.get("datastore_active") or not resolved:
        return tk.abort(404, tk._("This file has no table to query."))
    try:
        first = tk.get_action("datastore_search")(
            dict(context), {"resource_id": resource_id, "limit": EXAMPLE_ROWS})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("This file has no table to query."))
    table = table_dict(resource, load.state_of(resource_id))
    cols = columns(resolved[1].table_schema())
    records = first.get("records", [])
    filtered = next(((c.name, _first_value(records, c.name)) for c in cols
                     if c.field_type == "string" and _first_value(records, c.name)), None)
    word = None
    if filtered:
        word = next((w for w in str(filtered[1]).split() if len(w) > 3), None)
    shown = ", ".join(f'"{c.name}"' for c in cols[:3])
    examples = {
        "first": _api("datastore_search", resource_id=resource_id, limit=EXAMPLE_ROWS),
        "filter": _api("datastore_search", resource_id=resource_id,
                       filters=json.dumps({filtered[0]: filtered[1]}, ensure_ascii=False))
        if filtered else None,
        "filter_column": filtered[0] if filtered else None,
        "filter_value": filtered[1] if filtered else None,
        "word": word,
        "search": _api("datastore_search", resource_id=resource_id, q=word) if word else None,
        "sql": _api("datastore_search_sql",
                    sql=f'SELECT {shown} FROM "{resource_id}" LIMIT {EXAMPLE_ROWS}')
        if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")) else None,
        "csv": tk.h.url_for("datastore.dump", resource_id=resource_id, _external=True)
        + "?format=csv",
        "json": tk.h.url_for("datastore.dump", resource_id=resource_id, _external=True)
        + "?format=json",
    }
    return tk.render("scdl_tables/api.html", {
        "pkg": dataset, "res": resource, "table": table, "columns": cols,
        "total": first.get("total"), "examples": examples,
    })
