"""The notifications' tables (migration 6c1e9a7d3b52), on CKAN's metadata so
that CKAN's database reset (tests' ``clean_db``) empties them.

- ``event_table``: what happened and must be told (a file found non
  conforme, a dataset about to be or now out of date, the socle-commun types
  an obliged commune does not publish), once per (kind, key);
- ``mail_table``: one mail per (kind, key, person): ``pending`` until sent
  (``sent``) or no longer wanted (``skipped``), its failed attempts counted;
- ``setting_table``: a person's choices (kinds turned off, digest frequency);
  no row: everything on, weekly digest.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from ckan.model.meta import metadata

__all__ = ["event_table", "mail_table", "setting_table"]

event_table = sa.Table(
    "opendatalocale_notify_event", metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text),  # none for an organisation's event (2e7b9c4f1a63)
    sa.Column("resource_id", sa.Text),
    sa.Column("organization_id", sa.Text),
    sa.Column("detail", sa.Text),  # the missing types of a "manquant" reminder
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("handled", sa.DateTime(timezone=True)),
    extend_existing=True,
)
mail_table = sa.Table(
    "opendatalocale_notify_mail", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body_text", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("sent", sa.DateTime(timezone=True)),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.UniqueConstraint("kind", "key", "user_id"),
    extend_existing=True,
)
setting_table = sa.Table(
    "opendatalocale_notify_setting", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("off", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("digest", sa.Text, nullable=False, server_default="weekly"),
    extend_existing=True,
)
