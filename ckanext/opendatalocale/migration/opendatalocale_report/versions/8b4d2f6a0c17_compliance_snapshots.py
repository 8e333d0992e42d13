"""The observatoire over time: daily snapshots of each territory's counts.

``opendatalocale_report_snapshot`` keeps, per territory (France: ``''``) and
SCDL type, the counts of a period of days during which they did not change
(``day_from`` included, ``day_to`` excluded, NULL: still the counts of the
last snapshot day): ten years of daily snapshots cost one row per change,
not 3 650 per territory. ``opendatalocale_report_snapshot_day`` lists the
days a snapshot was taken (``ckan opendatalocale observatoire snapshot``).

Revision ID: 8b4d2f6a0c17
Revises: 4e2b7d9a1c63
Create Date: 2026-12-02 15:00:00
"""
from alembic import op

revision = "8b4d2f6a0c17"
down_revision = "4e2b7d9a1c63"
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_report_snapshot_day (
    day date PRIMARY KEY,
    taken_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS opendatalocale_report_snapshot (
    territory_id text NOT NULL,
    dataset_type text NOT NULL,
    day_from date NOT NULL,
    day_to date,
    communes integer NOT NULL,
    obliged integer NOT NULL,
    population bigint NOT NULL,
    population_covered bigint NOT NULL,
    by_status integer[] NOT NULL,
    obliged_by_status integer[] NOT NULL,
    PRIMARY KEY (territory_id, dataset_type, day_from)
);
CREATE INDEX IF NOT EXISTS opendatalocale_report_snapshot_open
    ON opendatalocale_report_snapshot (territory_id, dataset_type) WHERE day_to IS NULL;
""")


def downgrade():
    op.get_bind().exec_driver_sql(
        "DROP TABLE IF EXISTS opendatalocale_report_snapshot; "
        "DROP TABLE IF EXISTS opendatalocale_report_snapshot_day")
