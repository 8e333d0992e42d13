"""Who may run, see and delete validations: whoever may update, see and
update the resource (core's own rules). Corrections: the resource's
editors; a file sent on its own, any logged-in user."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz

__all__ = ["resource_validation_run", "resource_validation_show",
           "resource_validation_delete", "scdl_repair", "scdl_repair_show"]


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


@tk.auth_disallow_anonymous_access
def scdl_repair(context, data_dict):
    if not data_dict.get("resource_id"):
        # a file of one's own, corrected and returned. (The decorator alone
        # does not refuse the API's anonymous visitor: CKAN gives its actions
        # the anonymous user object, which is truthy.)
        return {"success": not authz.auth_is_anon_user(context)}
    return {"success": tk.check_access("resource_update", context,
                                       {"id": data_dict["resource_id"]})}


def scdl_repair_show(context, data_dict):
    return {"success": tk.check_access("resource_update", context,
                                       {"id": data_dict["resource_id"]})}
