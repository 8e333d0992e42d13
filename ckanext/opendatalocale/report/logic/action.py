"""``scdl_compliance_show``: the observatoire through the API."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue

from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.territory import LEVELS_FROM_TOP

from .. import compliance, summary

__all__ = ["scdl_compliance_show", "bulk_update_private", "bulk_update_public",
           "bulk_update_delete"]


def parse(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The report's parameters, checked: unknown values are a ValidationError
    (409) naming the accepted ones."""
    slugs = [entry.slug for entry in catalogue().entries]
    errors: dict[str, list[str]] = {}
    kind = data_dict.get("type") or None
    if kind is not None and kind not in slugs:
        errors["type"] = [tk._("Unknown SCDL type {value}: expected one of {expected}").format(
            value=kind, expected=", ".join(slugs))]
    wanted_status = data_dict.get("status") or None
    if wanted_status is not None and wanted_status not in st.STATUSES:
        errors["status"] = [tk._("Unknown status {value}: expected one of {expected}").format(
            value=wanted_status, expected=", ".join(st.STATUSES))]
    level = data_dict.get("level") or None
    if level is not None and level not in LEVELS_FROM_TOP:
        errors["level"] = [tk._("Unknown level {value}: expected one of {expected}").format(
            value=level, expected=", ".join(LEVELS_FROM_TOP))]
    if errors:
        raise tk.ValidationError(errors)
    return {"territory": data_dict.get("territory") or data_dict.get("id") or None,
            "types": [kind] if kind else slugs, "status": wanted_status, "level": level,
            "obliged_only": tk.asbool(data_dict.get("obligation_only", False))}


def report(params: dict[str, Any]) -> compliance.Report:
    try:
        return compliance.build(params["territory"], params["types"],
                                level=params["level"], obliged_only=params["obliged_only"])
    except compliance.UnknownTerritory:
        raise tk.ObjectNotFound(tk._("Unknown territory: {name}").format(
            name=params["territory"])) from None


def keep_row(row: compliance.Row, wanted_status: str | None) -> bool:
    if wanted_status is None:
        return True
    if row.cells:
        return any(cell.status == wanted_status for cell in row.cells.values())
    return any(counts.by_status[wanted_status] for counts in row.counts.values())


def territory_dict(territory: compliance.Territory | None) -> dict[str, Any]:
    if territory is None:
        return {"name": None, "title": "France", "level": "france"}
    return {"id": territory.id, "name": territory.name, "title": territory.title,
            "level": territory.level, "code": territory.code,
            "population": territory.population, "obligation": territory.obliged}


def head_dict(result: compliance.Report) -> dict[str, Any]:
    return {
        "territory": territory_dict(result.territory),
        "types": result.types,
        "statuses": list(st.STATUSES),
        "computed_at": result.computed_at.isoformat(),
        "totals": {kind: counts.as_dict() for kind, counts in result.totals.items()},
    }


def row_dict(row: compliance.Row) -> dict[str, Any]:
    found: dict[str, Any] = {
        "territory": territory_dict(row.territory),
        "counts": {kind: counts.as_dict() for kind, counts in row.counts.items()}}
    if row.own:
        found["own"] = True
    if row.cells:
        found["cells"] = {kind: {"status": cell.status, "dataset": cell.dataset}
                          for kind, cell in row.cells.items()}
    return found


@tk.side_effect_free
def scdl_compliance_show(context, data_dict):
    """The socle commun's compliance report of a territory, live.

    :param territory: an organisation name or id (default: all of France)
    :param type: an SCDL type (default: every type)
    :param status: keep the rows with communes in this status (absent,
        sans-validation, invalide, perime, conforme)
    :param level: rows of this level below the territory (region,
        departement, epci, commune; default: the territories just below)
    :param obligation_only: count only communes the law obliges to publish
    :returns: the territory, its totals by type and its rows; a commune row
        carries its cells (status and dataset by type); the first row,
        marked ``own``, holds those of the territory itself (an EPCI's or a
        département's own datasets). Only public, active
        datasets count, for every caller.
    """
    tk.check_access("scdl_compliance_show", context, data_dict)
    params = parse(data_dict)
    result = report(params)
    return dict(head_dict(result), rows=[
        row_dict(row) for row in result.rows if keep_row(row, params["status"])])


# -- the summary follows the changes core makes behind its session's back ------------
# Core's bulk actions update the package table in SQL (no ORM change to
# notify) and commit: the rows change first, in the same session, so that
# core's commit is theirs too.

@tk.chained_action
def bulk_update_private(original, context, data_dict):
    tk.check_access("bulk_update_private", context, data_dict)
    summary.forget_many(data_dict.get("datasets", []), data_dict.get("org_id"))
    return original(context, data_dict)


@tk.chained_action
def bulk_update_delete(original, context, data_dict):
    tk.check_access("bulk_update_delete", context, data_dict)
    summary.forget_many(data_dict.get("datasets", []), data_dict.get("org_id"))
    return original(context, data_dict)


@tk.chained_action
def bulk_update_public(original, context, data_dict):
    tk.check_access("bulk_update_public", context, data_dict)
    summary.publish_many(data_dict.get("datasets", []), data_dict.get("org_id"))
    return original(context, data_dict)
