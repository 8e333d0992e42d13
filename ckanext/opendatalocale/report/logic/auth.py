"""The observatoire is public."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_compliance_show", "scdl_compliance_history"]


@tk.auth_allow_anonymous_access
def scdl_compliance_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def scdl_compliance_history(context, data_dict):
    return {"success": True}
