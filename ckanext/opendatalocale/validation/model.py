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

__all__ = ["validation_table"]

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
