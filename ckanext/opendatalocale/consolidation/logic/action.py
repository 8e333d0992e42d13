"""A territory's consolidations: shown, turned on or off."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import build, catalogues

__all__ = ["scdl_consolidation_show", "scdl_consolidation_update", "scdl_catalogue_show",
           "scdl_catalogue_update"]


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


def _organization(data_dict) -> model.Group:
    return _territory({"territory": data_dict.get("organization")})


@tk.side_effect_free
def scdl_catalogue_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """An organisation's generated SCDL catalogue: ``enabled``, its
    ``dataset``, how many datasets it lists, when it was written, and
    ``error`` (``siret-missing``: the organisation has no SIRET, which the
    catalogue requires).

    :param organization: the organisation (name or id)
    """
    group = _organization(data_dict)
    tk.check_access("scdl_catalogue_show", context, {"organization": group.id})
    state = catalogues.state_of(group.id) or {}
    return {"organization": group.name, "enabled": bool(state.get("enabled")),
            "dataset": _package_name(state.get("package_id")),
            "datasets": state.get("datasets", 0), "error": state.get("error"),
            "to_rebuild": bool(state.get("dirty")) and bool(state.get("enabled")),
            "built": state["built"].isoformat() if state.get("built") else None}


def scdl_catalogue_update(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Turn an organisation's generated catalogue on (written by the jobs
    worker, then rewritten when its datasets change) or off (the dataset
    stays as it was).

    :param organization: the organisation (name or id)
    :param enabled: true or false
    """
    group = _organization(data_dict)
    tk.check_access("scdl_catalogue_update", context, {"organization": group.id})
    if "enabled" not in data_dict:
        raise tk.ValidationError({"enabled": [tk._("Missing value")]})
    catalogues.set_enabled(group.id, tk.asbool(data_dict["enabled"]))
    return scdl_catalogue_show(context, {"organization": group.id})
