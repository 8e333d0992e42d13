"""Events of an organisation rather than of a dataset (the monthly reminder
of the socle-commun types a commune obliged by law does not publish): the
dataset becomes optional, the organisation and the event's detail are kept.

Revision ID: 2e7b9c4f1a63
Revises: 6c1e9a7d3b52
Create Date: 2026-12-03 12:00:00
"""
from alembic import op

revision = "2e7b9c4f1a63"
down_revision = "6c1e9a7d3b52"
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
ALTER TABLE opendatalocale_notify_event ALTER COLUMN package_id DROP NOT NULL;
ALTER TABLE opendatalocale_notify_event ADD COLUMN IF NOT EXISTS organization_id text;
ALTER TABLE opendatalocale_notify_event ADD COLUMN IF NOT EXISTS detail text;
""")


def downgrade():
    op.get_bind().exec_driver_sql("""
DELETE FROM opendatalocale_notify_event WHERE package_id IS NULL;
ALTER TABLE opendatalocale_notify_event DROP COLUMN IF EXISTS detail;
ALTER TABLE opendatalocale_notify_event DROP COLUMN IF EXISTS organization_id;
ALTER TABLE opendatalocale_notify_event ALTER COLUMN package_id SET NOT NULL;
""")
