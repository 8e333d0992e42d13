"""Generated catalogues: an organisation's SCDL catalogue written from its
datasets.

Revision ID: 4c8a2e6f1d35
Revises: 9b3f1d7e5a24
Create Date: 2026-12-02 00:20:00
"""
from alembic import op

revision = "4c8a2e6f1d35"
down_revision = "9b3f1d7e5a24"
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_generated_catalogue (
    organization_id text PRIMARY KEY,
    enabled boolean NOT NULL DEFAULT false,
    package_id text,
    file_hash text,
    datasets integer NOT NULL DEFAULT 0,
    dirty boolean NOT NULL DEFAULT true,
    error text,
    built timestamptz,
    modified timestamptz NOT NULL DEFAULT now()
);
""")


def downgrade():
    op.drop_table("opendatalocale_generated_catalogue")
