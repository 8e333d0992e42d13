"""ckanext-validation's API (names, parameters, statuses), on our validator."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import runner
from ..wording import key_of, render, report_json

__all__ = ["resource_validation_run", "resource_validation_show",
           "resource_validation_delete"]


def _resource(context, data_dict) -> dict[str, Any]:
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not resource_id:
        raise tk.ValidationError({"resource_id": [tk._("Missing value")]})
    return tk.get_action("resource_show")(dict(context), {"id": resource_id})


def resource_validation_run(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Validate a resource against the SCDL schema its ``schema`` names.

    :param resource_id: the resource
    :param async: run in the background (default: true); false checks at once
        within the upload's time budget, and hands a slower file to the worker
    :returns: ``{"status": …}``
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_run", context, {"resource_id": resource["id"]})
    if not runner.schema_of(resource):
        raise tk.ValidationError({"schema": [tk._(
            "This resource follows no known SCDL schema: there is nothing to check.")]})
    # not async: within the upload's time budget, else by the worker all the same
    runner.schedule(resource, now=None if tk.asbool(data_dict.get("async", True)) else True)
    return {"status": (runner.status_of(resource["id"]) or {}).get("status")}


@tk.side_effect_free
def resource_validation_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The latest validation of a resource: status, report, error; each
    message in the visitor's language (the portal's outside a request) beside
    its key and values (``summary`` and ``summary_key``…).

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_show", context, {"resource_id": resource["id"]})
    validation = runner.status_of(resource["id"])
    if not validation:
        raise tk.ObjectNotFound(tk._("This resource has not been validated."))
    return {
        "id": validation["resource_id"], "resource_id": validation["resource_id"],
        "status": validation["status"], "schema": validation["schema_url"],
        "report": report_json(validation["report"]),
        "error": render(validation["error"]) if validation["error"] is not None else None,
        "error_key": key_of(validation["error"]),
        "created": validation["created"].isoformat() if validation["created"] else None,
        "finished": validation["finished"].isoformat() if validation["finished"] else None,
    }


def resource_validation_delete(context, data_dict: dict[str, Any]) -> None:
    """Forget a resource's validation.

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_delete", context, {"resource_id": resource["id"]})
    runner.forget(resource["id"])
