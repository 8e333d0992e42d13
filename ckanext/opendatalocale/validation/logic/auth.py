"""Who may run, see and delete validations: whoever may update, see and
update the resource (core's own rules)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["resource_validation_run", "resource_validation_show",
           "resource_validation_delete"]


def resource_validation_run(context, data_dict):
    return {"success": tk.check_access("resource_update", context,
                                       {"id": data_dict["resource_id"]})}


@tk.auth_allow_anonymous_access
def resource_validation_show(context, data_dict):
    return {"success": tk.check_access("resource_show", context,
                                       {"id": data_dict["resource_id"]})}


def resource_validation_delete(context, data_dict):
    return {"success": tk.check_access("resource_update", context,
                                       {"id": data_dict["resource_id"]})}
