"""The observatoire's summary: one row per public, active SCDL dataset.

What the report needs of a dataset, kept by the plugin's hooks in the
transaction of each change (see ``summary``): never read from the search
index, so the observatoire works with Solr as with ``opendatalocale_search``.
Declared on CKAN's metadata so that CKAN's database reset (tests'
``clean_db``) empties it with the rest of the data.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from ckan.model.meta import metadata

__all__ = ["dataset_table", "snapshot_table", "snapshot_day_table"]

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

# the observatoire over time (migration 8b4d2f6a0c17, see ``history``): the
# counts of a territory ('' for France) and type over the days
# [day_from, day_to) they did not change; day_to NULL: up to the last
# snapshot day. The statuses of the arrays: scdl.status.STATUSES, in order.
snapshot_table = sa.Table(
    "opendatalocale_report_snapshot", metadata,
    sa.Column("territory_id", sa.Text, primary_key=True),
    sa.Column("dataset_type", sa.Text, primary_key=True),
    sa.Column("day_from", sa.Date, primary_key=True),
    sa.Column("day_to", sa.Date),
    sa.Column("communes", sa.Integer, nullable=False),
    sa.Column("obliged", sa.Integer, nullable=False),
    sa.Column("population", sa.BigInteger, nullable=False),
    sa.Column("population_covered", sa.BigInteger, nullable=False),
    sa.Column("by_status", ARRAY(sa.Integer), nullable=False),
    sa.Column("obliged_by_status", ARRAY(sa.Integer), nullable=False),
    extend_existing=True,
)
snapshot_day_table = sa.Table(
    "opendatalocale_report_snapshot_day", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    extend_existing=True,
)
