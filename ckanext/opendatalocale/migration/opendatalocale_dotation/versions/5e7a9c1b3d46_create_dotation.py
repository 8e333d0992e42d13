"""Dotation de données: each import of a national file, and each
collectivité's extract (the dataset it went to, what was written).

Revision ID: 5e7a9c1b3d46
Revises:
Create Date: 2026-12-02 05:00:00
"""
from alembic import op

revision = "5e7a9c1b3d46"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().exec_driver_sql("""
CREATE TABLE IF NOT EXISTS opendatalocale_dotation_import (
    id text PRIMARY KEY,
    source text NOT NULL,
    location text NOT NULL DEFAULT '',
    file_date text NOT NULL DEFAULT '',
    file_sha256 text,
    territory_id text,
    user_id text,
    state text NOT NULL DEFAULT 'queued',
    progress integer NOT NULL DEFAULT 0,
    counts jsonb NOT NULL DEFAULT '{}',
    said jsonb NOT NULL DEFAULT '[]',
    error jsonb,
    created timestamptz NOT NULL DEFAULT now(),
    finished timestamptz
);
CREATE INDEX IF NOT EXISTS opendatalocale_dotation_import_created
    ON opendatalocale_dotation_import (created DESC);
CREATE TABLE IF NOT EXISTS opendatalocale_dotation_extract (
    source text NOT NULL,
    organization_id text NOT NULL,
    package_id text,
    resource_id text,
    rows_sha256 text,
    rows integer NOT NULL DEFAULT 0,
    proposal_package_id text,
    proposal_sha256 text,
    file_date text NOT NULL DEFAULT '',
    location text NOT NULL DEFAULT '',
    import_id text,
    modified timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, organization_id)
);
CREATE INDEX IF NOT EXISTS opendatalocale_dotation_extract_package
    ON opendatalocale_dotation_extract (package_id);
CREATE INDEX IF NOT EXISTS opendatalocale_dotation_extract_proposal
    ON opendatalocale_dotation_extract (proposal_package_id);
""")


def downgrade():
    op.get_bind().exec_driver_sql("""
DROP TABLE IF EXISTS opendatalocale_dotation_extract;
DROP TABLE IF EXISTS opendatalocale_dotation_import;
""")
