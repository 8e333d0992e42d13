"""Who sees consolidations (anyone: they are public datasets) and who turns
them on or off for a territory (its admins, and sysadmins)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_consolidation_show", "scdl_consolidation_update", "scdl_catalogue_show",
           "scdl_catalogue_update"]


@tk.auth_allow_anonymous_access
def scdl_consolidation_show(context, data_dict):
    return {"success": True}


def scdl_consolidation_update(context, data_dict):
    return {"success": tk.check_access("organization_update", context,
                                       {"id": data_dict.get("territory")})}


@tk.auth_allow_anonymous_access
def scdl_catalogue_show(context, data_dict):
    return {"success": True}


def scdl_catalogue_update(context, data_dict):
    return {"success": tk.check_access("organization_update", context,
                                       {"id": data_dict.get("organization")})}
