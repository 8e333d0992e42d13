"""The observatoire's numbers, computed in two SQL queries at read time.

1. the territories below the one asked for (all of France when none), with
   their level, population, obligation and status — the relation
   ``opendatalocale_territory`` the territories plugin keeps (one row per
   territory, from CKAN's organisation tree and extras);
2. the best status of each organisation for each SCDL type, from the
   observatoire's own summary of the public, active SCDL datasets
   (``model.dataset_table``, kept by the hooks: conformity, declared
   frequency, last change) and the core's rule (``scdl.status``, in SQL),
   *périmé* decided against the current time, never stored. No search index
   is read: the numbers are the same with Solr or ``opendatalocale_search``.

Python then rolls communes up into the rows asked for (the territories just
below, or those of a given level) and into the whole: counts by status,
communes under the legal obligation, population covered. No search per
commune, whatever the size of the territory.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional


import ckan.model as model

from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.text import sort_key

__all__ = ["Territory", "Counts", "Row", "Report", "build", "UnknownTerritory", "rollup",
           "territory", "FRANCE"]


class UnknownTerritory(LookupError):
    pass


@dataclass
class Territory:
    id: str
    name: str
    title: str
    level: str
    code: str
    parent_id: Optional[str]
    population: int = 0
    obliged: bool = False
    merged_into: Optional[str] = None  # organisation name of the commune nouvelle


@dataclass
class Counts:
    """Communes of a territory for one SCDL type, by status."""
    communes: int = 0
    obliged: int = 0
    population: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(st.STATUSES, 0))
    obliged_by_status: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(st.STATUSES, 0))
    population_covered: int = 0  # of the communes that publish

    @property
    def publishing(self) -> int:
        return self.communes - self.by_status[st.ABSENT]

    @property
    def conformant(self) -> int:
        return self.by_status[st.CONFORMANT]

    @property
    def obliged_publishing(self) -> int:
        return self.obliged - self.obliged_by_status[st.ABSENT]

    @property
    def obliged_conformant(self) -> int:
        return self.obliged_by_status[st.CONFORMANT]

    def add(self, cell: str, population: int, obliged: bool) -> None:
        self.communes += 1
        self.population += population
        self.by_status[cell] += 1
        if cell != st.ABSENT:
            self.population_covered += population
        if obliged:
            self.obliged += 1
            self.obliged_by_status[cell] += 1

    @classmethod
    def absent(cls, communes: int, obliged: int, population: int) -> "Counts":
        counts = cls(communes=communes, obliged=obliged, population=population)
        counts.by_status[st.ABSENT] = communes
        counts.obliged_by_status[st.ABSENT] = obliged
        return counts

    def move(self, cell: str, population: int, obliged: bool) -> None:
        """A commune counted as absent publishes: count it under ``cell``."""
        self.by_status[st.ABSENT] -= 1
        self.by_status[cell] += 1
        self.population_covered += population
        if obliged:
            self.obliged_by_status[st.ABSENT] -= 1
            self.obliged_by_status[cell] += 1

    def as_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> Optional[float]:
            return round(part / whole, 4) if whole else None
        return {
            "communes": self.communes, "publishing": self.publishing,
            "conformant": self.conformant,
            "share_publishing": share(self.publishing, self.communes),
            "share_conformant": share(self.conformant, self.communes),
            "by_status": dict(self.by_status),
            "obliged": self.obliged, "obliged_publishing": self.obliged_publishing,
            "obliged_conformant": self.obliged_conformant,
            "share_obliged_publishing": share(self.obliged_publishing, self.obliged),
            "share_obliged_conformant": share(self.obliged_conformant, self.obliged),
            "population": self.population, "population_covered": self.population_covered,
            "share_population_covered": share(self.population_covered, self.population),
        }


@dataclass
class Cell:
    status: str
    dataset: Optional[str] = None  # name of the dataset giving the status


@dataclass
class Row:
    territory: Territory
    aggregate: Optional[dict[str, Counts]] = None  # by SCDL type, for a territory
    cells: Optional[dict[str, Cell]] = None        # a commune row: its own cells
    own: bool = False  # the datasets the territory of the report publishes itself

    @property
    def counts(self) -> dict[str, Counts]:
        """By SCDL type. A commune's follow from its cells, computed when
        asked: 35 000 commune rows of ten types each stay light."""
        if self.aggregate is not None:
            return self.aggregate
        if self.own:  # the territory itself is not one of its communes
            return {kind: Counts() for kind in self.cells or {}}
        counts = {}
        for kind, cell in (self.cells or {}).items():
            one = Counts.absent(1, int(self.territory.obliged), self.territory.population)
            if cell.status != st.ABSENT:
                one.move(cell.status, self.territory.population, self.territory.obliged)
            counts[kind] = one
        return counts


@dataclass
class Report:
    territory: Optional[Territory]       # None: France
    types: list[str]
    rows: list[Row]
    totals: dict[str, Counts]
    computed_at: datetime


# -- 1. the territories -------------------------------------------------------------

_COLUMNS = "t.id, t.name, t.title, t.parent_id, t.level, t.code, t.population, " \
           "t.obliged, t.status, t.merged_into"
_ALL_TERRITORIES = f"SELECT {_COLUMNS} FROM opendatalocale_territory t"
_TERRITORIES_BELOW = f"""
WITH RECURSIVE down(id) AS (
    SELECT CAST(:root AS text)
    UNION
    SELECT t.id FROM opendatalocale_territory t JOIN down ON t.parent_id = down.id
)
SELECT {_COLUMNS} FROM down JOIN opendatalocale_territory t ON t.id = down.id
"""


def _territories(root_id: Optional[str]) -> dict[str, Territory]:
    """From the territories plugin's table (one row per territory). All of
    France is kept in memory between requests for as long as the table is
    not rewritten (its rows' transaction ids change with each rewrite)."""
    global _FRANCE
    cursor = model.Session.connection().connection.cursor()  # DBAPI: 36 000 rows at once
    if root_id is not None:
        cursor.execute(_TERRITORIES_BELOW.replace(":root", "%(root)s"), {"root": root_id})
        return _as_territories(cursor.fetchall())
    cursor.execute(_VERSION)
    version = cursor.fetchone()
    if _FRANCE is None or _FRANCE[0] != version:
        cursor.execute(_ALL_TERRITORIES)
        _FRANCE = (version, _as_territories(cursor.fetchall()))
    return _FRANCE[1]


_VERSION = "SELECT count(*), max(xmin::text::bigint) FROM opendatalocale_territory"
_FRANCE: Optional[tuple[Any, dict[str, Territory]]] = None


def _as_territories(rows) -> dict[str, Territory]:
    return {row[0]: Territory(
        id=row[0], name=row[1], title=row[2], parent_id=row[3], level=row[4], code=row[5],
        population=row[6], obliged=row[7],
        merged_into=row[9] if row[8] == "merged" else None) for row in rows}


# -- 2. the best status of each organisation for each type --------------------------

# the words of scdl.status.dataset_status for a dataset that is not stale
_CONFORMITY_STATUS = {"conforme": st.CONFORMANT, "invalide": st.INVALID}


def status_sql() -> str:
    """``scdl.status.dataset_status`` as a SQL expression over a summary row
    (its rank, ``now`` a parameter), generated from that module's tables —
    the same rule, checked case by case against it (tests/report). Applied in
    Python to France's 90 000 rows, the rule doubled the report's time
    (bench/report: 1.7 s instead of 0.8 s on a loaded machine)."""
    periods = " ".join(f"WHEN '{name}' THEN interval '{int(delta.total_seconds())} seconds'"
                       for name, delta in st.FREQUENCY_PERIODS.items())
    words = " ".join(f"WHEN conformity = '{word}' THEN {st.rank(status)}"
                     for word, status in _CONFORMITY_STATUS.items())
    return (f"CASE WHEN metadata_modified + (CASE upper(frequency) {periods} END) < %(now)s "
            f"THEN {st.rank(st.STALE)} {words} ELSE {st.rank(st.UNCHECKED)} END")


def _cells_sql() -> str:
    """Each organisation's best status per type in one pass over the summary:
    per (organisation, type) the largest key ``<rank><last change><name>`` —
    a hash aggregate, no sort of the whole set."""
    return f"""
SELECT owner_org, dataset_type, max(key) FROM (
    SELECT owner_org, dataset_type, ({status_sql()})::text
        || to_char(metadata_modified AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS') || name AS key
    FROM opendatalocale_report_dataset
    WHERE dataset_type = ANY(%(types)s)
      AND (%(owners)s::text[] IS NULL OR owner_org = ANY(%(owners)s::text[]))
) d
GROUP BY owner_org, dataset_type
"""


def _cells(types: list[str], owners: Optional[list[str]], now: datetime
           ) -> dict[tuple[str, str], tuple[int, str]]:
    """(organisation, type) → (rank of the best status, its dataset's name)."""
    cursor = model.Session.connection().connection.cursor()  # DBAPI, for %(…)s arrays
    cursor.execute(_cells_sql(), {"types": types, "owners": owners, "now": now})
    # key: one digit of rank, 20 of date, then the dataset's name
    return {(owner, kind): (int(key[0]), key[21:]) for owner, kind, key in cursor.fetchall()}


# -- roll-up --------------------------------------------------------------------------

def _owner_communes(territories: dict[str, Territory]) -> dict[str, str]:
    """Organisation → the commune its datasets count for: a commune itself, and
    the communes it absorbed (their organisations, marked merged, keep their
    datasets)."""
    by_name = {t.name: t for t in territories.values()}
    found: dict[str, str] = {}
    for t in territories.values():
        if t.level == "commune":
            target = by_name.get(t.merged_into) if t.merged_into else t
            if target is not None:
                found[t.id] = target.id
    return found


def build(root: Optional[str], types: list[str],
          level: Optional[str] = None, obliged_only: bool = False,
          now: Optional[datetime] = None) -> Report:
    """The report of a territory (an organisation name or id; None: France):
    one row per territory just below it, or per territory of ``level``."""
    now = now or datetime.now(timezone.utc)
    root_territory = None
    if root is not None:
        root_id = _organisation(root).id
    else:
        root_id = None
    territories = _territories(root_id)
    if root_id is not None:
        root_territory = territories.get(root_id)
        if root_territory is None:
            raise UnknownTerritory(root)

    communes = [t for t in territories.values() if t.level == "commune" and not t.merged_into]
    if obliged_only:
        communes = [c for c in communes if c.obliged]

    # the row each commune rolls up into
    def is_row(t: Territory) -> bool:
        if root_territory is not None and root_territory.level == "commune":
            return t.id == root_id  # a commune's report: its own row
        if level is not None:
            return t.level == level
        return t.parent_id == root_id if root_id else t.parent_id is None
    row_of: dict[str, Optional[str]] = {}

    def row_for(t: Territory) -> Optional[str]:
        if t.id in row_of:
            return row_of[t.id]
        found = None
        if t.id != root_id or is_row(t):
            if is_row(t):
                found = t.id
            elif t.parent_id in territories:
                found = row_for(territories[t.parent_id])
        row_of[t.id] = found
        return found

    owner_commune = _owner_communes(territories)
    owners = None if root_id is None else list(owner_commune) + [root_id]
    cells = _cells(types, owners, now)

    rows: dict[str, Row] = {
        t.id: Row(t, None if t.level == "commune" else {k: Counts() for k in types})
        for t in territories.values() if not t.merged_into and row_for(t) == t.id
        and not (obliged_only and t.level == "commune" and not t.obliged)}
    totals = {kind: Counts() for kind in types}
    # every commune first counted as absent for every type, then its published
    # cells move it to their status: the work follows the datasets, not the
    # 350 000 cells of France
    bases: dict[Optional[str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for commune in communes:
        for key in (None, "row:" + (row_for(commune) or "")):
            base = bases[key]
            base[0] += 1
            base[1] += commune.obliged
            base[2] += commune.population
    for key, (count, obliged, population) in bases.items():
        targets: Optional[dict[str, Counts]] = totals
        if key is not None:
            targets = rows[key[4:]].aggregate if key != "row:" else None
        if targets is None:
            continue
        for kind in types:
            targets[kind] = Counts.absent(count, obliged, population)
    wanted = {c.id: c for c in communes}
    # (commune, type) → (rank, dataset): the best of the commune's organisations
    present: dict[tuple[str, str], tuple[int, str]] = {}
    for (owner, kind), found in cells.items():
        commune_id = owner_commune.get(owner)
        if commune_id is not None and commune_id in wanted:
            current = present.get((commune_id, kind))
            if current is None or found[0] > current[0]:
                present[(commune_id, kind)] = found
    statuses = st.STATUSES
    for (commune_id, kind), (rank, _) in present.items():
        commune = wanted[commune_id]
        status = statuses[rank]
        totals[kind].move(status, commune.population, commune.obliged)
        row_id = row_for(commune)
        if row_id is not None:
            aggregate = rows[row_id].aggregate
            if aggregate is not None:
                aggregate[kind].move(status, commune.population, commune.obliged)
    for row in rows.values():
        if row.territory.level == "commune":
            row.cells = {}
            for kind in types:
                best = present.get((row.territory.id, kind))
                row.cells[kind] = Cell(statuses[best[0]], best[1]) if best \
                    else Cell(st.ABSENT)
    ordered = sorted(rows.values(), key=lambda r: sort_key(r.territory.title) or "")
    if root_territory is not None and root_territory.level != "commune" \
            and level is None and not obliged_only:
        # an EPCI's or a département's own datasets: a row of its own, first
        own = {}
        for kind in types:
            best = cells.get((root_id, kind))
            own[kind] = Cell(statuses[best[0]], best[1]) if best else Cell(st.ABSENT)
        ordered.insert(0, Row(root_territory, cells=own, own=True))
    return Report(root_territory, types, ordered, totals, now)


# -- every territory at once: the daily snapshot ----------------------------------

FRANCE = ""  # the territory id of all of France in the snapshots


def rollup(types: list[str], now: Optional[datetime] = None) -> dict[str, dict[str, Counts]]:
    """The counts of France (``FRANCE``) and of every territory grouping
    communes (région, département, EPCI), by type: what ``build`` gives as
    totals for each of them, in one pass over the communes (a commune counts
    in every territory above it)."""
    now = now or datetime.now(timezone.utc)
    territories = _territories(None)
    above: dict[str, list[str]] = {}

    def ancestors(t: Territory) -> list[str]:
        """The territories above ``t`` (itself included unless a commune), France last."""
        if t.id in above:
            return above[t.id]
        above[t.id] = [FRANCE]  # a loop written in SQL ends here
        parent = territories.get(t.parent_id) if t.parent_id else None
        chain = ([] if t.level == "commune" else [t.id]) + \
            (ancestors(parent) if parent is not None else [FRANCE])
        above[t.id] = chain
        return chain

    communes = [t for t in territories.values() if t.level == "commune" and not t.merged_into]
    counts: dict[str, dict[str, Counts]] = {FRANCE: {}}
    for t in territories.values():
        if t.level != "commune" and not t.merged_into:
            counts[t.id] = {}
    bases: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for commune in communes:
        for territory_id in ancestors(commune):
            base = bases[territory_id]
            base[0] += 1
            base[1] += commune.obliged
            base[2] += commune.population
    for territory_id in counts:
        communes_, obliged, population = bases.get(territory_id, (0, 0, 0))
        counts[territory_id] = {kind: Counts.absent(communes_, obliged, population)
                                for kind in types}
    owner_commune = _owner_communes(territories)
    best: dict[tuple[str, str], int] = {}
    for (owner, kind), (rank, _) in _cells(types, None, now).items():
        commune_id = owner_commune.get(owner)
        if commune_id is not None and rank > best.get((commune_id, kind), -1):
            best[(commune_id, kind)] = rank
    for (commune_id, kind), rank in best.items():
        commune = territories[commune_id]
        if commune.merged_into:
            continue
        for territory_id in ancestors(commune):
            found = counts.get(territory_id)
            if found is not None:
                found[kind].move(st.STATUSES[rank], commune.population, commune.obliged)
    return counts


def _organisation(name_or_id: str) -> model.Group:
    """The active organisation of this name or id (UnknownTerritory else; a
    NUL byte, which PostgreSQL refuses in a query, names none)."""
    group = None if "\x00" in name_or_id else model.Group.get(name_or_id)
    if group is None or not group.is_organization or group.state != "active":
        raise UnknownTerritory(name_or_id)
    return group


def territory(name_or_id: str) -> Territory:
    """One territory, by organisation name or id (UnknownTerritory if the
    organisation is not an active territory)."""
    group = _organisation(name_or_id)
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(f"SELECT {_COLUMNS} FROM opendatalocale_territory t WHERE t.id = %(id)s",
                   {"id": group.id})
    found = _as_territories(cursor.fetchall())
    if group.id not in found:
        raise UnknownTerritory(name_or_id)
    return found[group.id]
