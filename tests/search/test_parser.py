"""Unit tests of the query parser (``lucene``) and of Solr date parsing
(``compiler.solr_date``): no database, no CKAN action.

Expected trees follow Lucene's classic ``QueryParser`` (``addClause``), which
Solr's standard parser uses: an ``AND`` makes both neighbours required, an
``OR`` under ``q.op=AND`` makes its left neighbour optional again, ``+`` is
required, ``-``/``!``/``NOT`` prohibited.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ckanext.opendatalocale.search import lucene
from ckanext.opendatalocale.search.compiler import solr_date
from ckanext.opendatalocale.search.lucene import (
    MUST, MUST_NOT, SHOULD, BoolQuery, Exists, MatchAll, QuerySyntaxError,
    Range, Term, minimum_match, parse, parse_dismax)


@pytest.fixture
def suite_plugins():
    """Pure unit tests: no need for the suite's plugin (re)loading, which
    costs 0.2 s per test."""


def shape(node):
    """A compact, comparable form of a parsed query."""
    if isinstance(node, BoolQuery):
        out = [(occur, shape(child)) for occur, child in node.clauses]
        return (out, node.mm) if node.mm is not None else out
    if isinstance(node, Term):
        suffix = "" if node.kind == "term" else f"~{node.kind}"
        return f"{node.field}:{node.value}{suffix}"
    return node


# -- occurrence rules ----------------------------------------------------------
@pytest.mark.parametrize("query, op, expected", [
    # default operator
    ("a b", "OR", [(SHOULD, "text:a"), (SHOULD, "text:b")]),
    ("a b", "AND", [(MUST, "text:a"), (MUST, "text:b")]),
    # explicit AND / OR whatever the default
    ("a AND b", "OR", [(MUST, "text:a"), (MUST, "text:b")]),
    ("a AND b", "AND", [(MUST, "text:a"), (MUST, "text:b")]),
    ("a OR b", "OR", [(SHOULD, "text:a"), (SHOULD, "text:b")]),
    ("a OR b", "AND", [(SHOULD, "text:a"), (SHOULD, "text:b")]),
    ("a && b", "OR", [(MUST, "text:a"), (MUST, "text:b")]),
    ("a || b", "AND", [(SHOULD, "text:a"), (SHOULD, "text:b")]),
    # no real precedence in the classic parser: AND binds its neighbours
    ("a OR b AND c", "OR", [(SHOULD, "text:a"), (MUST, "text:b"), (MUST, "text:c")]),
    ("a OR b AND c", "AND", [(SHOULD, "text:a"), (MUST, "text:b"), (MUST, "text:c")]),
    ("a AND b OR c", "OR", [(MUST, "text:a"), (MUST, "text:b"), (SHOULD, "text:c")]),
    # q.op=AND: the OR makes its left neighbour optional again (Lucene quirk)
    ("a AND b OR c", "AND", [(MUST, "text:a"), (SHOULD, "text:b"), (SHOULD, "text:c")]),
    # prefixes
    ("+a -b c", "OR", [(MUST, "text:a"), (MUST_NOT, "text:b"), (SHOULD, "text:c")]),
    ("+a -b c", "AND", [(MUST, "text:a"), (MUST_NOT, "text:b"), (MUST, "text:c")]),
    ("a +b", "OR", [(SHOULD, "text:a"), (MUST, "text:b")]),
    ("a NOT b", "OR", [(SHOULD, "text:a"), (MUST_NOT, "text:b")]),
    ("a NOT b", "AND", [(MUST, "text:a"), (MUST_NOT, "text:b")]),
    ("a AND NOT b", "OR", [(MUST, "text:a"), (MUST_NOT, "text:b")]),
    ("a AND -b", "OR", [(MUST, "text:a"), (MUST_NOT, "text:b")]),
    ("a !b", "OR", [(SHOULD, "text:a"), (MUST_NOT, "text:b")]),
    ("NOT a", "OR", [(MUST_NOT, "text:a")]),
    ("-a", "AND", [(MUST_NOT, "text:a")]),
    ("!a", "OR", [(MUST_NOT, "text:a")]),
    # a prohibited clause stays prohibited when an OR follows it
    ("-a OR b", "AND", [(MUST_NOT, "text:a"), (SHOULD, "text:b")]),
    # groups
    ("a AND (b OR c)", "AND",
     [(MUST, "text:a"), (MUST, [(SHOULD, "text:b"), (SHOULD, "text:c")])]),
    ("(a OR b) AND c", "OR",
     [(MUST, [(SHOULD, "text:a"), (SHOULD, "text:b")]), (MUST, "text:c")]),
    ("a (b c)", "AND", [(MUST, "text:a"), (MUST, [(MUST, "text:b"), (MUST, "text:c")])]),
    ("-(a b)", "OR", [(MUST_NOT, [(SHOULD, "text:a"), (SHOULD, "text:b")])]),
])
def test_occurrence_rules(query, op, expected):
    assert shape(parse(query, "text", op)) == expected


def test_default_field_is_used_for_bare_terms():
    assert shape(parse("a", "notes")) == "notes:a"


def test_single_clause_groups_are_unwrapped():
    assert parse("((a))") == Term("text", "a")
    assert parse("+a") == Term("text", "a")


def test_ckanext_hierarchy_query():
    tree = parse("conseil AND (organization:org-a OR organization:org-b)", "text", "AND")
    assert shape(tree) == [
        (MUST, "text:conseil"),
        (MUST, [(SHOULD, "organization:org-a"), (SHOULD, "organization:org-b")]),
    ]


def test_what_ckan_search_page_sends():
    tree = parse('+capacity:public +state:(active) +dataset_type:dataset '
                 'tags:"open data" res_format:"CSV"', "text", "AND")
    assert shape(tree) == [
        (MUST, "capacity:public"), (MUST, "state:active"),
        (MUST, "dataset_type:dataset"), (MUST, "tags:open data~phrase"),
        (MUST, "res_format:CSV~phrase"),
    ]


# -- values ------------------------------------------------------------------
def test_fielded_group_applies_the_field_to_each_value():
    assert shape(parse("tags:(economy OR \"open data\")")) == [
        (SHOULD, "tags:economy"), (SHOULD, "tags:open data~phrase")]
    assert shape(parse("tags:(+a -b)")) == [(MUST, "tags:a"), (MUST_NOT, "tags:b")]


@pytest.mark.parametrize("query, expected", [
    ('title:"a \\"b\\" c"', Term("title", 'a "b" c', "phrase")),
    ('name:"a\\\\b"', Term("name", "a\\b", "phrase")),
    ('owner_org:"1a2b-3c"', Term("owner_org", "1a2b-3c", "phrase")),
    ('"conseil municipal"', Term("text", "conseil municipal", "phrase")),
    ('tags:"a:b (c)"', Term("tags", "a:b (c)", "phrase")),
])
def test_quoted_values_and_escapes(query, expected):
    assert parse(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("name:a\\:b", Term("name", "a:b")),
    ("tags:open\\ data", Term("tags", "open data")),
    ("name:commune-35238", Term("name", "commune-35238")),
    ("a-b", Term("text", "a-b")),
    ("name:a\\*", Term("name", "a*")),
    ("name:\\(x\\)", Term("name", "(x)")),
])
def test_escaped_and_hyphenated_terms(query, expected):
    assert parse(query) == expected


def test_field_name_may_be_followed_by_spaces():
    assert parse("title: budget") == Term("title", "budget")


@pytest.mark.parametrize("query, expected", [
    ("num:[1 TO 5]", Range("num", "1", "5", True, True)),
    ("num:{1 TO 5}", Range("num", "1", "5", False, False)),
    ("num:[1 TO 5}", Range("num", "1", "5", True, False)),
    ("num:{1 TO 5]", Range("num", "1", "5", False, True)),
    ("num:[* TO 5]", Range("num", None, "5", True, True)),
    ("num:[1 TO *]", Range("num", "1", None, True, True)),
    ("num:[* TO *]", Range("num", None, None, True, True)),
    ("metadata_modified:[2026-01-01T00:00:00Z TO *]",
     Range("metadata_modified", "2026-01-01T00:00:00Z", None, True, True)),
    ("metadata_modified:[NOW-1DAY TO NOW]",
     Range("metadata_modified", "NOW-1DAY", "NOW", True, True)),
    ("metadata_modified:[NOW/DAY-7DAYS TO NOW/DAY+1DAY}",
     Range("metadata_modified", "NOW/DAY-7DAYS", "NOW/DAY+1DAY", True, False)),
    ('name:["a" TO "c"]', Range("name", "a", "c", True, True)),
])
def test_ranges(query, expected):
    assert parse(query) == expected


def test_ranges_combine_with_other_clauses():
    assert shape(parse("-dataset_type:harvest metadata_modified:[NOW-1DAY TO NOW]",
                       "text", "AND")) == [
        (MUST_NOT, "dataset_type:harvest"),
        (MUST, Range("metadata_modified", "NOW-1DAY", "NOW", True, True)),
    ]


@pytest.mark.parametrize("query, expected", [
    ("*:*", MatchAll()),
    ("title:*", Exists("title")),
    ("extras_theme:*", Exists("extras_theme")),
    ("budg*", Term("text", "budg", "prefix")),
    ("title:Budg*", Term("title", "Budg", "prefix")),
    ("name:commune-35*", Term("name", "commune-35", "prefix")),
    ("name:te?t", Term("name", "te?t", "wildcard")),
    ("name:a*b", Term("name", "a*b", "wildcard")),
])
def test_match_all_exists_prefix_wildcard(query, expected):
    assert parse(query) == expected


def test_match_all_with_filters():
    assert shape(parse("*:* -tags:x")) == [(SHOULD, MatchAll()), (MUST_NOT, "tags:x")]


@pytest.mark.parametrize("boosted, plain", [
    ("title:budget^4", "title:budget"),
    ("budget^0.5 conseil", "budget conseil"),
    ("(a OR b)^2 AND c", "(a OR b) AND c"),
    ('"conseil municipal"^3', '"conseil municipal"'),
    ("*:*^2", "*:*"),
])
def test_boosts_change_nothing_but_ranking(boosted, plain):
    assert parse(boosted) == parse(plain)


# -- syntax errors -------------------------------------------------------------
@pytest.mark.parametrize("query, reason", [
    ("title:(budget", "unbalanced parenthesis"),
    ("(a OR b", "unbalanced parenthesis"),
    ("a OR b)", "unbalanced parenthesis"),
    ("title:(a OR (b)", "unbalanced parenthesis"),
    ("a) OR (b", "unbalanced parenthesis"),
    ('title:"budget', "unbalanced quote"),
    ('"a" "b', "unbalanced quote"),
    ("budget~", "fuzzy"),
    ("budget~2", "fuzzy"),
    ('"conseil municipal"~3', "proximity"),
    ("title:/bud.et/", "regular expression"),
    ("/x/", "regular expression"),
    ("AND budget", "nothing on its left"),
    ("OR budget", "nothing on its left"),
    ("budget AND", "nothing on its right"),
    ("budget OR", "nothing on its right"),
    ("budget AND )", "nothing on its right"),
    ("a && ", "nothing on its right"),
    ("NOT", "must be followed by a term"),
    ("budget NOT", "must be followed by a term"),
    ("+", "must be followed by a term"),
    ("- budget AND", "nothing on its right"),
    ("a - ", "must be followed by a term"),
    ("+-a", "must be followed by a term"),
    ("b@d:x", "invalid field name"),
    ("é:x", "invalid field name"),
    ("ti$tle:x", "invalid field name"),
    ("title:", "missing its value"),
    ("*:budget", "'*:' can only be followed by '*'"),
    (":budget", "unexpected ':'"),
    ("a:b:c", "unexpected ':'"),
    ("num:[1 TO 5", "unclosed range"),
    ("num:1 TO 5]", "unexpected ']'"),
    ("num:[1 5]", "[low TO high]"),
    ("num:[ TO 5]", "[low TO high]"),
    ("budget^", "boost"),
    ("budget^x", "boost"),
    ("budget\\", "backslash"),
])
def test_syntax_errors_say_why(query, reason):
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert reason in str(err.value)


def test_empty_group_is_a_syntax_error():
    """Lucene's grammar needs at least one clause between parentheses
    (Solr answers 400 to ``tags:()``)."""
    with pytest.raises(QuerySyntaxError):
        parse("tags:()")
    with pytest.raises(QuerySyntaxError):
        parse("a AND ()")


def test_too_deeply_nested_parentheses_are_refused():
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse("(" * 60 + "a" + ")" * 60)
    assert parse("(" * 20 + "a" + ")" * 20) == Term("text", "a")


def test_too_many_clauses_are_refused():
    """Solr's default maxBooleanClauses is 1024."""
    parse(" OR ".join(f"name:n{i}" for i in range(1024)))
    with pytest.raises(QuerySyntaxError, match="too many clauses"):
        parse(" OR ".join(f"name:n{i}" for i in range(1025)))


def test_syntax_errors_are_value_errors():
    assert issubclass(QuerySyntaxError, ValueError)


# -- dismax --------------------------------------------------------------------
def test_dismax_terms_are_searched_in_every_query_field():
    tree = parse_dismax("conseil", ["title", "notes"], "100%")
    assert shape(tree) == (
        [(SHOULD, [(SHOULD, "title:conseil"), (SHOULD, "notes:conseil")])], "100%")


def test_dismax_keeps_phrases_and_plus_minus():
    tree = parse_dismax('+conseil -budget "séance publique" vote', ["text"], "2<-1 5<80%")
    assert shape(tree) == ([
        (MUST, "text:conseil"), (MUST_NOT, "text:budget"),
        (SHOULD, "text:séance publique~phrase"), (SHOULD, "text:vote"),
    ], "2<-1 5<80%")


@pytest.mark.parametrize("query", [
    "title:(budget", "budget~2", "a:b:c", "/x/", "budg* ^3", "[a TO b", "{!lucene}x",
    "a\\", "(((",
])
def test_dismax_takes_special_characters_as_text(query):
    """Solr's dismax escapes the Lucene syntax of the user query: it never
    raises a syntax error."""
    tree = parse_dismax(query, ["text"], "100%")
    assert isinstance(tree, BoolQuery)
    for _occur, child in tree.clauses:
        assert isinstance(child, Term) and child.kind in ("term", "phrase")
        assert not set(child.value) & set(":()~/[]{}^*\\!")


def test_dismax_does_not_allow_fields():
    tree = parse_dismax("title:budget", ["text"], "100%")
    assert shape(tree) == ([(SHOULD, "text:title"), (SHOULD, "text:budget")], "100%")


# -- minimum match -------------------------------------------------------------
@pytest.mark.parametrize("spec, clauses, expected", [
    # CKAN's default: up to 2 words all, 3 to 5 all but one, more: 80 %
    ("2<-1 5<80%", 1, 1), ("2<-1 5<80%", 2, 2), ("2<-1 5<80%", 3, 2),
    ("2<-1 5<80%", 4, 3), ("2<-1 5<80%", 5, 4), ("2<-1 5<80%", 6, 4),
    ("2<-1 5<80%", 10, 8), ("2<-1 5<80%", 11, 8),
    ("100%", 4, 4), ("0%", 4, 0), ("1", 4, 1), ("3", 2, 2), ("-1", 4, 3),
    ("-1", 1, 0), ("75%", 4, 3), ("75%", 3, 2), ("-25%", 4, 3), ("-25%", 3, 3),
    ("-25%", 5, 4), ("2<50%", 2, 2), ("2<50%", 5, 2), ("0", 3, 0),
    ("2<-1 5<80%", 0, 0),
])
def test_minimum_match(spec, clauses, expected):
    assert minimum_match(spec, clauses) == expected


def test_minimum_match_rejects_garbage():
    with pytest.raises(QuerySyntaxError):
        minimum_match("abc", 3)


# -- dates ---------------------------------------------------------------------
NOW = datetime(2026, 3, 15, 10, 30, 45, 123456, tzinfo=timezone.utc)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("NOW", utc(2026, 3, 15, 10, 30, 45, 123000)),  # Solr: milliseconds
    ("NOW-1DAY", utc(2026, 3, 14, 10, 30, 45, 123000)),
    ("NOW-30DAYS", utc(2026, 2, 13, 10, 30, 45, 123000)),
    ("NOW/DAY", utc(2026, 3, 15)),
    ("NOW/DAY+1DAY", utc(2026, 3, 16)),
    ("NOW/MONTH", utc(2026, 3, 1)),
    ("NOW/YEAR", utc(2026, 1, 1)),
    ("NOW-1YEAR", utc(2025, 3, 15, 10, 30, 45, 123000)),
    ("NOW-2HOURS", utc(2026, 3, 15, 8, 30, 45, 123000)),
    ("NOW-5MINUTES", utc(2026, 3, 15, 10, 25, 45, 123000)),
    ("NOW+6MONTHS+3DAYS/DAY", utc(2026, 9, 18)),
    ("2026-01-31T00:00:00Z", utc(2026, 1, 31)),
    ("2026-01-31T12:34:56.5Z", utc(2026, 1, 31, 12, 34, 56, 500000)),
    ("2026-01-31T12:34:56.123456789Z", utc(2026, 1, 31, 12, 34, 56, 123000)),
    ("2026-01-31T00:00:00Z+1MONTH", utc(2026, 2, 28)),
    ('"2026-01-31T00:00:00Z"', utc(2026, 1, 31)),
])
def test_solr_date(text, expected):
    assert solr_date(text, NOW) == expected


@pytest.mark.parametrize("text", [
    "2026-01-31",            # Solr needs the time and the Z
    "2026-01-31T00:00:00",   # no Z
    "yesterday",
    "now",
    "NOW-1",
    "NOW-1FOO",
    "NOW-1DAYx",
    "2026-13-01T00:00:00Z",  # no 13th month
    "2026-02-30T00:00:00Z",  # no 30 February
    "2026-01-01T25:00:00Z",
])
def test_invalid_solr_dates_are_syntax_errors(text):
    with pytest.raises(QuerySyntaxError):
        solr_date(text, NOW)


def test_parse_result_types():
    assert isinstance(lucene.parse("a b"), BoolQuery)
    assert lucene.parse("*:*") == MatchAll()
