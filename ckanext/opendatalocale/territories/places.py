"""Where a dataset's publisher lies, for search: the titles of the
territories shown on result cards and facets, and the index kept in step
when an organisation is renamed.

An organisation's title is searchable text of its datasets and of the
datasets below it (``vocab_publisher``, ``vocab_territory_titles``, set at
index time by the plugin). CKAN does not re-index anything when an
organisation is renamed: here the datasets whose index entry still holds
another name or title of it are found by one search and re-indexed, so that
an edit that leaves the title alone re-indexes nothing.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import g
from ckan.lib import search

__all__ = ["TERRITORIES_FIELD", "PUBLISHER_FIELD", "ABOVE_FIELD", "titles_of", "places",
           "follow_renaming", "territory_place"]

TERRITORIES_FIELD = "vocab_territories"  # the owner and its ancestors (multi-valued)
# searchable text (Solr copies vocab_* into ``text``): the publisher's title,
# and the titles of the territories above it (weighted less, see
# search/documents.py)
PUBLISHER_FIELD, ABOVE_FIELD = "vocab_publisher", "vocab_territory_titles"


def titles_of(names: list[str]) -> dict[str, str]:
    """Organisation titles by name (facet items), in one query."""
    if not names:
        return {}
    rows = model.Session.execute(sa.text(
        'SELECT name, title FROM "group" WHERE name = ANY(:names) AND is_organization'),
        {"names": list(names)}).all()
    return {name: title for name, title in rows if title}


# for each organisation: its level, and the nearest département or région
# above it (EPCI skipped: "Bruz · Ille-et-Vilaine" places a commune for
# everyone, its EPCI's name does not); bounded like tree.ancestors
_PLACES = sa.text("""
WITH RECURSIVE up(start, id, depth, path) AS (
    SELECT m.group_id, m.table_id, 1, ARRAY[m.group_id, m.table_id] FROM member m
    WHERE m.group_id = ANY(:ids) AND m.table_name = 'group' AND m.state = 'active'
      AND m.table_id <> m.group_id
    UNION ALL
    SELECT up.start, m.table_id, up.depth + 1, up.path || m.table_id
    FROM up JOIN member m ON m.group_id = up.id
    WHERE m.table_name = 'group' AND m.state = 'active'
      AND NOT m.table_id = ANY(up.path) AND up.depth < 10
)
SELECT g.id, g.title, lvl.value AS level, (
    SELECT a.title FROM up JOIN "group" a ON a.id = up.id AND a.state = 'active'
    JOIN group_extra al ON al.group_id = a.id AND al.key = 'territory_level'
         AND al.state = 'active' AND al.value IN ('departement', 'region')
    WHERE up.start = g.id ORDER BY up.depth LIMIT 1) AS above
FROM "group" g
LEFT JOIN group_extra lvl ON lvl.group_id = g.id AND lvl.key = 'territory_level'
     AND lvl.state = 'active'
WHERE g.id = ANY(:ids)
""")


def places(group_ids: list[str]) -> dict[str, dict[str, Any]]:
    """``{id: {title, level, above}}`` of these organisations, in one query:
    ``above`` is the title of the département (or région) they lie in."""
    if not group_ids:
        return {}
    rows = model.Session.execute(_PLACES, {"ids": list(group_ids)}).mappings()
    return {r["id"]: {"title": r["title"], "level": r["level"] or None,
                      "above": r["above"]} for r in rows}


def territory_place(package: dict[str, Any]) -> dict[str, Any] | None:
    """Template helper: ``{title, level, above}`` of a dataset's publisher,
    None without one: one query per publisher, remembered for the request (a
    page of results shows at most ``ckan.datasets_per_page`` publishers)."""
    owner = package.get("owner_org")
    if not owner:
        return None
    known = _known()
    if owner not in known:
        known.update(places([owner]))
    return known.get(owner)


def _known() -> dict[str, dict[str, Any]]:
    try:
        if not hasattr(g, "opendatalocale_places"):
            g.opendatalocale_places = {}
        return g.opendatalocale_places
    except RuntimeError:  # no request (CLI, jobs): nothing to remember
        return {}


def _phrase(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stale_query(group) -> str:
    """The datasets of ``group`` and of those below it whose index entry does
    not hold its current name or title, as a query any CKAN search backend
    answers (Solr's ``vocab_*`` are exact strings, and so are ours)."""
    member = f"{TERRITORIES_FIELD}:{_phrase(group.name)}"
    owner = f"owner_org:{_phrase(group.id)}"
    if not group.title:
        return f"({owner} AND -{member})"
    # one group: CKAN appends its own clauses (+state:active…) to the filter,
    # which would make each side of a bare OR optional
    return (f"(({owner} AND -({member} AND {PUBLISHER_FIELD}:{_phrase(group.title)}))"
            f" OR ({member} AND -{owner} AND -{ABOVE_FIELD}:{_phrase(group.title)}))")


def _stale(group) -> list[str]:
    search_action = tk.get_action("package_search")
    context = {"ignore_auth": True,
               "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    found: list[str] = []
    while True:
        page = search_action(dict(context), {
            "fq": _stale_query(group), "fl": "id", "rows": 1000, "start": len(found),
            "sort": "id asc", "include_private": True, "include_drafts": True})
        found += [row["id"] for row in page["results"]]
        if not page["results"] or len(found) >= page["count"]:
            return found


def follow_renaming(group) -> None:
    """Re-index the datasets whose index entry holds another name or title of
    ``group`` than its current ones, in the current transaction, as CKAN
    indexes a dataset it changes. Found by a search (one query, whatever the
    backend), collected before any of them is re-indexed. CKAN calls the
    plugin's ``edit`` with datasets too (IPackageController): ignored."""
    if not isinstance(group, model.Group) or not group.is_organization:
        return
    model.Session.flush()
    stale = _stale(group)
    index = search.index_for(model.Package)
    for package_id in stale:
        index.update_dict(tk.get_action("package_show")(
            {"ignore_auth": True, "validate": False, "use_cache": False},
            {"id": package_id}))
