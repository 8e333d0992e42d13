"""A territory's consolidations: shown, turned on or off."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import build

__all__ = ["scdl_consolidation_show", "scdl_consolidation_update"]


def _territory(data_dict) -> model.Group:
    name = data_dict.get("territory")
    if not name or not isinstance(name, str):
        raise tk.ValidationError({"territory": [tk._("Missing value")]})
    group = model.Group.get(name)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(tk._("Territory not found."))
    return group


def _package_name(package_id):
    package = model.Package.get(package_id) if package_id else None
    return package.name if package is not None and package.state == "active" else None


@tk.side_effect_free
def scdl_consolidation_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """A territory's consolidations: ``enabled``, and per SCDL type its
    dataset, files, rows, when it was built and from which files
    (``provenance``: commune, dataset, resource, date, rows).

    :param territory: the territory (organisation name or id)
    """
    group = _territory(data_dict)
    tk.check_access("scdl_consolidation_show", context, {"territory": group.id})
    communes = build.territories_with_communes(group.id)
    return {
        "territory": group.name, "enabled": build.enabled(group.id),
        "communes": len(communes),
        "consolidations": [{
            "type": row["type"], "dataset": _package_name(row["package_id"]),
            "files": row["files"], "rows": row["rows"], "to_rebuild": row["dirty"],
            "built": row["built"].isoformat() if row["built"] else None,
            "provenance": row["provenance"],
        } for row in build.state_of(group.id)],
    }


def scdl_consolidation_update(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Turn a territory's consolidations on or off. On: each type is built
    by the jobs worker, then rebuilt when its communes' files change. Off:
    the consolidated datasets stay as they were, no longer rebuilt.

    :param territory: the territory (organisation name or id)
    :param enabled: true or false
    """
    group = _territory(data_dict)
    tk.check_access("scdl_consolidation_update", context, {"territory": group.id})
    if "enabled" not in data_dict:
        raise tk.ValidationError({"enabled": [tk._("Missing value")]})
    on = tk.asbool(data_dict["enabled"])
    if on and not build.territories_with_communes(group.id):
        raise tk.ValidationError({"territory": [tk._(
            "This organisation has no commune below it: there is nothing to consolidate.")]})
    build.set_enabled(group.id, on)
    return scdl_consolidation_show(context, {"territory": group.id})
