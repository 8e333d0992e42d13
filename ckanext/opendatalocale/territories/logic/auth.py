"""Territory organisations belong to the COG: only sysadmins (and the loader)
remove them, whatever ``ckan.auth.user_delete_organizations`` says.

Their admins — and, through ``ckan.auth.roles_that_cascade_to_sub_groups``,
the admins of the territories above — edit their description and manage
their members, as core allows; the territory fields and the parent are kept
by the schema's validators (``logic/validators.py``) for everyone but
sysadmins.
"""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import tree

__all__ = ["organization_delete", "group_delete"]


def _is_territory(data_dict) -> bool:
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    return group is not None and tree.is_territory(group.id)


def _delete(next_auth, context, data_dict):
    if _is_territory(data_dict) and not authz.is_sysadmin(context.get("user")):
        return {"success": False,
                "msg": tk._("Territory organisations are removed only by the site's "
                            "administrators.")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def organization_delete(next_auth, context, data_dict):
    return _delete(next_auth, context, data_dict)


@tk.chained_auth_function
def group_delete(next_auth, context, data_dict):
    return _delete(next_auth, context, data_dict)
