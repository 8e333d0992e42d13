"""Bounded search requests: values that used to answer 500, hang, or match
every dataset are refused as Solr's refusals are with CKAN: a SearchError,
409 "Search error" with a French message in the HTTP API, CKAN's notice on
the ``/dataset`` page.

Each test runs its cases in one app (an app per case costs seconds) and
lists every case that went wrong."""
from __future__ import annotations

import json
import re
import time

import pytest

from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories, helpers

from ..conftest import MIGRATED_PLUGINS

URL = "/api/3/action/package_search"


@pytest.fixture(scope="module")
def catalogue(reset_db, migrate_db_for):
    """One dataset, made once: every test here only reads."""
    from ckan import plugins
    plugins.load_all()
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
    org = factories.Organization(name="org-a")
    factories.Dataset(name="budget", title="Budget primitif", owner_org=org["id"],
                      tags=[{"name": "finances"}])
    yield
    plugins.unload_non_system_plugins()


pytestmark = pytest.mark.usefixtures("catalogue")


def refused(app, cases, says, method="get"):
    """The cases (request parameters) that did NOT answer a 409 Search Error
    whose message contains ``says``, with what they answered."""
    wrong = []
    for params in cases:
        if method == "get":
            response = app.get(URL, query_string=params, status=None)
        else:
            response = app.post(URL, json=params, status=None)
        error = response.json.get("error") or {}
        message = error.get("message", "")
        if (response.status_code != 409 or error.get("__type") != "Search Error"
                or not re.search(says, message)):
            wrong.append((params, response.status_code, message[:200]))
    return wrong


def count(app, **params):
    return app.get(URL, query_string=params, status=200).json["result"]["count"]


def page_refused(app, **params):
    """The /dataset page shows CKAN's notice of a failed search, in French,
    and no dataset."""
    body = app.get("/dataset/", query_string=params, status=200).body
    assert 'id="search-error"' in body
    assert "Une erreur est survenue pendant votre recherche" in body
    assert "/dataset/budget" not in body


def refused_by_backend(action, **params):
    """The action raises a SearchError (not a SearchQueryError: CKAN's 400);
    its message."""
    with pytest.raises(SearchError) as error:
        helpers.call_action(action, **params)
    assert not isinstance(error.value, SearchQueryError)
    return str(error.value)


OUT_OF_RANGE_DATES = [
    "metadata_modified:[NOW-1000000000YEARS TO NOW]",
    "metadata_modified:[NOW+10000YEARS TO *]",
    "metadata_created:[NOW-99999999999999999999DAYS TO NOW]",
    "metadata_modified:[* TO NOW-100000000000000MILLIS]",
    "metadata_modified:[9999-12-31T23:59:59Z+1YEAR TO *]",
    'metadata_modified:"NOW/DAY-8000YEARS"',
]


def test_date_math_out_of_range_is_409(app):
    cases = [{param: query} for query in OUT_OF_RANGE_DATES for param in ("q", "fq")]
    assert refused(app, cases, r"hors limites \(années 1 à 9999\)") == []
    page_refused(app, q=OUT_OF_RANGE_DATES[0])
    # far dates inside the range still work
    assert count(app, fq="metadata_modified:[NOW-2000YEARS TO NOW+1000YEARS]") == 1
    assert count(app, fq="metadata_modified:[0001-01-01T00:00:00Z TO *]") == 1


def test_date_math_out_of_range_through_the_action():
    # outside a request, messages are not translated
    assert "out of range" in refused_by_backend("package_search",
                                                fq=OUT_OF_RANGE_DATES[0])


def test_paging_and_counts_beyond_solr_ints_are_409(app):
    """Solr reads them as Java ints and answers 400 above 2 147 483 647: CKAN
    makes a SearchError of it."""
    cases = [{"start": "9223372036854775808"}, {"start": "2147483648"},
             {"facet.limit": "9223372036854775808"},
             {"facet.mincount": "9223372036854775808"}]
    assert refused(app, cases, r"Le paramètre (start|facet\.\w+) est trop grand "
                               r"\(au plus 2147483647\)") == []
    result = app.get(URL, query_string={"start": "2147483647"}).json["result"]
    assert result["count"] == 1 and result["results"] == []
    # CKAN's schema clamps rows to ckan.search.rows_max before the search
    assert count(app, rows="9223372036854775808") == 1
    for param in ("start", "rows"):
        body = app.get(URL, query_string={param: "1e3"}, status=409).json
        assert "Nombre entier invalide" in body["error"][param]
    page_refused(app, page="9223372036854775808")


def test_start_beyond_solr_int_through_the_action():
    assert "start" in refused_by_backend("package_search", start=2**63)


def test_too_many_facet_fields_is_409_at_once(app):
    fields = [f"field_{i}" for i in range(5000)]
    began = time.monotonic()
    assert refused(app, [{"facet.field": json.dumps(fields)}],
                   r"Trop de champs de facettes \(5000, au plus 25\)") == []
    assert time.monotonic() - began < 3
    # the cap: 25 fields answer, 26 do not; repeated fields count once
    cap = ["tags"] + fields[:24]
    body = app.get(URL, query_string={"facet.field": json.dumps(cap)}).json
    assert body["result"]["facets"]["tags"] == {"finances": 1}
    assert refused(app, [{"facet.field": json.dumps(cap + ["one_more"])}],
                   "au plus 25") == []
    body = app.get(URL, query_string={"facet.field": json.dumps(["tags"] * 5000)}).json
    assert body["result"]["facets"] == {"tags": {"finances": 1}}
    # the search page asks for fewer
    app.get("/dataset/", status=200)


def test_invalid_characters_are_409(app):
    """JSON can carry a lone surrogate, which PostgreSQL cannot take; NUL
    neither."""
    surrogates = [{"q": "budget\ud800"}, {"q": "title:budget\udfff"},
                  {"fq": "tags:fin\ud800"}, {"sort": "name\ud800 asc"},
                  {"facet.field": ["tags\ud800"]}]
    assert refused(app, surrogates, r"Le paramètre (q|fq|sort|facet\.field) n'est "
                                    "pas du texte Unicode valide", method="post") == []
    nul = [{"q": "budget\x00"}, {"q": "title:budget\x00"}, {"fq": "tags:fin\x00ances"},
           {"sort": "name\x00 asc"}]
    assert refused(app, nul, "NUL") == []
    page_refused(app, q="budget\x00")
    # over HTTP a URL cannot carry a surrogate: invalid UTF-8 is decoded with
    # replacement characters, and the search runs
    app.get("/dataset/?q=budget%ED%A0%80", status=200)
    app.get(URL + "?q=budget%ED%A0%80&fq=tags:%FF", status=200)


def test_invalid_characters_through_the_action():
    assert "Unicode" in refused_by_backend("package_search", q="budget\ud800")


WORD = "x" * 3000  # PostgreSQL leaves words over 2 047 bytes out of text search


def test_words_too_long_to_search_are_409(app):
    """Such a word used to vanish like a stop word, and its filter matched
    every dataset."""
    cases = [{"fq": f"title:{WORD}"}, {"fq": f"+capacity:public text:{WORD}"},
             {"fq": f'notes:"budget {WORD}"'}, {"q": f"title:{WORD}"},
             {"q": f"title:{WORD}*"},
             {"q": "budget " + "\U0001f600" * 600},  # dismax: 600 characters, 2 400 bytes
             {"fq": "title:" + "é" * 1024}]  # 2 048 bytes
    assert refused(app, cases, "un mot de la requête est trop long pour être "
                               r"recherché \(\d+ octets, au plus 2047\)",
                   method="post") == []
    page_refused(app, q=f"title:{WORD}")
    # at the limit, or on exact-match fields (hashed), it matches nothing
    assert count(app, fq="title:" + "x" * 2047) == 0
    assert count(app, fq=f"tags:{WORD}") == 0
    assert count(app, fq=f'(tags:"{WORD}" OR name:{WORD})') == 0
    body = app.get("/dataset/", query_string={"tags": WORD}, status=200).body
    assert "/dataset/budget" not in body


def test_words_too_long_through_the_action():
    assert "2047" in refused_by_backend("package_search", fq=f"title:{WORD}")


def test_filters_too_long_or_too_complex_are_409(app):
    assert refused(app, [{"fq": "name:x OR " * 10_001}],
                   r"Un filtre est trop long \(\d+ caractères, au plus 100000\)",
                   method="post") == []
    # 20 000 words in one phrase exhaust PostgreSQL's stack
    assert refused(app, [{"fq": 'text:"' + "mot " * 20_000 + '"'}],
                   "La requête est trop complexe pour être exécutée",
                   method="post") == []


def test_a_search_over_its_time_budget_is_stopped(app, ckan_config, monkeypatch):
    """A search running longer than its budget (here 1 ms) is stopped: a 409
    Search Error in the API."""
    monkeypatch.setitem(ckan_config, "ckanext.opendatalocale.search.statement_timeout", 1)
    heavy = " OR ".join(f'notes:"mot{i} autre{i}"' for i in range(1000))
    with pytest.raises(SearchError, match="1 ms"):
        helpers.call_action("package_search", fq=heavy)
    body = app.post(URL, json={"fq": heavy}, status=409).json
    assert body["error"]["message"] == (
        "Search error: 'La recherche a duré plus de 1 ms et a été interrompue'")


def test_organisation_and_home_pages_never_fail(app):
    """The organisation page turns a refused search into its notice; the home
    page builds its own queries."""
    for query in (OUT_OF_RANGE_DATES[0], f"title:{WORD}", "budget\x00"):
        response = app.get("/organization/org-a", query_string={"q": query}, status=None)
        assert response.status_code == 200, (query, response.status_code)
    app.get("/", status=200)
