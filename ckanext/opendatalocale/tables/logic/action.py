"""The state of a conformant file's DataStore table, and loading it again."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import render

from .. import load

__all__ = ["scdl_table_show", "scdl_table_load"]


def _resource(context, data_dict) -> dict[str, Any]:
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not resource_id or not isinstance(resource_id, str):
        raise tk.ValidationError({"resource_id": [tk._("Missing value")]})
    return tk.get_action("resource_show")(dict(context), {"id": resource_id})


def table_dict(resource: dict[str, Any], state: dict[str, Any] | None) -> dict[str, Any]:
    """What the API and the pages say of a resource's table."""
    if state is None:
        return {"resource_id": resource["id"], "state": None,
                "datastore_active": bool(resource.get("datastore_active"))}
    return {
        "resource_id": resource["id"],
        "state": state["state"],
        "rows": state["rows"],
        "loaded": state["loaded"].isoformat() if state["loaded"] else None,
        "current": state["current"],
        "file_hash": state["file_hash"],
        "error": render(state["error"]) if state["error"] is not None else None,
        "datastore_active": bool(resource.get("datastore_active")),
    }


@tk.side_effect_free
def scdl_table_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The resource's DataStore table: ``state`` (``loading``, ``loaded``,
    ``failed``, or null: never loaded), ``rows``, ``loaded`` (when),
    ``current`` (false: the file was replaced by one that is not conformant,
    and the table still holds the last conformant one), ``error``.

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("scdl_table_show", context, {"resource_id": resource["id"]})
    return table_dict(resource, load.state_of(resource["id"]))


def scdl_table_load(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Load the resource's file into its DataStore table again, by the jobs
    worker (a file already loaded is not loaded twice). Only a conformant
    file is loaded.

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("scdl_table_load", context, {"resource_id": resource["id"]})
    try:
        validation = tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource["id"]})
    except tk.ObjectNotFound:
        validation = {}
    if validation.get("status") != "success" or not validation.get("file_hash"):
        raise tk.ValidationError({"resource_id": [tk._(
            "Only a file found conformant is loaded as a table: this one is not, or has "
            "not been checked yet.")]})
    load.schedule(resource["id"], resource["package_id"], validation["file_hash"], again=True)
    return table_dict(resource, load.state_of(resource["id"]))
