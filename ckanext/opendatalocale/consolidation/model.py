"""The territories that consolidate their communes' files, and each
consolidation (a territory and an SCDL type): its dataset, the file it last
wrote (hash), where its rows came from, and whether a source changed since."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan.model.meta import metadata

__all__ = ["territory_table", "consolidation_table", "catalogue_table"]

territory_table = sa.Table(
    "opendatalocale_consolidation_territory", metadata,
    sa.Column("territory_id", sa.Text, primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)

consolidation_table = sa.Table(
    "opendatalocale_consolidation", metadata,
    sa.Column("territory_id", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text),
    sa.Column("file_hash", sa.Text),
    sa.Column("files", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("provenance", JSONB, nullable=False, server_default="[]"),
    sa.Column("dirty", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("built", sa.DateTime(timezone=True)),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)

# an organisation's SCDL catalogue, written from its datasets
catalogue_table = sa.Table(
    "opendatalocale_generated_catalogue", metadata,
    sa.Column("organization_id", sa.Text, primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("package_id", sa.Text),
    sa.Column("file_hash", sa.Text),
    sa.Column("datasets", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dirty", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("error", sa.Text),        # "siret-missing": it cannot conform
    sa.Column("built", sa.DateTime(timezone=True)),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)
