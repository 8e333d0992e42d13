"""Create the table of resource validations.

Revision ID: 8c41d2e7a9f3
Revises:
Create Date: 2026-11-26 20:00:00
"""
from alembic import op

revision = "8c41d2e7a9f3"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_validation (
    resource_id text PRIMARY KEY,
    package_id text NOT NULL,
    status text NOT NULL,
    schema_url text,
    file_hash text,
    created timestamptz NOT NULL DEFAULT now(),
    finished timestamptz,
    report jsonb,
    error text
);
CREATE INDEX IF NOT EXISTS opendatalocale_validation_package
    ON opendatalocale_validation (package_id);
""")


def downgrade():
    op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS opendatalocale_validation")
