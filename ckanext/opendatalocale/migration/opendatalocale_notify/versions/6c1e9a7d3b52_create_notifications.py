"""E-mail notifications: the events to tell, the mails (sent once), and each
person's choices.

Revision ID: 6c1e9a7d3b52
Revises:
Create Date: 2026-12-02 17:00:00
"""
from alembic import op

revision = "6c1e9a7d3b52"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_notify_event (
    kind text NOT NULL,
    key text NOT NULL,
    package_id text NOT NULL,
    resource_id text,
    created timestamptz NOT NULL,
    handled timestamptz,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS opendatalocale_notify_mail (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    key text NOT NULL,
    user_id text NOT NULL,
    email text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    created timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    sent timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    UNIQUE (kind, key, user_id)
);
CREATE INDEX IF NOT EXISTS opendatalocale_notify_mail_pending
    ON opendatalocale_notify_mail (id) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS opendatalocale_notify_setting (
    user_id text PRIMARY KEY,
    off text[] NOT NULL DEFAULT '{}',
    digest text NOT NULL DEFAULT 'weekly'
);
""")


def downgrade():
    op.get_bind().exec_driver_sql(
        "DROP TABLE IF EXISTS opendatalocale_notify_event; "
        "DROP TABLE IF EXISTS opendatalocale_notify_mail; "
        "DROP TABLE IF EXISTS opendatalocale_notify_setting")
