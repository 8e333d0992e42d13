"""The observatoire over time: one snapshot a day of every territory's counts.

``take(day)`` writes the counts of France and of every région, département
and EPCI for each SCDL type (``compliance.rollup``, the live report's rule)
into ``opendatalocale_report_snapshot`` as *periods*: a row holds counts that
did not change from ``day_from`` (included) to ``day_to`` (excluded; NULL:
still so on the last snapshot day). A day on which nothing changed writes no
row, only its date in ``opendatalocale_report_snapshot_day``: ten years of
daily snapshots of France stay one row per change (bench/history).

Taken again the same day, a snapshot replaces that day's (the counts of the
last run of the day), never adds to it; a day before the last one taken is
refused (history is written forwards). Communes have no history of their
own: their status is in the live report and in their territories' counts.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional
from zoneinfo import ZoneInfo

import ckan.model as model

from ckanext.opendatalocale.scdl import status as st

from . import compliance

__all__ = ["Period", "Taken", "EarlierDay", "today", "take", "days", "series", "sampled",
           "counts_on", "period_dict", "PARIS"]

PARIS = ZoneInfo("Europe/Paris")
_LOCK = 7_319_402_118  # pg_advisory_xact_lock: one snapshot at a time


class EarlierDay(ValueError):
    """A snapshot asked for a day before the last one taken."""


@dataclass
class Taken:
    day: date
    territories: int
    written: int   # rows opened: counts that changed (all of them the first day)
    again: bool    # the day had been taken already: replaced


@dataclass
class Period:
    """Counts of one territory and type over ``start``…``end`` (both included)."""
    start: date
    end: date
    counts: compliance.Counts


def today() -> date:
    """The portal's day (France's calendar)."""
    return datetime.now(PARIS).date()


def days() -> tuple[Optional[date], Optional[date]]:
    """The first and the last day a snapshot was taken (None, None: never)."""
    cursor = model.Session.connection().connection.cursor()
    cursor.execute("SELECT min(day), max(day) FROM opendatalocale_report_snapshot_day")
    first, last = cursor.fetchone()
    return first, last


_COLUMNS = ("territory_id", "dataset_type", "communes", "obliged", "population",
            "population_covered", "by_status", "obliged_by_status")
_SAME = " AND ".join(f"n.{c} = s.{c}" for c in _COLUMNS)


def take(day: Optional[date] = None, types: Optional[list[str]] = None,
         now: Optional[datetime] = None) -> Taken:
    """Take the snapshot of ``day`` (default: today) from the live counts
    (statuses as of ``now``, default: the current time), in the caller's
    transaction, which commits it."""
    from ckanext.opendatalocale.scdl import catalogue
    day = day or today()
    types = types or [entry.slug for entry in catalogue().entries]
    now = now or datetime.now(timezone.utc)
    cursor = model.Session.connection().connection.cursor()
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    cursor.execute("SELECT max(day) FROM opendatalocale_report_snapshot_day")
    last = cursor.fetchone()[0]
    if last is not None and day < last:
        raise EarlierDay(f"{day} is before the last snapshot, {last}")
    again = last == day
    if again:  # that day's first run undone: its rows go, the periods it closed reopen
        cursor.execute("DELETE FROM opendatalocale_report_snapshot WHERE day_from = %s", (day,))
        cursor.execute("UPDATE opendatalocale_report_snapshot SET day_to = NULL "
                       "WHERE day_to = %s", (day,))
    counts = compliance.rollup(types, now)
    cursor.execute("CREATE TEMPORARY TABLE opendatalocale_snapshot_new ("
                   "territory_id text, dataset_type text, communes integer, obliged integer, "
                   "population bigint, population_covered bigint, by_status integer[], "
                   "obliged_by_status integer[]) ON COMMIT DROP")
    buffer = io.StringIO()
    for territory_id, by_type in counts.items():
        for kind, c in by_type.items():
            buffer.write("\t".join((
                territory_id or "", kind, str(c.communes), str(c.obliged), str(c.population),
                str(c.population_covered),
                "{" + ",".join(str(c.by_status[s]) for s in st.STATUSES) + "}",
                "{" + ",".join(str(c.obliged_by_status[s]) for s in st.STATUSES) + "}",
            )) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY opendatalocale_snapshot_new ({', '.join(_COLUMNS)}) "
                       "FROM STDIN", buffer)
    # periods whose counts changed (or whose territory is gone) end the day before
    cursor.execute(f"""
UPDATE opendatalocale_report_snapshot s SET day_to = %(day)s
WHERE s.day_to IS NULL AND NOT EXISTS (
    SELECT 1 FROM opendatalocale_snapshot_new n WHERE {_SAME})""", {"day": day})
    cursor.execute(f"""
INSERT INTO opendatalocale_report_snapshot (day_from, {', '.join(_COLUMNS)})
SELECT %(day)s, {', '.join('n.' + c for c in _COLUMNS)} FROM opendatalocale_snapshot_new n
WHERE NOT EXISTS (
    SELECT 1 FROM opendatalocale_report_snapshot s
    WHERE s.day_to IS NULL AND s.territory_id = n.territory_id
      AND s.dataset_type = n.dataset_type)""", {"day": day})
    written = cursor.rowcount
    cursor.execute("DROP TABLE opendatalocale_snapshot_new")
    cursor.execute("INSERT INTO opendatalocale_report_snapshot_day (day, taken_at) "
                   "VALUES (%s, %s) ON CONFLICT (day) DO UPDATE SET taken_at = EXCLUDED.taken_at",
                   (day, now))
    return Taken(day, len(counts), written, again)


def _counts(row) -> compliance.Counts:
    counts = compliance.Counts(communes=row["communes"], obliged=row["obliged"],
                               population=row["population"],
                               population_covered=row["population_covered"])
    counts.by_status = dict(zip(st.STATUSES, row["by_status"]))
    counts.obliged_by_status = dict(zip(st.STATUSES, row["obliged_by_status"]))
    return counts


_SERIES = """
SELECT dataset_type, day_from, day_to, communes, obliged, population, population_covered,
       by_status, obliged_by_status
FROM opendatalocale_report_snapshot
WHERE territory_id = %(territory)s AND dataset_type = ANY(%(types)s)
  AND day_from <= %(end)s AND (day_to IS NULL OR day_to > %(start)s)
ORDER BY dataset_type, day_from
"""


def series(territory_id: str, types: list[str], start: date, end: date
           ) -> dict[str, list[Period]]:
    """Each type's periods of counts between ``start`` and ``end`` (included),
    clipped to them and to the last snapshot day."""
    _, last = days()
    found: dict[str, list[Period]] = {kind: [] for kind in types}
    if last is None:
        return found
    end = min(end, last)
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(_SERIES, {"territory": territory_id, "types": types,
                             "start": start, "end": end})
    names = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        stop = row["day_to"] - timedelta(days=1) if row["day_to"] else end
        found[row["dataset_type"]].append(Period(
            max(row["day_from"], start), min(stop, end), _counts(row)))
    return found


_SAMPLED = """
SELECT s.day, t.kind, r.communes, r.obliged, r.population, r.population_covered,
       r.by_status, r.obliged_by_status
FROM (SELECT generate_series(%(start)s::date, %(end)s::date, %(step)s * interval '1 day')::date
      UNION SELECT %(end)s::date) s(day)
CROSS JOIN unnest(%(types)s::text[]) t(kind)
CROSS JOIN LATERAL (
    SELECT * FROM opendatalocale_report_snapshot r
    WHERE r.territory_id = %(territory)s AND r.dataset_type = t.kind AND r.day_from <= s.day
    ORDER BY r.day_from DESC LIMIT 1) r
WHERE r.day_to IS NULL OR r.day_to > s.day
ORDER BY t.kind, s.day
"""


def sampled(territory_id: str, types: list[str], start: date, end: date, points: int = 240
            ) -> dict[str, list[Period]]:
    """``series`` for a chart: the counts on at most ``points`` days evenly
    spread from ``start`` to ``end`` (every day when fewer; ``end`` always),
    the days in between taking the value of the sampled day before them — ten years of France in a
    few thousand index look-ups instead of every change."""
    _, last = days()
    found: dict[str, list[Period]] = {kind: [] for kind in types}
    if last is None:
        return found
    end = min(end, last)
    step = max(1, -(-((end - start).days + 1) // points))
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(_SAMPLED, {"territory": territory_id, "types": types, "start": start,
                              "end": end, "step": step})
    names = ["day", "dataset_type", "communes", "obliged", "population", "population_covered",
             "by_status", "obliged_by_status"]
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        periods = found[row["dataset_type"]]
        counts = _counts(row)
        if periods and periods[-1].counts == counts:
            periods[-1].end = min(row["day"] + timedelta(days=step - 1), end)
            continue
        if periods:
            periods[-1].end = row["day"] - timedelta(days=1)
        periods.append(Period(row["day"], min(row["day"] + timedelta(days=step - 1), end),
                              counts))
    return found


def counts_on(territory_id: str, types: list[str], day: date) -> dict[str, compliance.Counts]:
    """The counts of the snapshot valid on ``day``, by type (empty when none
    was taken by then)."""
    first, last = days()
    if first is None or last is None or day < first or day > last:
        return {}
    return {kind: periods[0].counts
            for kind, periods in series(territory_id, types, day, day).items() if periods}


def period_dict(period: Period) -> dict[str, Any]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat(),
            **period.counts.as_dict()}
