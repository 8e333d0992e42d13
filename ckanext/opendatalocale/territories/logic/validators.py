"""Validators of the organisation schema: a territory's fields, name, title
and the parent of any organisation are the loader's and sysadmins' business:
for everyone else the stored values stay, as in the form they see read-only."""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing

from .. import tree

__all__ = ["territory_field", "territory_name", "territory_parent", "territory_siret"]


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


def territory_siret(key, data, errors, context):
    """The collectivité's own SIRET (its seat's: the mairie's, the EPCI's),
    which online entry fills in: 14 digits with their check digit, whose
    first nine are the organisation's SIREN when it has one. Spaces and
    points as people write it are removed; empty removes it."""
    from stdnum.fr import siret
    value = data.get(key)
    if value in (missing, None) or not str(value).strip():
        data.pop(key, None)
        raise StopOnError
    number = "".join(c for c in str(value) if c.isalnum())
    if not siret.is_valid(number):
        errors[key].append(tk._("A SIRET number has 14 digits, the last of which is a check "
                                "digit: check what was typed, for example on "
                                "annuaire-entreprises.data.gouv.fr."))
        raise StopOnError
    own = data.get(("siren",))
    if own in (missing, None, "") and _group_id(data):
        own = tree.territory_fields(_group_id(data)).get("siren")
    if own and number[:9] != own:
        errors[key].append(tk._("This SIRET is not one of the organisation's: its first nine "
                                "digits should be its SIREN, {siren}.").format(siren=own))
        raise StopOnError
    data[key] = number
