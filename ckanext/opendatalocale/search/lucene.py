"""A parser for the Solr query syntax that CKAN and its clients send.

It covers the standard ("lucene") parser and the dismax/edismax user syntax:
terms, ``field:value``, quoted phrases, ``field:(a OR b)``, ``+``/``-``/``!``
prefixes, ``AND``/``OR``/``NOT``/``&&``/``||``, parentheses, ranges with
``[ ]``/``{ }`` bounds and ``*``, ``*:*``, ``field:*``, prefix and ``?``
wildcards, and ``^`` boosts. Clause occurrence follows Lucene's own rules
(``QueryParserBase.addClause``), so a query means here what it means in Solr.

Anything else (fuzzy ``~``, regular expressions, local parameters, an
unbalanced parenthesis…) raises :class:`QuerySyntaxError` with the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from typing import Optional, Union

__all__ = [
    "QuerySyntaxError", "Term", "Range", "MatchAll", "Exists", "BoolQuery",
    "Node", "MUST", "SHOULD", "MUST_NOT", "parse", "parse_dismax",
]

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"
MAX_CLAUSES = 1024


class QuerySyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    kind: str = "term"  # term | phrase | prefix | wildcard


@dataclass(frozen=True)
class Range:
    field: str
    low: Optional[str]
    high: Optional[str]
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Exists:
    field: str


@dataclass
class BoolQuery:
    clauses: list[tuple[str, "Node"]] = dc_field(default_factory=list)
    # Solr's ``mm`` spec for the optional clauses, applied once the clauses
    # that analyse to nothing (stop words) are dropped; None: Lucene's rule
    mm: Optional[str] = None


Node = Union[Term, Range, MatchAll, Exists, BoolQuery]

_SPECIAL = set('+-!():^[]"{}~*?\\/')
_WS = " \t\r\n\u3000"


@dataclass
class _Token:
    kind: str
    text: str
    pos: int


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c in _WS:
            i += 1
            continue
        start = i
        if query.startswith("&&", i):
            tokens.append(_Token("AND", "&&", start)); i += 2; continue
        if query.startswith("||", i):
            tokens.append(_Token("OR", "||", start)); i += 2; continue
        if c in "()":
            tokens.append(_Token(c, c, start)); i += 1; continue
        if c in "+-!":
            kind = {"+": "PLUS", "-": "MINUS", "!": "NOT"}[c]
            tokens.append(_Token(kind, c, start)); i += 1; continue
        if c == ":":
            tokens.append(_Token("COLON", c, start)); i += 1; continue
        if c == "^":
            m = re.compile(r"\^(\d+(\.\d+)?)").match(query, i)
            if not m:
                raise QuerySyntaxError(f"a boost '^' at position {i} needs a number")
            tokens.append(_Token("BOOST", m.group(1), start)); i = m.end(); continue
        if c == "~":
            raise QuerySyntaxError(
                f"fuzzy and proximity searches ('~' at position {i}) are not supported")
        if c == "/":
            raise QuerySyntaxError(
                f"regular expressions ('/' at position {i}) are not supported")
        if c == '"':
            j = i + 1
            buf = []
            while j < n and query[j] != '"':
                if query[j] == "\\" and j + 1 < n:
                    buf.append(query[j + 1]); j += 2; continue
                buf.append(query[j]); j += 1
            if j >= n:
                raise QuerySyntaxError(f"unbalanced quote at position {i}")
            tokens.append(_Token("PHRASE", "".join(buf), start)); i = j + 1; continue
        if query.startswith("{!", i):
            raise QuerySyntaxError(
                f"local parameters ('{{!' at position {i}) are not supported")
        if c in "[{":
            j = i + 1
            while j < n and query[j] not in "]}":
                if query[j] == "\\" and j + 1 < n:
                    j += 2; continue
                j += 1
            if j >= n:
                raise QuerySyntaxError(f"unclosed range starting at position {i}")
            tokens.append(_Token("RANGE", query[i:j + 1], start)); i = j + 1; continue
        if c in "]}":
            raise QuerySyntaxError(f"unexpected '{c}' at position {i}")
        # a term: term characters, escapes, and '-'/'+' after the first character
        buf = []
        raw = []
        while i < n:
            c = query[i]
            if c == "\\":
                if i + 1 >= n:
                    raise QuerySyntaxError("a query cannot end with a backslash")
                buf.append("\\" + query[i + 1]); raw.append(query[i:i + 2]); i += 2
                continue
            if c in _WS or c in '():^[]"{}~/' or (c in "!" ):
                break
            if c in "+-" and not buf:
                break
            buf.append(c); raw.append(c); i += 1
        text = "".join(buf)
        if text in ("AND", "OR", "NOT"):
            tokens.append(_Token(text, text, start))
        else:
            tokens.append(_Token("TERM", text, start))
    return tokens


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _term_node(field: str, text: str) -> Node:
    """A bare term: exact, prefix (``abc*``), wildcard or match-any (``*``)."""
    if text == "*":
        return Exists(field)
    unescaped_wild = re.sub(r"\\.", "", text)
    if "*" in unescaped_wild or "?" in unescaped_wild:
        body = text[:-1]
        body_wild = re.sub(r"\\.", "", body)
        if text.endswith("*") and "*" not in body_wild and "?" not in body_wild:
            return Term(field, _unescape(body), "prefix")
        # keep escapes so that the SQL layer can tell literal from wildcard
        return Term(field, text, "wildcard")
    return Term(field, _unescape(text), "term")


def _range_node(field: str, text: str) -> Range:
    include_low = text[0] == "["
    include_high = text[-1] == "]"
    body = text[1:-1].strip()
    parts = re.split(r"\s+TO\s+", body)
    if len(parts) != 2:
        raise QuerySyntaxError(f"a range must read [low TO high], got {text!r}")
    low, high = (p.strip().strip('"') for p in parts)
    if not low or not high:
        raise QuerySyntaxError(f"a range must read [low TO high], got {text!r}")
    return Range(field,
                 None if low == "*" else _unescape(low),
                 None if high == "*" else _unescape(high),
                 include_low, include_high)


class _Parser:
    """Recursive descent over the token list, Lucene's classic grammar:

        Query  := ( [Conj] [Mod] Clause )*
        Clause := [TERM ':'] ( TERM | PHRASE | RANGE | '(' Query ')' ) [BOOST]
    """

    def __init__(self, tokens: list[_Token], default_field: str,
                 default_operator: str, allow_fields: bool):
        self.tokens = tokens
        self.i = 0
        self.default_field = default_field
        self.and_default = default_operator.upper() == "AND"
        self.allow_fields = allow_fields
        self.clause_count = 0

    def peek(self, offset: int = 0) -> Optional[_Token]:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse_query(self, field: str, depth: int = 0) -> BoolQuery:
        if depth > 50:
            raise QuerySyntaxError("parentheses are nested too deeply")
        query = BoolQuery()
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                break
            conj = None
            if tok.kind in ("AND", "OR"):
                if not query.clauses:
                    raise QuerySyntaxError(
                        f"'{tok.text}' at position {tok.pos} has nothing on its left")
                conj = self.take().kind
                tok = self.peek()
                if tok is None or tok.kind == ")":
                    raise QuerySyntaxError(
                        f"'{conj}' at the end of the query has nothing on its right")
            mod = None
            if tok.kind in ("PLUS", "MINUS", "NOT"):
                mod = "REQ" if self.take().kind == "PLUS" else "NOT"
                tok = self.peek()
                if tok is None or tok.kind in (")", "AND", "OR", "PLUS", "MINUS", "NOT"):
                    raise QuerySyntaxError(
                        "an operator must be followed by a term or a group")
            node = self.parse_clause(field, depth)
            self.add_clause(query, conj, mod, node)
        return query

    def add_clause(self, query: BoolQuery, conj: Optional[str], mod: Optional[str],
                   node: Node) -> None:
        clauses = query.clauses
        if clauses and conj == "AND":
            occur, prev = clauses[-1]
            if occur != MUST_NOT:
                clauses[-1] = (MUST, prev)
        if clauses and self.and_default and conj == "OR":
            occur, prev = clauses[-1]
            if occur != MUST_NOT:
                clauses[-1] = (SHOULD, prev)
        prohibited = mod == "NOT"
        if not self.and_default:
            required = mod == "REQ" or (conj == "AND" and not prohibited)
        else:
            required = not prohibited and conj != "OR"
        if prohibited:
            occur = MUST_NOT
        elif required:
            occur = MUST
        else:
            occur = SHOULD
        self.clause_count += 1
        if self.clause_count > MAX_CLAUSES:
            raise QuerySyntaxError(f"too many clauses (more than {MAX_CLAUSES})")
        clauses.append((occur, node))

    def parse_clause(self, field: str, depth: int) -> Node:
        tok, after = self.peek(), self.peek(1)
        if (tok is not None and tok.kind == "TERM" and after is not None
                and after.kind == "COLON"):
            name = _unescape(self.take().text)
            self.take()  # ':'
            if not self.allow_fields:
                raise QuerySyntaxError("fielded search is not allowed here")
            if name != "*" and not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
                raise QuerySyntaxError(f"invalid field name {name!r}")
            if self.peek() is None:
                raise QuerySyntaxError(f"'{name}:' is missing its value")
            if name == "*":
                nxt = self.take()
                if nxt.kind == "TERM" and nxt.text == "*":
                    node: Node = MatchAll()
                    self.skip_boost()
                    return node
                raise QuerySyntaxError("'*:' can only be followed by '*'")
            return self.parse_value(name, depth)
        return self.parse_value(field, depth)

    def parse_value(self, field: str, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "(":
            inner = self.parse_query(field, depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(f"unbalanced parenthesis at position {tok.pos}")
            if not inner.clauses:
                raise QuerySyntaxError(f"empty parentheses at position {tok.pos}")
            self.take()
            node: Node = inner
        elif tok.kind == "TERM":
            node = _term_node(field, tok.text)
        elif tok.kind == "PHRASE":
            node = Term(field, tok.text, "phrase")
        elif tok.kind == "RANGE":
            node = _range_node(field, tok.text)
        elif tok.kind == "COLON":
            raise QuerySyntaxError(f"unexpected ':' at position {tok.pos}")
        elif tok.kind == ")":
            raise QuerySyntaxError(f"unbalanced parenthesis at position {tok.pos}")
        else:
            raise QuerySyntaxError(f"unexpected '{tok.text}' at position {tok.pos}")
        self.skip_boost()
        return node

    def skip_boost(self) -> None:
        # a boost changes ranking only, never which documents match
        tok = self.peek()
        if tok is not None and tok.kind == "BOOST":
            self.take()


def parse(query: str, default_field: str = "text",
          default_operator: str = "OR") -> Node:
    """Parse a query in the standard (lucene) syntax."""
    tokens = _tokenize(query)
    parser = _Parser(tokens, default_field, default_operator, allow_fields=True)
    result = parser.parse_query(default_field)
    left = parser.peek()
    if left is not None:
        raise QuerySyntaxError(f"unbalanced parenthesis at position {left.pos}")
    return _simplify(result)


def parse_dismax(query: str, fields: list[str], mm: str = "100%") -> Node:
    """Parse the dismax user syntax: terms and phrases searched in every
    field of ``fields`` (a term matches if it matches one of them), ``+``/``-``
    and AND/OR; other special characters are taken as text, as Solr does."""
    cleaned = re.sub(r'[():^\[\]{}~*?\\/!]', " ", query)
    tokens = [t for t in _tokenize(cleaned) if t.kind != "COLON"]
    parser = _Parser(tokens, "\x00", "OR", allow_fields=False)
    parsed = parser.parse_query("\x00")

    def spread(node: Node) -> Node:
        if isinstance(node, Term):
            if len(fields) == 1:
                return Term(fields[0], node.value, node.kind)
            return BoolQuery([(SHOULD, Term(f, node.value, node.kind)) for f in fields])
        if isinstance(node, BoolQuery):
            return BoolQuery([(o, spread(c)) for o, c in node.clauses], node.mm)
        return node

    spread_query = spread(parsed)
    assert isinstance(spread_query, BoolQuery)
    spread_query.mm = mm
    return spread_query


def minimum_match(spec: str, optional_clauses: int) -> int:
    """Solr's ``mm`` for ``optional_clauses`` SHOULD clauses, e.g. ``2<-1 5<80%``:
    up to 2 clauses all are required, 3 to 5 all but one, more 80 %."""
    spec = (spec or "100%").strip()
    result = optional_clauses
    conditions = re.findall(r"(\d+)<(-?\d+%?)", spec)
    if conditions:
        result = optional_clauses
        for threshold, value in conditions:
            if optional_clauses > int(threshold):
                result = _mm_value(value, optional_clauses)
        return max(0, min(optional_clauses, result))
    return max(0, min(optional_clauses, _mm_value(spec, optional_clauses)))


def _mm_value(value: str, n: int) -> int:
    try:
        if value.endswith("%"):
            pct = int(value[:-1])
            count = int(n * abs(pct) / 100)
            return n - count if pct < 0 else count
        number = int(value)
    except ValueError:
        raise QuerySyntaxError(f"invalid minimum match value {value!r}") from None
    return n + number if number < 0 else number


def _simplify(node: Node) -> Node:
    """Unwrap single-clause groups, the way Lucene rewrites them."""
    if isinstance(node, BoolQuery):
        clauses = [(o, _simplify(c)) for o, c in node.clauses]
        if len(clauses) == 1 and clauses[0][0] in (MUST, SHOULD) and node.mm is None:
            return clauses[0][1]
        return BoolQuery(clauses, node.mm)
    return node
