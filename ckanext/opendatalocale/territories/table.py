"""``opendatalocale_territory``, the territories as one narrow table: what it
holds and how it is brought up to date — the one module the loader (a whole
load, in its transaction) and the tree (after one organisation changed) both
use. Migrations keep a frozen copy of the SQL they ran.

Statements run on a DBAPI cursor, in the caller's transaction."""
from __future__ import annotations

import logging

__all__ = ["EXTRAS", "TERRITORY_ROWS", "REFRESH_TABLE", "TERRITORY_TABLE_EXISTS",
           "exists", "refresh", "refresh_one"]

log = logging.getLogger(__name__)
# the organisation fields of a territory, kept as CKAN group extras
EXTRAS = ("territory_level", "territory_code", "siren", "population", "obligation",
          "territory_status", "merged_into")

# one row per territory organisation, from CKAN's tables: what
# ``opendatalocale_territory`` holds (created by migration c5e1f0a9d482). The extras are
# pivoted in one pass over ``group_extra`` and the parents read in one pass
# over ``member`` (three times faster for France than a join per extra); a
# condition on ``id`` reaches both (the one-row refresh reads by index).
TERRITORY_ROWS = """
SELECT g.id, g.name, g.title, p.table_id AS parent_id,
       x.level, coalesce(x.code, '') AS code,
       CASE WHEN x.population ~ '^[0-9]+$' THEN x.population::bigint ELSE 0 END AS population,
       coalesce(x.obligation = 'true', false) AS obliged,
       coalesce(nullif(x.status, ''), 'active') AS status,
       nullif(x.merged_into, '') AS merged_into
FROM (SELECT e.group_id,
             max(e.value) FILTER (WHERE e.key = 'territory_level') AS level,
             max(e.value) FILTER (WHERE e.key = 'territory_code') AS code,
             max(e.value) FILTER (WHERE e.key = 'population') AS population,
             max(e.value) FILTER (WHERE e.key = 'obligation') AS obligation,
             max(e.value) FILTER (WHERE e.key = 'territory_status') AS status,
             max(e.value) FILTER (WHERE e.key = 'merged_into') AS merged_into
      FROM group_extra e
      WHERE e.state = 'active' AND e.key IN ('territory_level', 'territory_code', 'population',
                                             'obligation', 'territory_status', 'merged_into')
      GROUP BY e.group_id) x
JOIN "group" g ON g.id = x.group_id
LEFT JOIN (SELECT DISTINCT ON (m.group_id) m.group_id, m.table_id FROM member m
           WHERE m.table_name = 'group' AND m.state = 'active'
           ORDER BY m.group_id, m.id) p ON p.group_id = g.id
WHERE x.level <> '' AND g.state = 'active' AND g.is_organization
"""
# a territory whose chain of parents comes back to it (a loop written in SQL:
# no path of the suite makes one) is kept without parent in the table, so
# that whatever walks up the table ends
_CUT_LOOPS = """
WITH RECURSIVE walk(start, id, depth) AS (
    SELECT id, parent_id, 1 FROM opendatalocale_territory
    WHERE parent_id IS NOT NULL {start}
    UNION ALL
    SELECT w.start, t.parent_id, w.depth + 1
    FROM walk w JOIN opendatalocale_territory t ON t.id = w.id
    WHERE t.parent_id IS NOT NULL AND w.id <> w.start AND w.depth < 10
)
UPDATE opendatalocale_territory SET parent_id = NULL
WHERE id IN (SELECT start FROM walk WHERE id = start);
"""
# Statistics first: on a database created minutes before (no autovacuum pass
# yet), the planner believes the tables hold what they held then — a few
# hundred organisations — and its nested loops over 36 000 territories ran
# for more than 300 s. ANALYZE runs inside the caller's transaction and sees
# what it wrote; a database user who may not analyze gets a warning from
# PostgreSQL, not an error (the load is then only slower).
ANALYZE_SOURCES = 'ANALYZE "group", group_extra, member'
# Then only the rows that differ are rewritten: a load with nothing to change
# leaves the table as it was — no 36 000 dead rows, and the observatoire,
# whose cache follows the rows' transaction ids, keeps its cache (for France
# about the time of the former DELETE of every row and INSERT). The fresh rows
# are computed apart (MATERIALIZED), so that the planner cannot fold the
# anti-joins into them (with a wrong guess of a few rows, a nested loop over
# France). A row whose loop was cut differs from its fresh row: it is written
# again, then cut again.
REFRESH_TABLE = f"""
{ANALYZE_SOURCES};
WITH fresh AS MATERIALIZED ({TERRITORY_ROWS})
DELETE FROM opendatalocale_territory t WHERE NOT EXISTS (
    SELECT 1 FROM fresh f WHERE f.id = t.id
      AND (f.name, f.title, f.parent_id, f.level, f.code, f.population, f.obliged,
           f.status, f.merged_into) IS NOT DISTINCT FROM
          (t.name, t.title, t.parent_id, t.level, t.code, t.population, t.obliged,
           t.status, t.merged_into));
WITH fresh AS MATERIALIZED ({TERRITORY_ROWS})
INSERT INTO opendatalocale_territory SELECT * FROM fresh f
WHERE NOT EXISTS (SELECT 1 FROM opendatalocale_territory t WHERE t.id = f.id);
ANALYZE opendatalocale_territory;
{_CUT_LOOPS.format(start="")}
"""
TERRITORY_TABLE_EXISTS = "SELECT to_regclass('opendatalocale_territory') IS NOT NULL"


def exists(cursor) -> bool:
    """Whether the table has been created (a portal before its migration)."""
    cursor.execute(TERRITORY_TABLE_EXISTS)
    return bool(cursor.fetchone()[0])


def refresh(cursor) -> None:
    """Rewrite the rows that differ from CKAN's tables, statistics first;
    warn when the database user may not gather them."""
    if not exists(cursor):
        return
    notices = len(cursor.connection.notices)
    cursor.execute(REFRESH_TABLE)
    skipped = [n for n in cursor.connection.notices[notices:] if "skipping" in n]
    if skipped:
        log.warning("The database user may not ANALYZE the tables the territories "
                    "are written to (%s): loads stay correct but may be much slower "
                    "on a new database. Grant the tables' ownership or run ANALYZE "
                    "after the first load.", "; ".join(n.strip() for n in skipped))


def refresh_one(cursor, group_id: str) -> None:
    """Rewrite one territory's row (its fields, title and parent)."""
    cursor.execute(
        "DELETE FROM opendatalocale_territory WHERE id = %(id)s; "
        f"INSERT INTO opendatalocale_territory SELECT * FROM ({TERRITORY_ROWS}) t "
        "WHERE t.id = %(id)s; " + _CUT_LOOPS.format(start="AND id = %(id)s"), {"id": group_id})
