"""Solr's request parameters, as CKAN and its extensions send them to
``conn.search``: checked against the backend's limits, normalised, and the
query and filters parsed.

A request the backend refuses raises ``SearchError``, as CKAN raises it for
every error Solr answers (``PackageSearchQuery.run``): the API answers 409
"Search error" and the search page shows CKAN's notice. Only a bad ``sort``
is a ``SearchQueryError`` (400), as CKAN makes it of Solr's sort errors."""
from __future__ import annotations

import re
from typing import Any, Optional

from ckan.lib.search.common import SearchError
import ckan.plugins.toolkit as tk

from . import lucene
from .edismax import QF_FIELD, query_fields, spread
from .solr_schema import ckan_schema

__all__ = ["SearchRequest", "SUPPORTED_PARAMS", "MAX_SOLR_INT"]

# a visitor's free text (no field: dismax) is short; a fielded query can be
# long (ckanext-hierarchy lists every sub-organisation) and is bounded by
# Lucene's 1 024 clauses
MAX_TEXT_LENGTH = 1000
MAX_QUERY_LENGTH = 100_000
# Solr reads start, rows and facet counts as Java ints, and answers 400 above
MAX_SOLR_INT = 2**31 - 1
# CKAN bounds the values of a facet (search.facets.limit) but not how many
# fields are faceted; each costs a pass over the index, and CKAN's pages ask
# for about ten
MAX_FACET_FIELDS = 25

# Solr request parameters this backend understands. ``tie``, ``bf``, ``boost``
# and ``^`` boosts only tune Solr's ranking (ours is fixed, see compiler);
# ``fq_list`` is merged into ``fq`` by CKAN before the call.
SUPPORTED_PARAMS = {
    "q", "fq", "fl", "rows", "start", "sort", "wt", "facet", "facet.field",
    "facet.limit", "facet.mincount", "defType", "qf", "mm", "tie", "bf", "boost",
    "df", "q.op", "fq_list",
}


class SearchRequest:
    """Solr request parameters, checked and normalised."""

    def __init__(self, q: Optional[str], params: dict[str, Any]):
        unknown = set(params) - SUPPORTED_PARAMS
        if unknown:
            raise SearchError(
                "Unsupported search parameters for the PostgreSQL search backend: "
                + ", ".join(sorted(unknown)))
        if params.get("wt", "json") not in ("json", "python"):
            raise SearchError("Only wt=json is supported")
        q = q if q is not None else params.get("q")
        q = "*:*" if q is None or not str(q).strip() else str(q)
        limit = (MAX_TEXT_LENGTH if params.get("defType") == "dismax"
                 else MAX_QUERY_LENGTH)
        if len(q) > limit:
            raise SearchError(
                f"The query is too long ({len(q)} characters, at most {limit})")
        for f in _as_list(params.get("fq")):
            if len(str(f)) > MAX_QUERY_LENGTH:
                raise SearchError(tk._(
                    "A filter is too long ({length} characters, at most {limit})"
                ).format(length=len(str(f)), limit=MAX_QUERY_LENGTH))
        for name, value in [("q", q), *params.items()]:
            _check_characters(name, value)
        for text in [q, *_as_list(params.get("fq"))]:
            _refuse_local_params(text)
        self.q_op = str(params.get("q.op", "OR")).upper()
        if self.q_op not in ("AND", "OR"):
            raise SearchError(f"Invalid q.op {self.q_op!r}: use AND or OR")
        self.sort: Optional[str] = params.get("sort")
        self.rows = _int(params.get("rows", 10), "rows", MAX_SOLR_INT)
        self.start = _int(params.get("start", 0), "start", MAX_SOLR_INT)
        if self.rows < 0 or self.start < 0:
            raise SearchError("rows and start must not be negative")
        fl = params.get("fl") or "*"
        if isinstance(fl, (list, tuple)):
            fl = " ".join(fl)
        self.fields = {f for f in re.split(r"[\s,]+", fl) if f}
        self.facet_fields: list[str] = []
        if str(params.get("facet", "false")).lower() in ("true", "on", "1"):
            ff = params.get("facet.field") or []
            ff = [ff] if isinstance(ff, str) else list(ff)
            self.facet_fields = list(dict.fromkeys(ff))
            if len(self.facet_fields) > MAX_FACET_FIELDS:
                raise SearchError(tk._(
                    "Too many facet fields ({count}, at most {limit})"
                ).format(count=len(self.facet_fields), limit=MAX_FACET_FIELDS))
            for name in self.facet_fields:
                _check_facet_field(name)
        self.facet_limit = _int(params.get("facet.limit", 100), "facet.limit",
                                MAX_SOLR_INT)
        self.facet_mincount = _int(params.get("facet.mincount", 0), "facet.mincount",
                                   MAX_SOLR_INT)
        try:
            self.query = self._parse_q(q, params)
            fq = _as_list(params.get("fq"))
            self.filters = [lucene.parse(f, default_field=params.get("df", "text"),
                                         default_operator=self.q_op)
                            for f in fq if f and str(f).strip()]
        except lucene.QuerySyntaxError as e:
            raise SearchError(f"Invalid search query: {e}") from e

    def _parse_q(self, q: str, params: dict[str, Any]) -> lucene.Node:
        def_type = params.get("defType", "lucene")
        if def_type not in ("lucene", "dismax", "edismax"):
            raise SearchError(f"Unsupported defType {def_type!r}")
        if def_type == "lucene":
            return lucene.parse(q, params.get("df", "text"), self.q_op)
        fields = query_fields(params.get("qf") or params.get("df", "text"))
        if def_type == "dismax":
            if q.strip() == "*:*":  # Solr's q.alt for an empty dismax query
                return lucene.MatchAll()
            return lucene.parse_dismax(q, fields, params.get("mm", "100%"))
        parsed = lucene.parse(q, QF_FIELD, self.q_op)
        return spread(parsed, fields, params.get("mm"))


def _refuse_local_params(text: Any) -> None:
    """Solr reads ``{!parser …}`` at the start of ``q`` or ``fq`` as local
    parameters (another query parser), whatever ``defType`` says: refused,
    rather than searched as words."""
    if isinstance(text, str) and text.lstrip().startswith("{!"):
        raise SearchError(tk._(
            "Local parameters ({!…}) are not supported by the PostgreSQL "
            "search backend"))


def _check_facet_field(name: Any) -> None:
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise SearchError(f"Invalid facet field {name!r}")
    field = ckan_schema().field(name)
    if not field.indexed:
        raise SearchError(f"Cannot facet on field {name!r}: it is not indexed")


def _as_list(value: Any) -> list[Any]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _int(value: Any, name: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchError(f"Invalid {name} {value!r}: an integer is expected") from None
    if number > maximum:
        raise SearchError(tk._(
            "The {name} parameter is too large (at most {maximum})"
        ).format(name=name, maximum=maximum))
    return number


def _check_characters(name: str, value: Any) -> None:
    """NUL and lone surrogates (possible in JSON, never in a URL) cannot be
    sent to PostgreSQL."""
    texts = value if isinstance(value, (list, tuple)) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        if "\x00" in text:
            raise SearchError(f"The {name} parameter contains a NUL character")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise SearchError(tk._(
                "The {name} parameter is not valid Unicode"
            ).format(name=name)) from None
