"""Who may see a table's state (whoever may see the resource) and load it
again (whoever may update the resource)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_table_show", "scdl_table_load"]


@tk.auth_allow_anonymous_access
def scdl_table_show(context, data_dict):
    return {"success": tk.check_access("resource_show", context,
                                       {"id": data_dict.get("resource_id")})}


def scdl_table_load(context, data_dict):
    return {"success": tk.check_access("resource_update", context,
                                       {"id": data_dict.get("resource_id")})}
