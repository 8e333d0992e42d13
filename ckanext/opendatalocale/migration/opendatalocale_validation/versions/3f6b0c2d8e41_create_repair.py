"""Create the table of automatic corrections.

Revision ID: 3f6b0c2d8e41
Revises: 8c41d2e7a9f3
Create Date: 2026-12-01 19:30:00
"""
from alembic import op

revision = "3f6b0c2d8e41"
down_revision = "8c41d2e7a9f3"
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_repair (
    resource_id text PRIMARY KEY,
    package_id text NOT NULL,
    status text NOT NULL,
    schema_url text,
    source_hash text,
    created timestamptz NOT NULL DEFAULT now(),
    finished timestamptz,
    summary jsonb,
    error text,
    original_name text,
    original_url text,
    original_size bigint,
    published timestamptz,
    published_by text,
    repaired_hash text,
    published_summary jsonb
);
CREATE INDEX IF NOT EXISTS opendatalocale_repair_package
    ON opendatalocale_repair (package_id);
""")


def downgrade():
    op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS opendatalocale_repair")
