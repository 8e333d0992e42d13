"""Territory organisations belong to the COG: only sysadmins (and the loader)
delete them; only their own admins — not an admin of a parent territory
through the cascade — edit them and manage their members."""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import tree

__all__ = ["organization_delete", "organization_update", "group_member_create",
           "group_member_delete", "organization_member_create",
           "organization_member_delete"]


def _territory(data_dict) -> model.Group | None:
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    return group if group is not None and tree.is_territory(group.id) else None


def _own_admin(context, group: model.Group) -> bool:
    user = context.get("user")
    user_obj = model.User.get(user) if user else None
    if user_obj is None:
        return False
    return any(group_id == group.id and role == "admin"
               for group_id, role in tree.direct_memberships_with_roles(user_obj.id))


@tk.chained_auth_function
def organization_delete(next_auth, context, data_dict):
    if _territory(data_dict) is not None:
        return {"success": authz.is_sysadmin(context.get("user")),
                "msg": tk._("Territory organisations are removed only by the site's "
                            "administrators.")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def organization_update(next_auth, context, data_dict):
    group = _territory(data_dict)
    if group is not None and not authz.is_sysadmin(context.get("user")):
        return {"success": _own_admin(context, group),
                "msg": tk._("Only the administrators of this territory edit it.")}
    return next_auth(context, data_dict)


def _members(next_auth, context, data_dict):
    group = _territory(data_dict)
    if group is not None and not authz.is_sysadmin(context.get("user")):
        return {"success": _own_admin(context, group),
                "msg": tk._("Only the administrators of this territory manage its "
                            "members.")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def group_member_create(next_auth, context, data_dict):
    return _members(next_auth, context, data_dict)


@tk.chained_auth_function
def group_member_delete(next_auth, context, data_dict):
    return _members(next_auth, context, data_dict)


@tk.chained_auth_function
def organization_member_create(next_auth, context, data_dict):
    return _members(next_auth, context, data_dict)


@tk.chained_auth_function
def organization_member_delete(next_auth, context, data_dict):
    return _members(next_auth, context, data_dict)
