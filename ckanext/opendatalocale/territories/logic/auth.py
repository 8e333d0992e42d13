"""Territory organisations belong to the COG: only sysadmins (and the loader)
remove them, whatever ``ckan.auth.user_delete_organizations`` says, and only
sysadmins link organisations to one another.

Their admins — and, through ``ckan.auth.roles_that_cascade_to_sub_groups``,
the admins of the territories above — edit their description and manage
their members, as core allows; the territory fields, name, title and the
parent are kept by the schema's validators (``logic/validators.py``) for
everyone but sysadmins.
"""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import tree

__all__ = ["organization_delete", "group_delete", "member_create", "member_delete",
           "group_create", "group_update"]


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


def _links_an_organisation(data_dict) -> bool:
    """Whether a membership is a hierarchy link with an organisation on
    either side (core stores a parent as a ``group`` member of its child)."""
    if data_dict.get("object_type") != "group":
        return False
    ends = (model.Group.get(str(data_dict.get(k) or "")) for k in ("id", "object"))
    return any(g is not None and g.is_organization for g in ends)


def _hierarchy(next_auth, context, data_dict):
    # core lets anyone who may edit the child (its admins, and by cascade
    # those of every territory above) set its parent: not for organisations.
    # Sysadmins never reach chained auth functions.
    if _links_an_organisation(data_dict):
        return {"success": False,
                "msg": tk._("Only the site's administrators change the hierarchy of "
                            "organisations.")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def member_create(next_auth, context, data_dict):
    return _hierarchy(next_auth, context, data_dict)


@tk.chained_auth_function
def member_delete(next_auth, context, data_dict):
    return _hierarchy(next_auth, context, data_dict)


def _under_an_organisation(data_dict) -> bool:
    """Whether a group's ``groups`` (its parents) name an organisation."""
    parents = (data_dict or {}).get("groups") or []
    for parent in parents if isinstance(parents, list) else []:
        if isinstance(parent, dict):
            group = model.Group.get(str(parent.get("id") or parent.get("name") or ""))
            if group is not None and group.is_organization:
                return True
    return False


def _group_parents(next_auth, context, data_dict):
    # a plain group hung under a territory would give the territory's admins
    # (and those above, by cascade) rights over it: a hierarchy change too
    if _under_an_organisation(data_dict):
        return {"success": False,
                "msg": tk._("Only the site's administrators change the hierarchy of "
                            "organisations.")}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def group_create(next_auth, context, data_dict):
    return _group_parents(next_auth, context, data_dict)


@tk.chained_auth_function
def group_update(next_auth, context, data_dict):
    return _group_parents(next_auth, context, data_dict)
