"""Turn a parsed Solr query into a PostgreSQL condition on the index table.

Each field is treated as CKAN's Solr schema declares it (``solr_schema``):
exact strings through a column of the narrow table ``i`` (the fields every
page filters on, the permission labels) or the ``tokens`` GIN index of the
wide table ``d``, analysed text through the French ``tsvector``, dates and
numbers through typed comparisons. Clauses keep Lucene's meaning: MUST, SHOULD
(with ``mm``), MUST_NOT; a clause whose text analyses to nothing (only stop
words) is dropped, as Solr drops it.

Conditions on ``d`` only are written when needed: the two tables are joined
with a LEFT JOIN that PostgreSQL removes when no ``d`` column is used.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from dateutil.relativedelta import relativedelta

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl.text import word

from . import lucene
from .documents import COLUMN_FIELDS, LABELS_FIELD, presence_token, token
from .lucene import (MUST, MUST_NOT, SHOULD, BoolQuery, Exists, MatchAll, Node,
                     QuerySyntaxError, Range, Term)
from .solr_schema import DATE, NGRAM, NUMBER, TEXT, SolrSchema

__all__ = ["Compiled", "Compiler", "TEXT_CONFIG", "MAX_WORD_BYTES", "text_terms",
           "check_words", "solr_date"]

TEXT_CONFIG = "opendatalocale_fr"
# weights of the stored tsvector, in ts_rank's {D, C, B, A} order
RANK_WEIGHTS = "{0.1, 0.4, 0.3, 1.0}"
_FIELD_WEIGHT = {"title": "A", "notes": "B"}
_DATE_COLUMNS = {"metadata_modified", "metadata_created"}
# PostgreSQL leaves out of a tsvector or tsquery any word longer than this
# (with a mere NOTICE): a longer query word would vanish like a stop word and
# its clause match everything
MAX_WORD_BYTES = 2047


class Compiled:
    """A SQL condition with its ``%s`` parameters, in order."""

    def __init__(self, sql: str, params: Optional[list] = None):
        self.sql = sql
        self.params = params or []

    @staticmethod
    def join(parts: list["Compiled"], op: str) -> "Compiled":
        if len(parts) == 1:
            return parts[0]
        return Compiled("(" + f" {op} ".join(p.sql for p in parts) + ")",
                        [x for p in parts for x in p.params])

    def negate(self) -> "Compiled":
        return Compiled(f"NOT COALESCE({self.sql}, false)", self.params)


TRUE = Compiled("true")
FALSE = Compiled("false")


def text_terms(node: Node, schema: SolrSchema) -> set[tuple[str, str]]:
    """The (kind, text) pairs that need PostgreSQL's text analysis."""
    found: set[tuple[str, str]] = set()

    def walk(n: Node) -> None:
        if isinstance(n, BoolQuery):
            for _, child in n.clauses:
                walk(child)
        elif isinstance(n, Term) and schema.field(n.field).kind == TEXT \
                and n.kind in ("term", "phrase"):
            check_words(n.value)
            found.add((n.kind, n.value))
    walk(node)
    return found


def check_words(text: str) -> None:
    """Refuse a text term with a word too long for PostgreSQL's text search
    (every word it would analyse lies inside a run without blanks)."""
    longest = max((len(w.encode("utf-8")) for w in text.split()), default=0)
    if longest > MAX_WORD_BYTES:
        raise QuerySyntaxError(tk._(
            "a word of the query is too long to be searched ({length} bytes, at "
            "most {limit})").format(length=longest, limit=MAX_WORD_BYTES))


class Compiler:
    def __init__(self, schema: SolrSchema, tsqueries: dict[tuple[str, str], str],
                 now: Optional[datetime] = None):
        self.schema = schema
        self.tsqueries = tsqueries
        self.now = now or datetime.now(timezone.utc)
        # tsqueries matched against the stored tsvector, for ranking
        self.rank_queries: list[str] = []

    def compile(self, node: Node) -> Compiled:
        compiled = self._node(node)
        return FALSE if compiled is None else compiled

    # -- dispatch -----------------------------------------------------------
    def _node(self, node: Node) -> Optional[Compiled]:
        if isinstance(node, MatchAll):
            return TRUE
        if isinstance(node, Exists):
            return self._exists(node.field)
        if isinstance(node, BoolQuery):
            return self._bool(node)
        if isinstance(node, Range):
            return self._range(node)
        return self._term(node)

    def _exact(self, node: Node) -> Optional[tuple[str, str]]:
        """(field, value) when a clause is an exact string match: such clauses
        are grouped into one array condition."""
        if isinstance(node, Term) and node.kind in ("term", "phrase"):
            kind = self.schema.field(node.field).kind
            if kind not in (TEXT, NGRAM, DATE, NUMBER):
                return node.field, node.value
        return None

    def _exists(self, field: str) -> Compiled:
        if field in COLUMN_FIELDS:
            return Compiled(f"i.{field} IS NOT NULL")
        if field == LABELS_FIELD:
            return Compiled("cardinality(i.labels) > 0")
        return Compiled("d.tokens @> %s::text[]", [[presence_token(field)]])

    def _equals(self, pairs: list[tuple[str, str]], any_of: bool) -> list[Compiled]:
        """Conditions for exact matches, all required or any one (``any_of``)."""
        tokens, parts = [], []
        by_column: dict[str, list[str]] = {}
        labels: list[str] = []
        for field, value in pairs:
            if field in COLUMN_FIELDS:
                by_column.setdefault(field, []).append(value)
            elif field == LABELS_FIELD:
                labels.append(value)
            else:
                tokens.append(token(field, value))
        for column, values in by_column.items():
            if any_of or len(values) == 1:
                parts.append(Compiled(f"i.{column} = ANY(%s)", [values]))
            else:
                parts.extend(Compiled(f"i.{column} = %s", [v]) for v in values)
        if labels:
            parts.append(_labels_any(labels) if any_of else Compiled(
                "i.labels @> %s::text[]", [labels]))
        if tokens:
            op = "&&" if any_of else "@>"
            parts.append(Compiled(f"d.tokens {op} %s::text[]", [tokens]))
        return parts

    def _bool(self, node: BoolQuery) -> Optional[Compiled]:
        groups: dict[str, list[Node]] = {MUST: [], SHOULD: [], MUST_NOT: []}
        for occur, child in node.clauses:
            groups[occur].append(child)
        musts = self._all_of(groups[MUST])
        nots = [c for c in (self._node(n) for n in groups[MUST_NOT]) if c is not None]
        should_nodes = groups[SHOULD]
        shoulds = [c for c in (self._node(n) for n in should_nodes) if c is not None]
        if musts is None and not shoulds and (groups[MUST] or should_nodes):
            # every positive clause analysed to nothing: the query is empty
            return None
        if node.mm is not None:
            required = lucene.minimum_match(node.mm, len(shoulds))
        else:
            required = 0 if musts is not None else (1 if shoulds else 0)
        if musts is None and not shoulds and not nots:
            return None
        parts: list[Compiled] = []
        if musts is not None:
            parts.append(musts)
        if required:
            parts.append(self._at_least(required, should_nodes, shoulds))
        elif not parts and shoulds:
            parts.append(self._any_of(should_nodes, shoulds))
        if not parts:
            # only prohibited clauses: everything but them (Solr's top level)
            parts.append(TRUE)
        for n in nots:
            parts.append(n.negate())
        return Compiled.join(parts, "AND")

    def _all_of(self, nodes: list[Node]) -> Optional[Compiled]:
        pairs = [p for p in (self._exact(n) for n in nodes) if p]
        parts = self._equals(pairs, any_of=False)
        parts += [c for c in (self._node(n) for n in nodes if not self._exact(n))
                  if c is not None]
        if not parts:
            return None
        return Compiled.join(parts, "AND")

    def _any_of(self, nodes: list[Node], compiled: list[Compiled]) -> Compiled:
        pairs = [p for p in (self._exact(n) for n in nodes) if p is not None]
        if pairs and len(pairs) == len(nodes):
            return Compiled.join(self._equals(pairs, any_of=True), "OR")
        return Compiled.join(compiled, "OR")

    def _at_least(self, required: int, nodes: list[Node],
                  compiled: list[Compiled]) -> Compiled:
        if required >= len(compiled):
            return Compiled.join(compiled, "AND")
        if required == 1:
            return self._any_of(nodes, compiled)
        # k of n: an OR the indexes can use, then the count
        count = Compiled(
            "(" + " + ".join(f"COALESCE({c.sql}, false)::int" for c in compiled)
            + f") >= {int(required)}",
            [x for c in compiled for x in c.params])
        return Compiled.join([Compiled.join(compiled, "OR"), count], "AND")

    # -- terms --------------------------------------------------------------
    def _term(self, node: Term) -> Optional[Compiled]:
        field = self.schema.field(node.field)
        if field.kind == TEXT:
            return self._text(node)
        if field.kind == NGRAM:
            return self._ngram(node)
        if field.kind == DATE:
            if node.kind not in ("term", "phrase"):
                raise QuerySyntaxError(f"wildcards are not allowed on date field {node.field}")
            moment = solr_date(node.value, self.now)
            return self._compare(node.field, DATE, "=", moment)
        if field.kind == NUMBER and node.kind in ("term", "phrase"):
            return self._compare(node.field, NUMBER, "=", _number(node.value))
        if node.kind in ("term", "phrase"):
            return self._equals([(node.field, node.value)], any_of=False)[0]
        pattern = _like_pattern(node)
        if node.field in COLUMN_FIELDS:
            return Compiled(f"i.{node.field} LIKE %s", [pattern])
        return Compiled(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.doc->%s) v "
            "WHERE v LIKE %s)", [node.field, pattern])

    def _text(self, node: Term) -> Optional[Compiled]:
        if node.kind == "wildcard":
            raise QuerySyntaxError(
                f"wildcards other than a final '*' are not supported on text field "
                f"{node.field}")
        if node.kind == "prefix":
            check_words(node.value)
            prefix = word(node.value)
            if not prefix:
                return None
            tsquery = "'" + prefix.replace("'", "''") + "':*"
        else:
            tsquery = self.tsqueries[(node.kind, node.value)]
            if not tsquery:
                return None
        weight = _FIELD_WEIGHT.get(node.field)
        if node.field == "text" or weight:
            if weight:
                tsquery = _restrict_weight(tsquery, weight)
            self.rank_queries.append(tsquery)
            return Compiled("d.tsv @@ %s::tsquery", [tsquery])
        return Compiled(
            f"to_tsvector('{TEXT_CONFIG}', COALESCE((SELECT string_agg(v, ' ') "
            "FROM jsonb_array_elements_text(d.doc->%s) v), '')) @@ %s::tsquery",
            [node.field, tsquery])

    def _ngram(self, node: Term) -> Compiled:
        # Solr's text_ngram fields hold 2- to 10-grams of a copied field: a
        # query word matches a substring of that field, ignoring case
        source = next((s for s, d in self.schema.copy_fields if d == node.field),
                      node.field)
        words = node.value.split()
        if not words:  # Solr's analyser leaves no word: nothing matches
            return FALSE
        pattern = "%" + "%".join(_escape_like(w) for w in words) + "%"
        if source in COLUMN_FIELDS:
            return Compiled(f"i.{source} ILIKE %s", [pattern])
        return Compiled(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.doc->%s) v "
            "WHERE v ILIKE %s)", [source, pattern])

    # -- ranges -------------------------------------------------------------
    def _range(self, node: Range) -> Compiled:
        kind = self.schema.field(node.field).kind
        if kind == DATE:
            convert: Callable = lambda v: solr_date(v, self.now)
        elif kind == NUMBER:
            convert = _number
        else:
            kind, convert = "string", str
        parts = []
        if node.low is not None:
            parts.append(self._compare(node.field, kind, ">=" if node.include_low else ">",
                                       convert(node.low)))
        if node.high is not None:
            parts.append(self._compare(node.field, kind, "<=" if node.include_high else "<",
                                       convert(node.high)))
        if not parts:
            return self._exists(node.field)
        return Compiled.join(parts, "AND")

    def _compare(self, field: str, kind: str, op: str, value) -> Compiled:
        if kind == DATE and field in _DATE_COLUMNS:
            return Compiled(f"i.{field} {op} %s", [value])
        if kind == "string" and field in COLUMN_FIELDS:
            return Compiled(f'i.{field} COLLATE "C" {op} %s', [value])
        if kind == DATE:
            expr = "opendatalocale_search_timestamp(v)"
        elif kind == NUMBER:
            expr = "opendatalocale_search_number(v)"
        else:
            expr = 'v COLLATE "C"'
        return Compiled(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.doc->%s) v "
            f"WHERE {expr} {op} %s)", [field, value])


def _labels_any(labels: list[str]) -> Compiled:
    """Any of the user's permission labels. A dataset carries a few labels, a
    user may carry hundreds (one per organisation): each dataset label is
    looked up in the user's list, which PostgreSQL hashes (``= ANY`` of a
    constant array), instead of comparing every pair."""
    if len(labels) < 9:
        return Compiled("i.labels && %s::text[]", [labels])
    lookups = " OR ".join(f"i.labels[{n}] = ANY(%s)" for n in (1, 2, 3, 4))
    return Compiled(f"({lookups} OR (cardinality(i.labels) > 4 "
                    "AND i.labels && %s::text[]))", [labels] * 5)


# -- values -----------------------------------------------------------------
_DATE_MATH = re.compile(r"([+-]\d+|/)([A-Z]+)")
_UNITS = {"YEAR": "years", "MONTH": "months", "DAY": "days", "DATE": "days",
          "HOUR": "hours", "MINUTE": "minutes", "SECOND": "seconds",
          "MILLI": "microseconds", "MILLISECOND": "microseconds"}


def solr_date(text: str, now: datetime) -> datetime:
    """A Solr date: ``2026-01-01T00:00:00Z`` or date math on ``NOW``
    (``NOW-30DAYS``, ``NOW/DAY+1DAY``…), to the millisecond."""
    text = text.strip().strip('"')
    match = re.match(r"^(NOW|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)(.*)$", text)
    if not match:
        raise QuerySyntaxError(
            f"invalid date {text!r}: expected 2026-01-31T00:00:00Z or NOW, "
            "optionally with date math such as NOW-30DAYS")
    base, math = match.groups()
    if base == "NOW":
        moment = now
    else:
        try:
            moment = datetime.strptime(base.replace("Z", "").split(".")[0],
                                       "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
        except ValueError as e:
            raise QuerySyntaxError(f"invalid date {text!r}: {e}") from None
        if "." in base:
            fraction = base.split(".")[1].rstrip("Z")
            moment = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    position = 0
    for op in _DATE_MATH.finditer(math):
        if op.start() != position:
            break
        position = op.end()
        amount, unit = op.groups()
        unit = unit[:-1] if unit.endswith("S") and unit[:-1] in _UNITS else unit
        if unit not in _UNITS:
            raise QuerySyntaxError(f"unknown date math unit {unit!r} in {text!r}")
        try:
            moment = _shift(moment, amount, unit)
        except (ValueError, OverflowError):
            # NOW-1000000000YEARS: Python dates, like Solr's, have a range
            raise QuerySyntaxError(tk._(
                "date {date} is out of range (years 1 to 9999)").format(date=text)) from None
    if position != len(math):
        raise QuerySyntaxError(f"invalid date math {math!r} in {text!r}")
    # Solr keeps milliseconds, in the index as in the query: the
    # microseconds of CKAN's dates (package_show's) match their indexed value
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _shift(moment: datetime, amount: str, unit: str) -> datetime:
    if amount == "/":
        return _round_down(moment, unit)
    n = int(amount)
    if unit in ("MILLI", "MILLISECOND"):
        return moment + timedelta(milliseconds=n)
    shift: dict[str, Any] = {_UNITS[unit]: n}
    return moment + relativedelta(**shift)


def _round_down(moment: datetime, unit: str) -> datetime:
    fields = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    keep = {"YEAR": 1, "MONTH": 2, "DAY": 3, "DATE": 3, "HOUR": 4, "MINUTE": 5,
            "SECOND": 6, "MILLI": 7, "MILLISECOND": 7}[unit]
    reset: dict[str, Any] = {"month": 1, "day": 1, "hour": 0, "minute": 0,
                             "second": 0, "microsecond": 0}
    return moment.replace(**{f: reset[f] for f in fields[keep:]})


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise QuerySyntaxError(f"{text!r} is not a number") from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(node: Term) -> str:
    if node.kind == "prefix":
        return _escape_like(node.value) + "%"
    out = []
    i, value = 0, node.value
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(_escape_like(value[i + 1])); i += 2; continue
        out.append("%" if c == "*" else "_" if c == "?" else _escape_like(c))
        i += 1
    return "".join(out)


def _restrict_weight(tsquery: str, weight: str) -> str:
    """Match lexemes of one weight only: ``'a' & 'b':*`` → ``'a':A & 'b':*A``."""
    return re.sub(r"('(?:[^']|'')*')(:\*)?",
                  lambda m: m.group(1) + (":*" if m.group(2) else ":") + weight,
                  tsquery)
