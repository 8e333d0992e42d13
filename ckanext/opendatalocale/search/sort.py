"""Solr's ``sort`` parameter as an SQL ORDER BY on the index tables."""
from __future__ import annotations

import re
from typing import Callable, Optional

from ckan.lib.search.common import SearchQueryError

from .documents import COLUMN_FIELDS
from .solr_schema import DATE, NGRAM, NUMBER, TEXT, ckan_schema
from .sql import literal

__all__ = ["order_by"]

_SORT_ITEM = re.compile(r"^([A-Za-z0-9_.\-]+)\s+(asc|desc)$", re.IGNORECASE)


def order_by(sort: Optional[str], indexed: Callable[[str], bool],
             ranked: bool = True) -> str:
    """ORDER BY for ``sort``; ``indexed(field)`` tells whether any document
    has a field (a sort on a field nobody has changes nothing: skipped), and
    a score that is the same for all (no text searched) is skipped too, so
    that the next key can be read from its index."""
    clauses = []
    for item in [s.strip() for s in (sort or "score desc").split(",") if s.strip()]:
        match = _SORT_ITEM.match(item)
        if not match:
            raise SearchQueryError(
                f'Invalid "sort" parameter {item!r}: expected "field asc" or '
                '"field desc"')
        name, direction = match.group(1), match.group(2).upper()
        if name == "score" and not ranked:
            continue
        expr = _sort_key(name, indexed)
        if expr is None:
            continue
        # columns (never empty in CKAN's datasets) take PostgreSQL's default
        # null order so that one btree index serves both directions;
        # other fields sort missing values last, as Solr's string fields
        nulls = "" if expr.startswith("i.") else " NULLS LAST"
        clauses.append(f"{expr} {direction}{nulls}")
    # a stable order for ties, read from the primary key index
    clauses.append("i.index_id ASC")
    return ", ".join(clauses)


def _sort_key(name: str, indexed: Callable[[str], bool]) -> Optional[str]:
    """The SQL expression a field sorts by; None when no document has it."""
    if name == "score":
        return "score"
    if name in ("metadata_modified", "metadata_created"):
        return f"i.{name}"
    if name == "title_string":
        return "i.title_sort"
    if name in COLUMN_FIELDS or name == "index_id":
        return f'i.{name} COLLATE "C"'
    field = ckan_schema().field(name)
    if field.kind in (TEXT, NGRAM) or field.multivalued:
        raise SearchQueryError(
            f'Invalid "sort" parameter: cannot sort on the '
            f'{"multi-valued" if field.multivalued else "text"} field {name!r}')
    if not indexed(name):
        return None
    value = f"(d.doc -> {literal(name)} ->> 0)"
    if field.kind == DATE:
        return f"opendatalocale_search_timestamp{value}"
    if field.kind == NUMBER:
        return f"opendatalocale_search_number{value}"
    return f'{value} COLLATE "C"'
