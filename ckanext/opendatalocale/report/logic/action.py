"""``scdl_compliance_show``: the observatoire through the API."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue

from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.territory import LEVELS_FROM_TOP

from datetime import date

from .. import compliance, history, summary

__all__ = ["scdl_compliance_show", "scdl_compliance_history", "bulk_update_private", "bulk_update_public",
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


def _day(value: Any, key: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[key] = [tk._("Invalid date {value}: expected a date as YYYY-MM-DD").format(
            value=value)]
        return None


def parse_history(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The history's parameters, checked: ObjectNotFound (404) for an
    unknown territory, ValidationError (409) naming the accepted values."""
    params = parse({key: data_dict.get(key) for key in ("type", "territory", "id")})
    errors: dict[str, list[str]] = {}
    start = _day(data_dict.get("from"), "from", errors)
    end = _day(data_dict.get("to"), "to", errors)
    if errors:
        raise tk.ValidationError(errors)
    territory = None
    if params["territory"] is not None:
        try:
            territory = compliance.territory(params["territory"])
        except compliance.UnknownTerritory:
            raise tk.ObjectNotFound(tk._("Unknown territory: {name}").format(
                name=params["territory"])) from None
        if territory.level == "commune":
            raise tk.ValidationError({"territory": [tk._(
                "A commune has no history of its own: the history is kept for France, "
                "régions, départements and EPCI (its status is in the live report)")]})
    first, last = history.days()
    if start is not None and end is not None and start > end:
        raise tk.ValidationError({"from": [tk._(
            "The start {start} is after the end {end}").format(start=start, end=end)]})
    if first is None or last is None:
        if start is not None or end is not None:
            raise tk.ValidationError({"from": [tk._("No snapshot has been taken yet")]})
    elif (start or first) > last or (end or last) < first:
        raise tk.ValidationError({"from": [tk._(
            "No snapshot between {start} and {end}: snapshots run from {first} to {last}"
        ).format(start=start or first, end=end or last, first=first, last=last)]})
    return dict(params, territory=territory, first=first, last=last,
                start=max(start or first, first) if first else None,
                end=min(end or last, last) if last else None)


def history_result(params: dict[str, Any]) -> dict[str, Any]:
    territory = params["territory"]
    found: dict[str, list[history.Period]] = {kind: [] for kind in params["types"]}
    if params["first"] is not None:
        found = history.series(territory.id if territory else compliance.FRANCE,
                               params["types"], params["start"], params["end"])
    def iso(day):
        return day.isoformat() if day else None
    return {"territory": territory_dict(territory), "types": params["types"],
            "statuses": list(st.STATUSES), "first_day": iso(params["first"]),
            "last_day": iso(params["last"]), "from": iso(params["start"]),
            "to": iso(params["end"]),
            "series": {kind: [history.period_dict(p) for p in periods]
                       for kind, periods in found.items()}}


@tk.side_effect_free
def scdl_compliance_history(context, data_dict):
    """The observatoire over time: a territory's counts by type, from the
    daily snapshots (``ckan opendatalocale observatoire snapshot``).

    :param territory: an organisation name or id: a région, a département
        or an EPCI (default: all of France); a commune has no history
    :param type: an SCDL type (default: every type)
    :param from: first day, YYYY-MM-DD (default: the first snapshot)
    :param to: last day, YYYY-MM-DD (default: the last snapshot)
    :returns: the territory, ``first_day`` and ``last_day`` of the
        snapshots, and for each type its ``series``: periods ``from`` … ``to``
        (both included) over which the counts did not change, each with the
        counts of ``scdl_compliance_show``'s totals. A range outside the
        snapshots is a 409 naming the days they cover.
    """
    tk.check_access("scdl_compliance_history", context, data_dict)
    return history_result(parse_history(data_dict))


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
