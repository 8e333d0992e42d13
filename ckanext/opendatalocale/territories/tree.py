"""The territory tree, read with SQL: ancestors, children, a user's direct
memberships. One query each, however large the tree (core's helpers load
every organisation to answer the same questions)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.opendatalocale.scdl import territory
from ckanext.opendatalocale.scdl.text import sort_key

from . import table
from .table import EXTRAS, REFRESH_TABLE, TERRITORY_ROWS

__all__ = ["ancestors", "children", "datasets_below", "roots", "refresh_table", "TERRITORY_ROWS",
           "REFRESH_TABLE", "direct_memberships_with_roles", "territory_fields",
           "would_loop", "parent_of", "is_territory", "territories_named", "placed"]

# bounded twice: a group already on the path ends it (a loop written by
# hand cannot make it run forever nor list a territory twice) and so does
# a depth no real tree reaches
_ANCESTORS = sa.text("""
WITH RECURSIVE up(id, depth, path) AS (
    SELECT m.table_id, 1, ARRAY[CAST(:id AS text), m.table_id] FROM member m
    WHERE m.group_id = :id AND m.table_name = 'group'
      AND m.state = 'active' AND m.table_id <> :id
    UNION ALL
    SELECT m.table_id, up.depth + 1, up.path || m.table_id
    FROM member m JOIN up ON m.group_id = up.id
    WHERE m.table_name = 'group' AND m.state = 'active'
      AND NOT m.table_id = ANY(up.path) AND up.depth < 10
)
SELECT DISTINCT ON (g.id) g.id, g.name, g.title, up.depth FROM up
JOIN "group" g ON g.id = up.id
WHERE g.state = 'active' ORDER BY g.id, up.depth
""")

_CHILDREN = sa.text("""
SELECT g.id, g.name, g.title, (
    SELECT value FROM group_extra e WHERE e.group_id = g.id AND e.key = 'territory_level'
      AND e.state = 'active') AS level, (
    SELECT value FROM group_extra e WHERE e.group_id = g.id AND e.key = 'territory_status'
      AND e.state = 'active') AS status
FROM member m JOIN "group" g ON g.id = m.group_id
WHERE m.table_id = :id AND m.table_name = 'group'
  AND m.state = 'active' AND g.state = 'active' AND g.is_organization AND g.id <> :id
""")


def ancestors(group_id: str) -> list[dict[str, Any]]:
    """From the top (région) down to the direct parent."""
    rows = model.Session.execute(_ANCESTORS, {"id": group_id}).mappings().all()
    return [{k: r[k] for k in ("id", "name", "title")}
            for r in sorted(rows, key=lambda r: -r["depth"])]


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


_PLACED = sa.text("""
SELECT g.id, g.name, g.title,
       max(e.value) FILTER (WHERE e.key = 'territory_level') AS level,
       max(e.value) FILTER (WHERE e.key = 'obligation') AS obligation,
       (SELECT m.table_id FROM member m WHERE m.group_id = g.id AND m.table_name = 'group'
          AND m.state = 'active' AND m.table_id <> g.id ORDER BY m.table_id LIMIT 1
       ) AS parent_id
FROM "group" g LEFT JOIN group_extra e ON e.group_id = g.id AND e.state = 'active'
     AND e.key IN ('territory_level', 'obligation')
WHERE g.id = ANY(:ids) AND g.is_organization AND g.state = 'active'
GROUP BY g.id
""")


def placed(group_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Where each of these organisations stands in the tree, in one query:
    ``{id: {id, name, title, level, obliged, parent_id}}``."""
    if not group_ids:
        return {}
    rows = model.Session.execute(_PLACED, {"ids": list(group_ids)}).mappings()
    return {r["id"]: {"id": r["id"], "name": r["name"], "title": r["title"],
                      "level": r["level"], "obliged": r["obligation"] == "true",
                      "parent_id": r["parent_id"]} for r in rows}


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


# UNION (not ALL) keeps each organisation once: a loop ends the walk
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




def refresh_table(group_id: str, whole: bool = False) -> None:
    """Bring ``opendatalocale_territory`` up to date in the current
    transaction after an organisation changed, when it is, or was, a
    territory: its own row (its fields, title and parent), or the whole
    table (a deletion also unlinks the territories below)."""
    model.Session.flush()
    cursor = model.Session.connection().connection.cursor()
    if not table.exists(cursor):
        return
    listed = model.Session.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM opendatalocale_territory WHERE id = :id)"),
        {"id": group_id}).scalar()
    if not (listed or is_territory(group_id)):
        return
    if whole:
        table.refresh(cursor)
    else:
        table.refresh_one(cursor, group_id)

_NAMED = sa.text("""
SELECT g.id, g.name, g.title,
       max(e.value) FILTER (WHERE e.key = 'territory_level') AS level,
       max(e.value) FILTER (WHERE e.key = 'territory_code') AS code,
       max(e.value) FILTER (WHERE e.key = 'siren') AS siren
FROM "group" g JOIN group_extra e ON e.group_id = g.id AND e.state = 'active'
     AND e.key IN ('territory_level', 'territory_code', 'siren')
WHERE (g.name = ANY(:names) OR g.id = ANY(:names)) AND g.is_organization
  AND g.state = 'active'
GROUP BY g.id
""")


def territories_named(names_or_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The territory organisations among these names or ids, by name and by
    id: ``{id, name, title, level, code, siren}``."""
    found: dict[str, dict[str, Any]] = {}
    if not names_or_ids:
        return found
    for row in model.Session.execute(_NAMED, {"names": list(names_or_ids)}).mappings():
        if row["level"]:
            found[row["name"]] = found[row["id"]] = dict(row)
    return found
