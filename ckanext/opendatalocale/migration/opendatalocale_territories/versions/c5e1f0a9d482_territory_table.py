"""The territories as one narrow table.

Each territory's fields live in CKAN's ``group_extra`` (six rows per
organisation, 250 000 for France): reading them all for a report of France
cost close to a second. ``opendatalocale_territory`` holds one row per
territory organisation (id, name, title, parent, level, code, population,
obligation, status, merged_into), rewritten by the loader in its transaction
and after a territory organisation is created, edited or deleted
(``territories/tree.py``). A table of ours, not a materialised view: a view
over ``group``, ``member`` and ``group_extra`` would stop CKAN from dropping
or migrating its own tables (``ckan db clean``, core migrations).

Revision ID: c5e1f0a9d482
Revises: 8b2d4e6f1a37
Create Date: 2026-11-26 21:10:00
"""
from alembic import op

revision = "c5e1f0a9d482"
down_revision = "8b2d4e6f1a37"
branch_labels = None
depends_on = None


# the rows as this revision first wrote them (a frozen copy: the live SQL is
# ckanext/opendatalocale/territories/table.py, and may change after it)
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


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_territory (
    id text PRIMARY KEY,
    name text NOT NULL,
    title text,
    parent_id text,
    level text NOT NULL,
    code text NOT NULL,
    population bigint NOT NULL,
    obliged boolean NOT NULL,
    status text NOT NULL,
    merged_into text
);
CREATE INDEX IF NOT EXISTS opendatalocale_territory_parent
    ON opendatalocale_territory (parent_id);
CREATE INDEX IF NOT EXISTS opendatalocale_territory_name ON opendatalocale_territory (name);
""")
    op.get_bind().exec_driver_sql(
        f"INSERT INTO opendatalocale_territory {TERRITORY_ROWS} ON CONFLICT DO NOTHING")


def downgrade():
    op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS opendatalocale_territory")
