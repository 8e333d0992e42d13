"""Consolidations: which territories want them, and each one built.

Revision ID: 9b3f1d7e5a24
Revises:
Create Date: 2026-12-01 23:55:00
"""
from alembic import op

revision = "9b3f1d7e5a24"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_consolidation_territory (
    territory_id text PRIMARY KEY,
    enabled boolean NOT NULL DEFAULT false,
    modified timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS opendatalocale_consolidation (
    territory_id text NOT NULL,
    type text NOT NULL,
    package_id text,
    file_hash text,
    files integer NOT NULL DEFAULT 0,
    rows bigint NOT NULL DEFAULT 0,
    provenance jsonb NOT NULL DEFAULT '[]',
    dirty boolean NOT NULL DEFAULT true,
    built timestamptz,
    modified timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (territory_id, type)
);
""")


def downgrade():
    op.drop_table("opendatalocale_consolidation")
    op.drop_table("opendatalocale_consolidation_territory")
