"""Who may type what: a draft is its author's, and only while she may still
write its file (an editor removed from the organisation loses her drafts'
rights at once); checking rows needs a logged-in user."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan import authz

from .. import drafts

__all__ = ["scdl_entry_check", "scdl_entry_rows", "scdl_entry_update", "scdl_entry_save",
           "scdl_entry_delete"]


def may_write(context, entry: dict) -> bool:
    """The entry's file may be written by the context's user, now."""
    try:
        if entry["resource_id"]:
            tk.check_access("resource_update", dict(context), {"id": entry["resource_id"]})
        elif entry["package_id"]:
            tk.check_access("resource_create", dict(context),
                            {"package_id": entry["package_id"]})
        else:
            tk.check_access("package_create", dict(context),
                            {"owner_org": entry["owner_org"], "type": entry["type"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _own_draft(context, data_dict) -> dict:
    entry = drafts.get(str(data_dict.get("id") or ""))
    user = model.User.get(context.get("user") or "")
    if entry is None or user is None:
        return {"success": False}
    if entry["created_by"] != user.id:
        return {"success": False, "msg": tk._("This draft is another person's.")}
    return {"success": may_write(context, entry)}


def scdl_entry_check(context, data_dict):
    return {"success": not authz.auth_is_anon_user(context)}


def scdl_entry_rows(context, data_dict):
    return _own_draft(context, data_dict)


def scdl_entry_update(context, data_dict):
    return _own_draft(context, data_dict)


def scdl_entry_save(context, data_dict):
    return _own_draft(context, data_dict)


def scdl_entry_delete(context, data_dict):
    return _own_draft(context, data_dict)
