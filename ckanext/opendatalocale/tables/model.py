"""Each conformant file's DataStore table: the file it holds (its content
hash), its rows, and the state of its last load."""
from __future__ import annotations

import sqlalchemy as sa

from ckan.model.meta import metadata

__all__ = ["table_table", "LOADING", "LOADED", "FAILED"]

LOADING, LOADED, FAILED = "loading", "loaded", "failed"

table_table = sa.Table(
    "opendatalocale_table", metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),        # loading, loaded, failed
    sa.Column("file_hash", sa.Text),                    # the file the table holds
    sa.Column("schema_url", sa.Text),
    sa.Column("rows", sa.BigInteger),
    sa.Column("loaded", sa.DateTime(timezone=True)),    # when the table was filled
    # the table holds the resource's current file (false: the file was
    # replaced by one that is not conformant, the table keeps the last one)
    sa.Column("current", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("error", sa.Text),                        # the last load's failure (JSON)
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)
