"""The guides as the portal's sysadmins edited them.

A guide the sysadmins never changed has no row: its page shows the text the
suite ships (``guides/content``); a row holds the edited title, audience,
summary and text, who changed them and when.

Revision ID: 3f6b8d2a9e41
Revises:
Create Date: 2026-12-02 16:00:00
"""
from alembic import op

revision = "3f6b8d2a9e41"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_guide (
    slug text PRIMARY KEY,
    title text NOT NULL,
    audience text NOT NULL,
    summary text NOT NULL,
    body text NOT NULL,
    modified timestamptz NOT NULL,
    modified_by text
);
""")


def downgrade():
    op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS opendatalocale_guide")
