"""The count of a search and its facet counts, cached by index state."""
from __future__ import annotations

from typing import Any, Optional

from . import cache
from .compiler import Compiled
from .documents import COLUMN_FIELDS, LABELS_FIELD, fast_facet
from .request import SearchRequest
from .sql import FROM, execute

__all__ = ["count_and_facets"]


def count_and_facets(conn: Any, where: Compiled, visible: Compiled,
                     request: SearchRequest,
                     state: Optional[Any]) -> tuple[int, dict[str, list[Any]]]:
    """The number of matches and the facets, from the cache when the index
    ``state`` (epoch, generation) they were computed from is still current."""
    key = None
    if state is not None:
        key = cache.key(state.epoch, state.generation, where.sql,
                        where.params, request.facet_fields, request.facet_limit,
                        request.facet_mincount)
        cached = cache.get(key)
        if cached is not None:
            return cached["count"], cached["facets"]
    count = execute(conn, f"SELECT count(*) FROM {FROM} WHERE {where.sql}",
                    where.params).scalar()
    facets = (facet_counts(conn, where, visible, request)
              if request.facet_fields else {})
    if key is not None and count >= cache.min_count():
        cache.put(key, {"count": count, "facets": facets})
    return count, facets


def facet_counts(conn: Any, where: Compiled, visible: Compiled,
                 request: SearchRequest) -> dict[str, list[Any]]:
    """Counts per value, each field read from where it is cheapest: a
    column, the narrow table's ``facets`` array, or the document.

    With ``facet.mincount`` 0, Solr also lists the values of documents
    outside the result, with a count of 0: here only those of documents
    the filters (``fq``: permission labels, site, state…) let through, so
    that no value of a private dataset reaches a user without its label."""
    fields = request.facet_fields
    if request.facet_mincount <= 0:
        count = Compiled(f"count(*) FILTER (WHERE {where.sql})", where.params)
        condition = visible
    else:
        count, condition = Compiled("count(*)"), where
    # each branch: SELECT field, value, count FROM <rows, values> WHERE ...
    # with its parameters in the order of their placeholders
    branches: list[Compiled] = []
    for field in fields:
        values_params: list[Any] = []
        if field in COLUMN_FIELDS:
            values = f"i.{field}"
            source, where_values = "", f"i.{field} IS NOT NULL"
        elif field == LABELS_FIELD:
            values = "v"
            source, where_values = "CROSS JOIN LATERAL unnest(i.labels) AS v", "true"
        elif not fast_facet(field):
            values, values_params = "v", [field]
            source = ("CROSS JOIN LATERAL (SELECT DISTINCT x FROM "
                      "jsonb_array_elements_text(d.doc -> %s) AS x) AS vals(v)")
            where_values = "true"
        else:
            continue
        branches.append(Compiled(
            f"SELECT %s AS f, {values} AS v, {count.sql} AS c FROM {FROM} {source} "
            f"WHERE {where_values} AND {condition.sql} GROUP BY 1, 2",
            [field] + count.params + values_params + condition.params))
    fast = [f for f in fields if fast_facet(f)]
    if fast:
        # one pass over the narrow table for all of them: every value is
        # counted (unnest in the select list, cheaper than a lateral join),
        # the requested fields are kept afterwards
        hit = (Compiled(f"({where.sql})", where.params)
               if request.facet_mincount <= 0 else Compiled("true"))
        branches.append(Compiled(
            "SELECT split_part(t, '=', 1) AS f, substr(t, strpos(t, '=') + 1) AS v, c "
            "FROM (SELECT t, count(*) FILTER (WHERE hit) AS c FROM "
            f"(SELECT unnest(i.facets) AS t, {hit.sql} AS hit FROM {FROM} "
            f"WHERE {condition.sql}) AS e GROUP BY t) AS counted_values "
            "WHERE split_part(t, '=', 1) = ANY(%s)",
            hit.params + condition.params + [fast]))
    union = " UNION ALL ".join(f"({b.sql})" for b in branches)
    sql = (f"SELECT f, v, c FROM (SELECT f, v, c, row_number() OVER "
           f"(PARTITION BY f ORDER BY c DESC, v COLLATE \"C\") AS r "
           f"FROM ({union}) AS counted WHERE c >= %s) ranked "
           "WHERE %s < 0 OR r <= %s ORDER BY f, r")
    params = [p for b in branches for p in b.params]
    params += [max(request.facet_mincount, 0), request.facet_limit, request.facet_limit]
    facets: dict[str, list[Any]] = {f: [] for f in fields}
    for f, v, c in execute(conn, sql, params):
        facets[f].extend([v, c])
    return facets
