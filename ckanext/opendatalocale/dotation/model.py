"""Each import of a national file (its state and progress, what it found),
and each collectivité's extract of a source: the dataset it went to (a
proposal, or the dataset once published), the rows last written there, and
a second proposal when the commune replaced that dataset's file itself."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan.model.meta import metadata

__all__ = ["import_table", "extract_table"]

import_table = sa.Table(
    "opendatalocale_dotation_import", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False, server_default=""),   # URL or file name
    sa.Column("file_date", sa.Text, nullable=False, server_default=""),  # ISO date
    sa.Column("file_sha256", sa.Text),
    sa.Column("territory_id", sa.Text),
    sa.Column("user_id", sa.Text),
    sa.Column("state", sa.Text, nullable=False, server_default="queued"),
    sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
    sa.Column("counts", JSONB, nullable=False, server_default="{}"),
    sa.Column("said", JSONB, nullable=False, server_default="[]"),
    sa.Column("error", JSONB),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("finished", sa.DateTime(timezone=True)),
    extend_existing=True,
)

extract_table = sa.Table(
    "opendatalocale_dotation_extract", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("organization_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text),          # the proposal, or the published dataset
    sa.Column("resource_id", sa.Text),
    sa.Column("rows_sha256", sa.Text),         # the extract last written to it
    sa.Column("rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("proposal_package_id", sa.Text),  # newer rows, beside a file the commune replaced
    sa.Column("proposal_sha256", sa.Text),
    sa.Column("file_date", sa.Text, nullable=False, server_default=""),
    sa.Column("location", sa.Text, nullable=False, server_default=""),
    sa.Column("import_id", sa.Text),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)
