"""Bad input through the HTTP API: always a 4xx with a message saying what is
wrong, never a 500. As with Solr, what the search backend refuses is a
SearchError (409 "Search error"), a bad sort a SearchQueryError (400), and
what CKAN's own schema refuses a ValidationError (409)."""
from __future__ import annotations

import pytest

from ckan.tests import factories

URL = "/api/3/action/package_search"


@pytest.fixture
def catalogue(clean_db):
    org = factories.Organization(name="org-a")
    factories.Dataset(name="budget", title="Budget primitif", owner_org=org["id"],
                      tags=[{"name": "finances"}])


def get(app, status, **params):
    response = app.get(URL, query_string=params, status=status)
    return response.json


def search_error(app, **params):
    """The answer must be a 409 Search Error (what CKAN answers when Solr
    refuses a request); its message."""
    body = get(app, 409, **params)
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Error"
    return body["error"]["message"]


def sort_error(app, **params):
    """The answer must be a 400 Search Query Error; its message."""
    body = get(app, 400, **params)
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    return body["error"]["message"]


@pytest.mark.usefixtures("catalogue")
class TestSyntaxErrorsAre409:
    @pytest.mark.parametrize("param, value, says", [
        ("q", "title:(budget", "unbalanced parenthesis"),
        ("q", "tags:(a OR (b)", "unbalanced parenthesis"),
        ("q", "title:budget)", "unbalanced parenthesis"),
        ("fq", "tags:(finances", "unbalanced parenthesis"),
        ("fq", "(tags:finances", "unbalanced parenthesis"),
        ("q", 'title:"budget', "unbalanced quote"),
        ("fq", 'tags:"finances', "unbalanced quote"),
        ("q", "title:budget~2", "fuzzy"),
        ("fq", "tags:financ~", "fuzzy"),
        ("q", "title:/bud.et/", "regular expression"),
        ("q", "title:budget AND", "nothing on its right"),
        ("q", "AND title:budget", "nothing on its left"),
        ("q", "title:budget OR", "nothing on its right"),
        ("fq", "NOT", "must be followed by a term"),
        ("q", "b@d:value", "invalid field name"),
        ("fq", "tit$le:x", "invalid field name"),
        ("q", "*:budget", "can only be followed by '*'"),
        ("q", "title:budget^", "boost"),
        ("fq", "metadata_modified:[2026-01-01T00:00:00Z TO", "unclosed range"),
        ("fq", "metadata_modified:[2026-01-01T00:00:00Z 2026-02-01T00:00:00Z]",
         "[low TO high]"),
    ])
    def test_parse_errors(self, app, param, value, says):
        assert says in search_error(app, **{param: value})

    def test_too_long_query(self, app):
        message = search_error(app, q="budget " * 1430)  # 10 010 characters
        assert "too long" in message

    def test_too_many_clauses(self, app):
        message = search_error(app, fq=" OR ".join(f"name:n{i}" for i in range(1100)))
        assert "too many clauses" in message

    def test_too_deep(self, app):
        assert "nested too deeply" in search_error(
            app, q="(" * 60 + "title:x" + ")" * 60)


@pytest.mark.usefixtures("catalogue")
class TestValueErrorsAre409:
    """Values that parse but mean nothing for their field: Solr answers 400,
    which CKAN turns into a SearchError."""

    @pytest.mark.parametrize("fq", [
        "metadata_modified:[2026-13-01T00:00:00Z TO *]",   # no 13th month
        "metadata_modified:[2026-02-30T00:00:00Z TO *]",   # no 30 February
        "metadata_modified:[yesterday TO *]",
        "metadata_modified:[2026-01-01 TO *]",             # Solr needs the time
        "metadata_created:[NOW-1FORTNIGHT TO NOW]",
        "metadata_modified:2026",
        "metadata_modified:[* TO NOW-]",
    ])
    def test_invalid_dates(self, app, fq):
        message = search_error(app, fq=fq)
        assert "date" in message

    @pytest.mark.parametrize("q", ["metadata_created:2026*", "metadata_modified:NOW?"])
    def test_wildcard_on_a_date(self, app, q):
        assert "date" in search_error(app, q=q)

    @pytest.mark.parametrize("q", ["title:bud*et", "title:budge?", "notes:*get"])
    def test_unsupported_wildcards_on_text(self, app, q):
        assert "wildcard" in search_error(app, q=q)

    def test_invalid_minimum_match(self, app):
        assert "minimum match" in search_error(app, q="budget primitif", mm="beaucoup")

    def test_nul_character(self, app):
        """PostgreSQL refuses NUL in text: the search must still answer (no
        match, or a 409), not fail."""
        for params in ({"q": "budget\x00"}, {"q": "title:budget\x00"},
                       {"fq": "tags:fin\x00ances"}):
            response = app.get(URL, query_string=params, status=None)
            assert response.status_code in (200, 409), (params, response.status_code)


@pytest.mark.usefixtures("catalogue")
class TestParameterErrors:
    def test_facet_on_an_invalid_field_name(self, app):
        message = search_error(app, **{"facet.field": '["tags", "a b"]'})
        assert "Invalid facet field" in message

    def test_facet_on_a_stored_only_field(self, app):
        message = search_error(app, **{"facet.field": '["validated_data_dict"]'})
        assert "not indexed" in message

    def test_facet_on_an_unknown_field_is_empty(self, app):
        """Solr's catch-all ``*`` field: a valid name nobody uses facets to
        nothing."""
        body = get(app, 200, **{"facet.field": '["no_such_field", "tags"]'})
        assert body["result"]["facets"] == {"no_such_field": {}, "tags": {"finances": 1}}
        assert body["result"]["search_facets"]["no_such_field"]["items"] == []

    @pytest.mark.parametrize("sort", ["title_string", "name upward", "name asc;",
                                      "title asc", "notes desc", "tags asc"])
    def test_invalid_sort(self, app, sort):
        message = sort_error(app, sort=sort)
        assert 'Invalid "sort" parameter' in message

    def test_unknown_sort_field_is_fine(self, app):
        body = get(app, 200, q="*:*", sort="view_recent desc")
        assert body["result"]["count"] == 1

    def test_negative_start(self, app):
        body = get(app, 409, start=-1)
        assert body["error"]["__type"] == "Validation Error"
        assert "start" in body["error"]

    def test_negative_rows(self, app):
        body = get(app, 409, rows=-5)
        assert "rows" in body["error"]

    def test_non_numeric_rows(self, app):
        body = get(app, 409, rows="beaucoup")
        assert "rows" in body["error"]

    def test_unsupported_def_type(self, app):
        assert "defType" in search_error(app, q="budget", defType="knn")

    def test_local_parameters_refused_by_ckan(self, app):
        body = get(app, 409, q="{!lucene}budget")
        assert "Local parameters" in body["error"]["message"]

    def test_magic_fields_refused_by_ckan(self, app):
        body = get(app, 409, q="_val_:1")
        assert "Magic fields" in body["error"]["message"]

    @pytest.mark.parametrize("param, value", [("bf", "recip(ms(NOW,metadata_modified),1,1,1)"),
                                              ("boost", "2"), ("tie", "0.3")])
    def test_ranking_parameters_documented_by_package_search(self, app, param, value):
        """package_search documents ``qf, wt, bf, boost, tie, defType, mm``:
        parameters that only tune ranking must not fail the search."""
        body = get(app, 200, q="budget", **{param: value})
        assert body["result"]["count"] == 1


# odd inputs not covered above (dates, wildcards and NUL are)
NASTY = [
    "\\", '"', "((", "))", "[", "]", "{", "}", "^", "~", "*", "?", ":", "::", "AND", "OR",
    "NOT", "&&", "||", "!", "-", "+", "title:", ":title", "*:", "a:b:c", "()", "title:()",
    "num_resources:[a TO b]", "é:x", "-*:*", "title:" + "é" * 2500, "x " * 1500,
    "metadata_modified:NOW", "tags:[* TO *]", "name:\\*", "text:*", "%", "100%", "a'b",
    "a;drop table package;--", "$$", "title:$$x$$", "\u2028", "title:\u00a0",
    "name_ngram:\"\"", "title_ngram:%", "extras_x:[1 TO 2]", "res_extras_x:*y",
    "num_resources:5", "num_resources:[1 TO *]", "private:true", "capacity:(public OR",
]


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("param", ["q", "fq"])
def test_never_a_server_error(app, param):
    """Each odd value answers 200 or a 4xx with an error message; the
    assertion lists every value that got a 500."""
    server_errors = []
    for value in NASTY:
        response = app.get(URL, query_string={param: value}, status=None)
        if response.status_code >= 500:
            server_errors.append(value)
        elif response.status_code != 200:
            error = response.json["error"]
            assert error.get("message") or len(error) > 1, (value, error)
    assert server_errors == []
