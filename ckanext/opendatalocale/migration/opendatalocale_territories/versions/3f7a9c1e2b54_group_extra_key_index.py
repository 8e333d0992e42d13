"""Index CKAN's organisation extras by key and value.

The territory pages and the observatoire look organisations up by their
territory fields (the régions, the communes under an obligation…): without
this index each lookup scans the ~250 000 extras of France (30 ms).

Revision ID: 3f7a9c1e2b54
Revises:
Create Date: 2026-11-26 20:15:00
"""
from alembic import op

revision = "3f7a9c1e2b54"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS opendatalocale_group_extra_key_value "
        "ON group_extra (key, value) WHERE state = 'active'")


def downgrade():
    op.get_bind().exec_driver_sql(
        "DROP INDEX IF EXISTS opendatalocale_group_extra_key_value")
