"""The online entries: a draft per person and file (the rows she types,
kept as she types them), until she saves it into the resource."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan.model.meta import metadata

__all__ = ["entry_table", "row_table"]

entry_table = sa.Table(
    "opendatalocale_entry", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("owner_org", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),          # the SCDL type's slug
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("package_id", sa.Text),                    # none yet: a dataset to create
    sa.Column("resource_id", sa.Text),                   # none yet: a file to add
    sa.Column("base_hash", sa.Text),                     # the file as it was opened
    sa.Column("title", sa.Text),                         # a dataset to create's
    sa.Column("created_by", sa.Text, nullable=False),    # the user's id
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)

row_table = sa.Table(
    "opendatalocale_entry_row", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.Text, sa.ForeignKey("opendatalocale_entry.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("cells", JSONB, nullable=False),
    extend_existing=True,
)
