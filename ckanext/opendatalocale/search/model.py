"""The index tables, as created by the plugin's alembic migration.

Declared on CKAN's metadata so that CKAN's own database reset (tests'
``clean_db``) empties them with the rest of the data.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ckan.model.meta import metadata

__all__ = ["index_table", "document_table", "state_table"]

# hot and narrow: what broad searches scan
index_table = sa.Table(
    "opendatalocale_search_index", metadata,
    sa.Column("index_id", sa.Text, primary_key=True),
    sa.Column("id", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("site_id", sa.Text),
    sa.Column("state", sa.Text),
    sa.Column("capacity", sa.Text),
    sa.Column("dataset_type", sa.Text),
    sa.Column("owner_org", sa.Text),
    sa.Column("organization", sa.Text),
    sa.Column("labels", ARRAY(sa.Text), nullable=False),
    sa.Column("title_sort", sa.Text),
    sa.Column("metadata_modified", sa.DateTime(timezone=True)),
    sa.Column("metadata_created", sa.DateTime(timezone=True)),
    sa.Column("facets", ARRAY(sa.Text), nullable=False),
    extend_existing=True,
)

# wide: every field, tokens, French text, the JSON CKAN reads back
document_table = sa.Table(
    "opendatalocale_search_document", metadata,
    sa.Column("index_id", sa.Text,
              sa.ForeignKey("opendatalocale_search_index.index_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("doc", JSONB, nullable=False),
    sa.Column("tokens", ARRAY(sa.Text), nullable=False),
    sa.Column("tsv", TSVECTOR, nullable=False),
    sa.Column("data_dict", sa.Text),
    sa.Column("validated_data_dict", sa.Text),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)

state_table = sa.Table(
    "opendatalocale_search_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("epoch", sa.Text, nullable=False),
    sa.Column("generation", sa.BigInteger, nullable=False),
    extend_existing=True,
)
