"""Validators of the organisation schema: a territory's fields, name, title
and the parent of any organisation are the loader's and sysadmins' business:
for everyone else the stored values stay, as in the form they see read-only."""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing

from .. import tree

__all__ = ["territory_field", "territory_name", "territory_parent"]


def _sysadmin(context) -> bool:
    return context.get("ignore_auth") or authz.is_sysadmin(context.get("user"))


def _group_id(data) -> str | None:
    reference = data.get(("id",)) or data.get(("name",))
    group = model.Group.get(reference) if reference and reference is not missing else None
    return group.id if group else None


def territory_field(key, data, errors, context):
    """Only sysadmins change a territory field (an empty one is removed); for
    others the stored value stays, empty or not."""
    if _sysadmin(context):
        if data.get(key) in (missing, None, ""):
            data.pop(key, None)
            raise StopOnError
        return
    group_id = _group_id(data)
    stored = tree.territory_fields(group_id).get(key[0]) if group_id else None
    if stored is None:
        data.pop(key, None)
        raise StopOnError
    data[key] = stored


def territory_name(key, data, errors, context):
    """A territory's ``name`` (its code: a contract) and ``title`` (its
    official name) change only by sysadmins; for others the stored value stays."""
    if _sysadmin(context):
        return
    group_id = _group_id(data)
    if group_id and tree.is_territory(group_id):
        data[key] = getattr(model.Group.get(group_id), key[0])


def territory_parent(key, data, errors, context):
    """The parent (``groups``): kept as it is unless a sysadmin changes it,
    refused when it would make a loop (checked by one SQL query, where core's
    ``no_loops_in_hierarchy`` loads every organisation)."""
    group_id = _group_id(data)
    given = [k for k in data if k[0] == "groups" and k[-1] == "name"]
    if given and _sysadmin(context):
        for k in given:
            # the capacity core gives the links it reads as parents
            data[k[:-1] + ("capacity",)] = "parent"
            parent = model.Group.get(data[k])
            if parent is None:
                errors.setdefault(k, []).append(tk._("Unknown parent organisation."))
            elif group_id and tree.would_loop(group_id, parent.id):
                errors.setdefault(k, []).append(
                    tk._("This parent would create a loop in the hierarchy"))
        return
    for k in [k for k in data if k[0] == "groups"]:
        del data[k]
    current = tree.parent_of(group_id) if group_id else None
    if current:
        data[("groups", 0, "name")] = current["name"]
        data[("groups", 0, "capacity")] = "parent"
