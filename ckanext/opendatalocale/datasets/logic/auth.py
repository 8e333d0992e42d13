"""The catalogue of schemas is public."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_schema_list", "scdl_schema_show"]


@tk.auth_allow_anonymous_access
def scdl_schema_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def scdl_schema_show(context, data_dict):
    return {"success": True}
