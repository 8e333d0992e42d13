"""Where a dataset's publisher lies, for search: the titles of the
territories shown on result cards and facets, and the index kept in step
when an organisation is renamed.

An organisation's title is searchable text of its datasets and of the
datasets below it (``vocab_publisher``, ``vocab_territory_titles``, set at
index time by the plugin). CKAN does not re-index anything when an
organisation is renamed: here the documents that still hold another name or
title of it are found in the index itself (one GIN lookup) and re-indexed, so
that an edit that leaves the title alone re-indexes nothing.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p
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


# the index's documents of the datasets of an organisation (``owner``) and of
# those below it (``below``) that do not hold its current name or title
_STALE = sa.text("""
SELECT i.id FROM opendatalocale_search_index i
JOIN opendatalocale_search_document d ON d.index_id = i.index_id
WHERE (i.owner_org = :id AND NOT d.tokens @> CAST(:owner AS text[]))
   OR (d.tokens @> CAST(:member AS text[]) AND i.owner_org IS DISTINCT FROM :id
       AND NOT d.tokens @> CAST(:below AS text[]))
""")


def follow_renaming(group) -> None:
    """Re-index the datasets whose document holds another name or title of
    ``group`` than its current ones, in the current transaction, as CKAN
    indexes a dataset it changes (with Solr, this index is not ours to read:
    ``ckan search-index rebuild`` brings the titles up to date). CKAN calls
    the plugin's ``edit`` with datasets too (IPackageController): ignored."""
    from ckanext.opendatalocale.search.documents import token
    if (not isinstance(group, model.Group) or not group.is_organization
            or not p.plugin_loaded("opendatalocale_search")):
        return
    model.Session.flush()
    member = token(TERRITORIES_FIELD, group.name)
    titled = bool(group.title)
    owner = [member] + ([token(PUBLISHER_FIELD, group.title)] if titled else [])
    below = [member] + ([token(ABOVE_FIELD, group.title)] if titled else [])
    stale = [row[0] for row in model.Session.execute(_STALE, {
        "id": group.id, "owner": owner, "member": [member], "below": below})]
    index = search.index_for(model.Package)
    for package_id in stale:
        index.update_dict(tk.get_action("package_show")(
            {"ignore_auth": True, "validate": False, "use_cache": False},
            {"id": package_id}))
