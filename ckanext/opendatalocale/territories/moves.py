"""Datasets follow their organisation when it moves in the tree.

A dataset's permission labels (``cascade-<ancestor>``) and territories
(``vocab_territories``) are computed at index time from its organisation's
ancestors. Whatever writes a hierarchy link through CKAN's session — the
organisation form and API (``groups``), ``group_update``, ``member_create``,
``member_delete`` — the datasets of the organisations it moved, and of every
organisation below them, are re-indexed before the transaction commits, as
CKAN indexes the datasets it changes itself. The loader writes the tree with
its own SQL and re-indexes what it moved (``cli.py``).
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib import search

from . import tree

__all__ = ["listen", "moved_organisations"]


def moved_organisations(session) -> set[str]:
    """The groups whose parent links were added, changed or removed in the
    session's transaction (from CKAN's record of what it flushed)."""
    cache = getattr(session, "_object_cache", None) or {}
    touched = set().union(*cache.values()) if cache else set()
    return {o.group_id for o in touched
            if isinstance(o, model.Member) and o.table_name == "group"}


def _follow_moves(session) -> None:
    if not p.plugin_loaded("opendatalocale_territories"):
        return
    session.flush()
    moved = sorted(moved_organisations(session))
    for group_id in moved:
        tree.refresh_table(group_id)
    # as CKAN indexes a changed dataset before its commit (``search.rebuild``
    # would commit the session from inside its own commit)
    index = search.index_for(model.Package)
    for package_id in tree.datasets_below(moved):
        index.update_dict(tk.get_action("package_show")(
            {"ignore_auth": True, "validate": False, "use_cache": False},
            {"id": package_id}))


def listen() -> None:
    """Follow the moves in CKAN's session (once, however often CKAN
    configures the plugin)."""
    if not sa.event.contains(model.Session, "before_commit", _follow_moves):
        sa.event.listen(model.Session, "before_commit", _follow_moves)
