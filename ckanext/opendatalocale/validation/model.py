"""The validations of resources: one row per resource, the latest one.

Kept out of the resource itself: writing a status with ``resource_patch``
(as ckanext-validation does) creates an activity and a new
``metadata_modified`` at every validation, so harvesters re-pull unchanged
data. Statuses reach the resource dicts at show time instead.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan.model.meta import metadata

__all__ = ["validation_table", "repair_table"]

validation_table = sa.Table(
    "opendatalocale_validation", metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("schema_url", sa.Text),
    sa.Column("file_hash", sa.Text),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("finished", sa.DateTime(timezone=True)),
    sa.Column("report", JSONB),
    sa.Column("error", sa.Text),
    extend_existing=True,
)

# The automatic correction of a resource's file (``repairs``): the latest
# preview (its status, what it would change, the file it read), and, once
# published, where the original went and which file replaced it.
repair_table = sa.Table(
    "opendatalocale_repair", metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),       # running, ready, error, published
    sa.Column("schema_url", sa.Text),
    sa.Column("source_hash", sa.Text),                  # the file the preview read
    sa.Column("created", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("finished", sa.DateTime(timezone=True)),
    sa.Column("summary", JSONB),                        # Repair.as_dict()
    sa.Column("error", sa.Text),                        # a message's JSON
    sa.Column("original_name", sa.Text),                # the file before the correction
    sa.Column("original_url", sa.Text),                 # a linked file's address
    sa.Column("original_size", sa.BigInteger),
    sa.Column("published", sa.DateTime(timezone=True)),
    sa.Column("published_by", sa.Text),
    sa.Column("repaired_hash", sa.Text),                # the file that replaced it
    sa.Column("published_summary", JSONB),
    extend_existing=True,
)
