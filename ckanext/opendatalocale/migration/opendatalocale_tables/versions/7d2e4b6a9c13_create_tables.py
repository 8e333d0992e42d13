"""The DataStore tables of conformant files: which file each holds, and how
its last load went.

Revision ID: 7d2e4b6a9c13
Revises:
Create Date: 2026-12-01 23:00:00
"""
from alembic import op

revision = "7d2e4b6a9c13"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_table (
    resource_id text PRIMARY KEY,
    package_id text NOT NULL,
    state text NOT NULL,
    file_hash text,
    schema_url text,
    rows bigint,
    loaded timestamptz,
    current boolean NOT NULL DEFAULT true,
    error text,
    modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS opendatalocale_table_package ON opendatalocale_table (package_id);
""")


def downgrade():
    op.drop_table("opendatalocale_table")
