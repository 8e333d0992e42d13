"""The guides as edited by the sysadmins (migration 3f6b8d2a9e41): one row
per guide changed on the portal; the others are the shipped text. Declared
on CKAN's metadata so that CKAN's database reset (tests' ``clean_db``)
empties it with the rest of the data."""
from __future__ import annotations

import sqlalchemy as sa

from ckan.model.meta import metadata

__all__ = ["guide_table"]

guide_table = sa.Table(
    "opendatalocale_guide", metadata,
    sa.Column("slug", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("audience", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
    sa.Column("modified_by", sa.Text),
    extend_existing=True,
)
