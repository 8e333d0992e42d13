"""Solr's edismax over our parse tree: ``qf`` read, unfielded terms spread
over the query fields."""
from __future__ import annotations

import re
from typing import Optional

from ckan.lib.search.common import SearchError

from . import lucene
from .solr_schema import ckan_schema

__all__ = ["QF_FIELD", "query_fields", "spread"]

# the field the lucene parser gives unfielded terms, replaced by ``qf``
QF_FIELD = "\x00qf"


def query_fields(qf: str) -> list[str]:
    """The field names of ``qf`` (boosts dropped: ranking is ours)."""
    fields = [f.split("^")[0] for f in str(qf).split() if f.strip()]
    for name in fields:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
            raise SearchError(f"Invalid query field {name!r} in qf")
    schema = ckan_schema()
    if "text" in fields:
        # Solr copies these into ``text``: searching ``text`` finds them all,
        # their boosts live in the tsvector's weights
        fields = [f for f in fields if f == "text" or not schema.copied_into(f)]
    return fields or ["text"]


def spread(node: lucene.Node, fields: list[str], mm: Optional[str]) -> lucene.Node:
    """Edismax: unfielded terms search every query field."""
    if isinstance(node, lucene.Term) and node.field == QF_FIELD:
        if len(fields) == 1:
            return lucene.Term(fields[0], node.value, node.kind)
        return lucene.BoolQuery([(lucene.SHOULD, lucene.Term(f, node.value, node.kind))
                                 for f in fields])
    if isinstance(node, lucene.Exists) and node.field == QF_FIELD:
        return lucene.MatchAll()
    if isinstance(node, lucene.Range) and node.field == QF_FIELD:
        raise SearchError("A range needs a field name")
    if isinstance(node, lucene.BoolQuery):
        return lucene.BoolQuery([(o, spread(c, fields, None)) for o, c in node.clauses],
                                mm if mm is not None else node.mm)
    return node
