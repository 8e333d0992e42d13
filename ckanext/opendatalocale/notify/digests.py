"""The digest of the territory agents: the editors and admins of an EPCI, a
département or a région, told weekly (or monthly, as each chooses) what
changed among their communes and what is wrong now.

A digest covers a whole period that is over: the first run of the command in
a week writes the previous week's (Monday to Sunday), in a month the
previous month's; its event's key is the person and the period, so a digest
is written once. What it says comes from the observatoire's actions (the
report plugin): the changes from ``scdl_compliance_history`` (the counts on
the eve of the period against those of its last day), what is wrong from
``scdl_compliance_show`` (the communes with a type not conformant or out of
date now), each with the observatoire's page listing those communes.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Optional
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import status as st

from . import messages, settings

__all__ = ["LEVELS", "MAX_NAMED", "period", "due", "agents", "section"]

LEVELS = ("epci", "departement", "region")
PARIS = ZoneInfo("Europe/Paris")  # the periods are France's weeks and months
MAX_NAMED = 10  # communes named in a line; the others are counted
WRONG = (st.INVALID, st.STALE)

_AGENTS = """
SELECT DISTINCT u.id, g.name, coalesce(nullif(g.title, ''), g.name) AS title
FROM member m
JOIN "user" u ON u.id = m.table_id
JOIN "group" g ON g.id = m.group_id
JOIN group_extra e ON e.group_id = g.id AND e.key = 'territory_level' AND e.state = 'active'
WHERE m.table_name = 'user' AND m.state = 'active' AND m.capacity IN ('editor', 'admin')
  AND u.state = 'active' AND g.state = 'active' AND g.is_organization
  AND e.value = ANY(%(levels)s) AND (%(user)s::text IS NULL OR u.id = %(user)s)
ORDER BY u.id, title
"""


def period(frequency: str, day: date) -> tuple[str, date, date]:
    """(label, first day, last day) of the last whole week (ISO, Monday to
    Sunday: ``2026-W48``) or month (``2026-11``) before ``day``."""
    if frequency == "monthly":
        end = day.replace(day=1) - timedelta(days=1)
        start = end.replace(day=1)
        return start.strftime("%Y-%m"), start, end
    start = day - timedelta(days=day.weekday() + 7)
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}", start, start + timedelta(days=6)


def agents(user_id: Optional[str] = None) -> dict[str, list[dict[str, str]]]:
    """The people who edit or administer a territory above the communes
    (or only ``user_id``), each with those territories (name, title) by title."""
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(_AGENTS, {"levels": list(LEVELS), "user": user_id})
    found: dict[str, list[dict[str, str]]] = {}
    for user, name, title in cursor.fetchall():
        found.setdefault(user, []).append({"name": name, "title": title})
    return found


def _changes(territory: str, start: date, end: date) -> Optional[list[str]]:
    """One line per type whose conformant or publishing communes changed
    between the eve of ``start`` and ``end``; None when the snapshots do not
    reach its last day (never taken, begun later or stopped before)."""
    try:
        found = tk.get_action("scdl_compliance_history")({"ignore_auth": True}, {
            "territory": territory, "from": (start - timedelta(days=1)).isoformat(),
            "to": end.isoformat()})
    except (tk.ValidationError, tk.ObjectNotFound):  # no snapshot in the period
        return None
    if not found["last_day"] or date.fromisoformat(found["last_day"]) < end:
        return None  # the snapshots stopped before the period's end: unknown
    lines: list[str] = []
    for kind, periods in found["series"].items():
        if len(periods) < 2:
            continue
        before, after = periods[0], periods[-1]
        conformant = after["conformant"] - before["conformant"]
        publishing = after["publishing"] - before["publishing"]
        if not conformant and not publishing:
            continue
        lines.append(tk._("{type}: conformant communes {conformant} ({conformant_change:+d}), "
                          "publishing {publishing} ({publishing_change:+d})").format(
            type=messages.type_title(kind), conformant=after["conformant"],
            conformant_change=conformant, publishing=after["publishing"],
            publishing_change=publishing))
    return lines


def _named(communes: list[tuple[str, list[str]]]) -> str:
    named = " ; ".join(f"{title} ({', '.join(types)})" for title, types in communes[:MAX_NAMED])
    others = len(communes) - MAX_NAMED
    if others > 0:
        named += " ; " + tk.ungettext("and one other commune", "and {count} other communes",
                                      others).format(count=others)
    return named


def _wrong(territory: str) -> list[tuple[str, str]]:
    """(line, observatoire address) for each status of ``WRONG`` some of the
    territory's communes are in now, for a type at least."""
    report = tk.get_action("scdl_compliance_show")({"ignore_auth": True}, {
        "territory": territory, "level": "commune"})
    lines = []
    for status in WRONG:
        communes = []
        for row in report["rows"]:
            if row.get("own"):
                continue
            types = [messages.type_title(kind) for kind, cell in (row.get("cells") or {}).items()
                     if cell["status"] == status]
            if types:
                communes.append((row["territory"]["title"], types))
        if not communes:
            continue
        words = {"count": len(communes), "communes": _named(communes)}
        if status == st.INVALID:
            line = tk.ungettext("Not conformant now, one commune: {communes}",
                                "Not conformant now, {count} communes: {communes}",
                                len(communes)).format(**words)
        else:
            line = tk.ungettext("Out of date now, one commune: {communes}",
                                "Out of date now, {count} communes: {communes}",
                                len(communes)).format(**words)
        url = tk.h.url_for("observatoire.read", territory=territory, qualified=True) + "?" + \
            urlencode({"level": "commune", "status": status})
        lines.append((line, url))
    return lines


def section(territory: dict[str, str], start: date, end: date,
            cache: Optional[dict[Any, Any]] = None) -> Optional[messages.Section]:
    """What the digest says of ``territory`` (None: nothing to say); the
    sections of a run are kept in ``cache`` (agents share territories)."""
    cache = {} if cache is None else cache
    name = territory["name"]
    if (name, start, end) not in cache:
        cache[(name, start, end)] = _changes(name, start, end)
    if name not in cache:  # what is wrong now: the same for a weekly and a monthly agent
        cache[name] = _wrong(name)
    changes, wrong = cache[(name, start, end)], cache[name]
    if not changes and not wrong:  # no change, or no history, and nothing wrong
        return None
    return messages.Section(territory["title"], changes, wrong)


def due(user_id: str, day: date) -> Optional[tuple[str, date, date]]:
    """The period of her digest due on ``day`` (None: she wants none)."""
    frequency = settings.choices(user_id)["digest"]
    if frequency == "never":
        return None
    return period(frequency, day)
