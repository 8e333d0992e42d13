"""Who imports national files (sysadmins), who sees an organisation's
proposals (those who publish for it: its editors and admins, the agents of
the territories above) and who publishes one (whoever may edit it)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_dotation_source_list", "scdl_dotation_import", "scdl_dotation_import_show",
           "scdl_dotation_proposal_list", "scdl_dotation_publish"]


@tk.auth_allow_anonymous_access
def scdl_dotation_source_list(context, data_dict):
    return {"success": True}


def scdl_dotation_import(context, data_dict):
    return {"success": False, "msg": tk._("Only sysadmins import national files.")}


def scdl_dotation_import_show(context, data_dict):
    return {"success": False, "msg": tk._("Only sysadmins follow imports.")}


def scdl_dotation_proposal_list(context, data_dict):
    try:
        tk.check_access("package_create", dict(context),
                        {"owner_org": data_dict.get("organization")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._(
            "Only those who publish for this organisation see its proposals.")}
    return {"success": True}


def scdl_dotation_publish(context, data_dict):
    try:
        tk.check_access("package_update", dict(context), {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._(
            "Only those who publish for this organisation publish its proposals.")}
    return {"success": True}
