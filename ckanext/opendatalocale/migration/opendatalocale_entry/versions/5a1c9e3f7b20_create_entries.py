"""The online entries (drafts typed in the portal) and their rows.

Revision ID: 5a1c9e3f7b20
Revises:
Create Date: 2026-12-01 20:00:00
"""
from alembic import op

revision = "5a1c9e3f7b20"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_entry (
    id text PRIMARY KEY,
    owner_org text NOT NULL,
    type text NOT NULL,
    version text NOT NULL,
    package_id text,
    resource_id text,
    base_hash text,
    title text,
    created_by text NOT NULL,
    created timestamptz NOT NULL DEFAULT now(),
    modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS opendatalocale_entry_resource ON opendatalocale_entry (resource_id);
CREATE INDEX IF NOT EXISTS opendatalocale_entry_owner
    ON opendatalocale_entry (owner_org, type, created_by);
CREATE TABLE IF NOT EXISTS opendatalocale_entry_row (
    id bigserial PRIMARY KEY,
    entry_id text NOT NULL REFERENCES opendatalocale_entry (id) ON DELETE CASCADE,
    cells jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS opendatalocale_entry_row_entry
    ON opendatalocale_entry_row (entry_id, id);
""")


def downgrade():
    op.get_bind().exec_driver_sql(
        "DROP TABLE IF EXISTS opendatalocale_entry_row; DROP TABLE IF EXISTS opendatalocale_entry")
