"""/observatoire: the report pages and their exports."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl.spreadsheet import spreadsheet_safe

from datetime import date, datetime

from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.opendatafrance import columns as odf_columns

from . import chart, compliance, history, opendatafrance
from .logic.action import (head_dict, history_result, keep_row, parse, parse_history, report,
                           row_dict, territory_dict)

__all__ = ["observatoire"]

observatoire = Blueprint("observatoire", __name__)
SORTS = ("title", "population", "publishing", "conformant")


def _checked(parser, territory: str | None) -> dict[str, Any]:
    """The query's parameters through ``parser``: a 409 naming what is
    accepted, a 404 for an unknown territory."""
    data = {key: value for key, value in tk.request.args.items() if value}
    data["territory"] = territory
    try:
        return parser(data)
    except tk.ValidationError as error:
        message = "; ".join(m for messages in error.error_dict.values() for m in messages)
        return tk.abort(409, message)
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error.message or error))


def _params(territory: str | None) -> dict[str, Any]:
    return _checked(parse, territory)


def _report(territory: str | None):
    params = _params(territory)
    try:
        return params, report(params)
    except tk.ObjectNotFound as error:
        return params, tk.abort(404, str(error.message or error))


def _sorted_rows(result, params, sort: str):
    """The rows as asked; the territory's own row stays first."""
    own = [row for row in result.rows if row.own and keep_row(row, params["status"])]
    rows = [row for row in result.rows if not row.own and keep_row(row, params["status"])]

    def total(row, attribute):
        return sum(getattr(counts, attribute) for counts in row.counts.values())
    if sort == "population":
        rows.sort(key=lambda row: -row.territory.population)
    elif sort in ("publishing", "conformant"):
        rows.sort(key=lambda row: -(total(row, sort) / max(1, total(row, "communes"))))
    return own + rows


def read(territory: str | None = None):
    params, result = _report(territory)
    sort = tk.request.args.get("sort") or "title"
    if sort not in SORTS:
        return tk.abort(409, tk._("Unknown sort {value}: expected one of {expected}").format(
            value=sort, expected=", ".join(SORTS)))
    ancestors = []
    if result.territory is not None:
        ancestors = tk.h.territory_ancestors(result.territory.id)
    return tk.render("observatoire/report.html", {
        "report": result, "params": params, "rows": _sorted_rows(result, params, sort),
        "sort": sort, "sorts": SORTS, "ancestors": ancestors,
        "territory_name": territory, "statuses": st.STATUSES,
        "evolution": _evolution(result, params)})


def month_before(day: date) -> date:
    """The same day of the previous month (the last one if shorter)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _date_label(day: date) -> str:
    return tk.h.render_datetime(datetime(day.year, day.month, day.day))


def _evolution(result: compliance.Report, params: dict[str, Any]) -> dict[str, Any] | None:
    """Each type's chart over the snapshots and its change since the same
    day last month (None for a commune, which has no history of its own)."""
    if result.territory is not None and result.territory.level == "commune":
        return None
    first, last = history.days()
    if first is None or last is None:
        return {"first": None, "types": {}}
    territory_id = result.territory.id if result.territory else compliance.FRANCE
    obliged = params["obliged_only"]
    periods = history.sampled(territory_id, result.types, first, last)
    before = history.counts_on(territory_id, result.types, month_before(history.today()))
    names = (tk._("Obliged communes publishing") if obliged else tk._("Communes publishing"),
             tk._("Obliged communes conformant") if obliged else tk._("Communes conformant"))
    found: dict[str, Any] = {}
    for kind in result.types:
        kept = periods.get(kind) or []
        change = None
        if kind in before:
            def conformant(counts):
                return counts.obliged_conformant if obliged else counts.conformant
            change = conformant(result.totals[kind]) - conformant(before[kind])
        label = tk._("{type}: communes publishing and conformant from {first} to {last}"
                     ).format(type=tk.h.scdl_title(kind), first=_date_label(kept[0].start),
                              last=_date_label(kept[-1].end)) if kept else ""
        if kept:
            label += " — " + "; ".join(
                f"{_date_label(p.start)} : {names[0].lower()} "
                f"{p.counts.obliged_publishing if obliged else p.counts.publishing}, "
                f"{names[1].lower()} "
                f"{p.counts.obliged_conformant if obliged else p.counts.conformant}"
                for p in kept[-3:])
        published = any(p.counts.obliged_publishing if obliged else p.counts.publishing
                        for p in kept)
        found[kind] = {
            "published": published,
            "svg": None if not published else chart.evolution(kept, label, _date_label(kept[0].start) if kept else "",
                                   _date_label(kept[-1].end) if kept else "", names, obliged),
            "change": change}
    return {"first": first, "last": last, "first_label": _date_label(first),
            "last_label": _date_label(last), "types": found, "names": names}


def history_export(fmt: str, territory: str | None = None):
    """The history as a file: one line per type and period of unchanged counts."""
    found = history_result(_checked(parse_history, territory))
    name = f"observatoire-historique-{territory or 'france'}"
    if fmt == "json":
        return Response(json.dumps(found, ensure_ascii=False), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["territoire", "nom", "type", "du", "au", "communes", "publient",
                     "conformes", *st.STATUSES, "communes_obligees", "obligees_publient",
                     "obligees_conformes", "population", "population_couverte"])
    t = found["territory"]
    for kind, periods in found["series"].items():
        for p in periods:
            writer.writerow([spreadsheet_safe(v) for v in (
                t["name"] or "france", t["title"], kind, p["from"], p["to"], p["communes"],
                p["publishing"], p["conformant"], *(p["by_status"][s] for s in st.STATUSES),
                p["obliged"], p["obliged_publishing"], p["obliged_conformant"],
                p["population"], p["population_covered"])])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


def export(fmt: str, territory: str | None = None):
    params, result = _report(territory)
    rows = [row for row in result.rows if keep_row(row, params["status"])]
    name = f"observatoire-{territory or 'france'}"
    if fmt == "json":
        return Response(stream_with_context(_json(result, rows)), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    return Response(stream_with_context(_csv(result, rows)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


def _json(result, rows) -> Iterator[str]:
    """The API's answer, written a row at a time."""
    head = json.dumps(head_dict(result), ensure_ascii=False)
    yield head[:-1] + ', "rows": ['
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps(row_dict(row), ensure_ascii=False)
    yield "\n]}\n"


def _csv(result, rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text
    buffer.write("\ufeff")  # Excel reads UTF-8 with its BOM
    writer.writerow(["territoire", "nom", "niveau", "code", "population", "obligation",
                     "type", "communes", "publient", "conformes", *st.STATUSES,
                     "communes_obligees", "obligees_publient", "obligees_conformes",
                     "population_couverte", "statut", "jeu_de_donnees"])
    yield flush()
    for row in rows:
        t = territory_dict(row.territory)
        for kind, counts in row.counts.items():
            cell = (row.cells or {}).get(kind)
            writer.writerow([spreadsheet_safe(v) for v in (
                t["name"], t["title"], t["level"], t["code"], t["population"],
                "oui" if t["obligation"] else "non", kind, counts.communes, counts.publishing,
                counts.conformant, *(counts.by_status[s] for s in st.STATUSES),
                counts.obliged, counts.obliged_publishing, counts.obliged_conformant,
                counts.population_covered, cell.status if cell else "",
                cell.dataset if cell and cell.dataset else "")])
        yield flush()


observatoire.add_url_rule("/observatoire", view_func=read, endpoint="index")
observatoire.add_url_rule("/observatoire.<any(csv, json):fmt>", view_func=export,
                          endpoint="export_france")
def opendatafrance_export(territory: str | None = None):
    """The territory's publishing organisations in the columns of
    OpenDataFrance's observatoire (comma-separated UTF-8, as its files)."""
    params = _params(territory)
    try:
        found = list(opendatafrance.lines(territory, params["types"]))
    except compliance.UnknownTerritory:
        return tk.abort(404, tk._("Unknown territory: {name}").format(name=territory))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=odf_columns(params["types"]))
    writer.writeheader()
    for line in found:
        writer.writerow({key: spreadsheet_safe(value) for key, value in line.items()})
    name = f"observatoire-opendatafrance-{territory or 'france'}"
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


observatoire.add_url_rule("/observatoire/opendatafrance.csv", view_func=opendatafrance_export,
                          endpoint="opendatafrance_france")
observatoire.add_url_rule("/observatoire/<territory>/opendatafrance.csv",
                          view_func=opendatafrance_export, endpoint="opendatafrance")
observatoire.add_url_rule("/observatoire/history.<any(csv, json):fmt>",
                          view_func=history_export, endpoint="history_france")
observatoire.add_url_rule("/observatoire/<territory>/history.<any(csv, json):fmt>",
                          view_func=history_export, endpoint="history")
observatoire.add_url_rule("/observatoire/<territory>", view_func=read, endpoint="read")
observatoire.add_url_rule("/observatoire/<territory>.<any(csv, json):fmt>",
                          view_func=export, endpoint="export")
