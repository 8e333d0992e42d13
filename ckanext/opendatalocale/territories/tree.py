"""The territory tree, read with SQL: ancestors, children, a user's direct
memberships. One query each, however large the tree (core's helpers load
every organisation to answer the same questions)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.opendatalocale.search.documents import sort_key

from .loader import EXTRAS

__all__ = ["ancestors", "children", "datasets_below", "roots", "direct_memberships_with_roles", "territory_fields",
           "would_loop", "parent_of", "is_territory"]

_ANCESTORS = sa.text("""
WITH RECURSIVE up(id, depth) AS (
    SELECT m.table_id, 1 FROM member m
    WHERE m.group_id = :id AND m.table_name = 'group'
      AND m.state = 'active'
    UNION
    SELECT m.table_id, up.depth + 1 FROM member m JOIN up ON m.group_id = up.id
    WHERE m.table_name = 'group' AND m.state = 'active'
      AND up.depth < 10
)
SELECT g.id, g.name, g.title FROM up JOIN "group" g ON g.id = up.id
WHERE g.state = 'active' ORDER BY up.depth DESC
""")

_CHILDREN = sa.text("""
SELECT g.id, g.name, g.title, (
    SELECT value FROM group_extra e WHERE e.group_id = g.id AND e.key = 'territory_level'
      AND e.state = 'active') AS level, (
    SELECT value FROM group_extra e WHERE e.group_id = g.id AND e.key = 'territory_status'
      AND e.state = 'active') AS status
FROM member m JOIN "group" g ON g.id = m.group_id
WHERE m.table_id = :id AND m.table_name = 'group'
  AND m.state = 'active' AND g.state = 'active'
""")


def ancestors(group_id: str) -> list[dict[str, Any]]:
    """From the top (région) down to the direct parent."""
    rows = model.Session.execute(_ANCESTORS, {"id": group_id}).mappings().all()
    return [dict(r) for r in rows]


def children(group_id: str) -> list[dict[str, Any]]:
    """In French alphabetical order (Bécherel before Brécé)."""
    rows = model.Session.execute(_CHILDREN, {"id": group_id}).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: sort_key(r["title"]) or "")


def would_loop(group_id: str, parent_id: str) -> bool:
    """Whether making ``parent_id`` the parent of ``group_id`` makes a cycle."""
    return parent_id == group_id or any(a["id"] == group_id for a in ancestors(parent_id))


def direct_memberships_with_roles(user_id: str) -> list[tuple[str, str]]:
    """(organisation id, role) of a user's own memberships, without cascade."""
    rows = model.Session.execute(sa.text(
        "SELECT m.group_id, m.capacity FROM member m JOIN \"group\" g ON g.id = m.group_id "
        "WHERE m.table_name = 'user' AND m.table_id = :user AND m.state = 'active' "
        "AND g.state = 'active' AND g.is_organization"), {"user": user_id}).all()
    return [(r[0], r[1]) for r in rows]


def territory_fields(group_id: str) -> dict[str, str]:
    rows = model.Session.execute(sa.text(
        "SELECT key, value FROM group_extra WHERE group_id = :id AND state = 'active' "
        "AND key = ANY(:keys)"), {"id": group_id, "keys": list(EXTRAS)}).all()
    return {k: v for k, v in rows}


def parent_of(group_id: str) -> Optional[dict[str, Any]]:
    chain = ancestors(group_id)
    return chain[-1] if chain else None


def is_territory(group_id: str) -> bool:
    return bool(territory_fields(group_id).get("territory_level"))


_DATASETS_BELOW = sa.text("""
WITH RECURSIVE below(id) AS (
    SELECT unnest(CAST(:ids AS text[]))
    UNION
    SELECT m.group_id FROM member m JOIN below ON m.table_id = below.id
    WHERE m.table_name = 'group' AND m.state = 'active'
)
SELECT p.id FROM package p JOIN below ON p.owner_org = below.id
WHERE p.state = 'active'
""")


def datasets_below(group_ids: list[str]) -> list[str]:
    """Ids of the active datasets of these organisations and of every
    organisation below them."""
    if not group_ids:
        return []
    return [row[0] for row in model.Session.execute(_DATASETS_BELOW,
                                                    {"ids": list(group_ids)})]


def roots() -> list[dict[str, Any]]:
    """The régions, by title (the top of the tree)."""
    rows = model.Session.execute(sa.text("""
        SELECT g.id, g.name, g.title FROM group_extra e JOIN "group" g ON g.id = e.group_id
        WHERE e.key = 'territory_level' AND e.value = 'region' AND e.state = 'active'
          AND g.state = 'active' AND g.is_organization""")).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: sort_key(r["title"]) or "")
