"""The observatoire's summary table: one row per public, active SCDL dataset.

Created empty: ``ckan opendatalocale report rebuild`` fills it from the
datasets a portal already has (the hooks keep it from then on).

Revision ID: 4e2b7d9a1c63
Revises:
Create Date: 2026-12-01 16:00:00
"""
from alembic import op

revision = "4e2b7d9a1c63"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_report_dataset (
    package_id text PRIMARY KEY REFERENCES package (id) ON DELETE CASCADE,
    name text NOT NULL,
    owner_org text NOT NULL,
    dataset_type text NOT NULL,
    conformity text,
    metadata_modified timestamptz NOT NULL,
    frequency text
);
CREATE INDEX IF NOT EXISTS opendatalocale_report_dataset_owner
    ON opendatalocale_report_dataset (owner_org, dataset_type);
""")


def downgrade():
    op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS opendatalocale_report_dataset")
