"""The observatoire's summary: one row per public, active SCDL dataset.

What the report needs of a dataset, kept by the plugin's hooks in the
transaction of each change (see ``summary``): never read from the search
index, so the observatoire works with Solr as with ``opendatalocale_search``.
Declared on CKAN's metadata so that CKAN's database reset (tests'
``clean_db``) empties it with the rest of the data.
"""
from __future__ import annotations

import sqlalchemy as sa

from ckan.model.meta import metadata

__all__ = ["dataset_table"]

dataset_table = sa.Table(
    "opendatalocale_report_dataset", metadata,
    sa.Column("package_id", sa.Text,
              sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("owner_org", sa.Text, nullable=False),
    sa.Column("dataset_type", sa.Text, nullable=False),
    # the word of ckanext.opendatalocale.scdl.status.conformity (None: no SCDL file)
    sa.Column("conformity", sa.Text),
    sa.Column("metadata_modified", sa.DateTime(timezone=True), nullable=False),
    sa.Column("frequency", sa.Text),
    extend_existing=True,
)
