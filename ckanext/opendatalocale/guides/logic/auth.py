"""The guides are public; only sysadmins change them (CKAN lets sysadmins
through before any auth function)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["opendatalocale_guide_list", "opendatalocale_guide_show",
           "opendatalocale_guide_update", "opendatalocale_guide_reset"]


@tk.auth_allow_anonymous_access
def opendatalocale_guide_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def opendatalocale_guide_show(context, data_dict):
    return {"success": True}


def opendatalocale_guide_update(context, data_dict):
    return {"success": False, "msg": tk._("Only the portal's administrators edit the guides")}


def opendatalocale_guide_reset(context, data_dict):
    return {"success": False, "msg": tk._("Only the portal's administrators edit the guides")}
