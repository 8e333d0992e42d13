"""CKAN's search contract as CKAN 2.11.6 keeps it with Solr: dates at Solr's
precision and format, query errors answered as Solr's errors are, pysolr's
``decode_dates``, and local parameters refused in words that say so."""
from __future__ import annotations

import datetime

import pytest

import ckan.lib.search.common as search_common
from ckan.lib.search.common import SearchError
from ckan.tests import factories, helpers

from .conftest import execute, package_search, set_dates

URL = "/api/3/action/package_search"


# microseconds that Solr's milliseconds drop
MODIFIED = datetime.datetime(2026, 3, 1, 8, 30, 5, 782257)


@pytest.fixture
def dataset(clean_db):
    org = factories.Organization(name="org-a")
    dataset = factories.Dataset(name="budget", title="Budget primitif", owner_org=org["id"],
                                extras=[{"key": "adoption_date",
                                         "value": "2019-10-10T01:15:00.123456+02:00"}])
    set_dates(dataset["id"], modified=MODIFIED)
    return dataset


def stored(name: str, fields: str) -> dict:
    conn = search_common.make_connection(decode_dates=False)
    return conn.search(f'name:"{name}"', fl=fields).docs[0]


class TestDatesAtSolrPrecision:
    def test_stored_as_solr_returns_them(self, dataset):
        """Milliseconds and ``Z``, as Solr's date fields give them back
        (CKAN sends microseconds; a ``*_date`` extra comes with its offset)."""
        doc = stored("budget", "metadata_modified metadata_created adoption_date")
        assert doc["metadata_modified"] == "2026-03-01T08:30:05.782Z"
        assert doc["adoption_date"] == "2019-10-09T23:15:00.123Z"

    def test_whole_seconds_have_no_fraction(self, dataset):
        set_dates(dataset["id"], modified=datetime.datetime(2026, 3, 1, 8, 30, 5))
        assert stored("budget", "metadata_modified")["metadata_modified"] == \
            "2026-03-01T08:30:05Z"

    def test_a_dataset_found_by_its_own_date(self, dataset):
        """The value the user has (package_show's, to the microsecond) finds
        the dataset whichever bound it is, as with Solr: both sides are
        kept to the millisecond."""
        moment = helpers.call_action("package_show", id="budget")["metadata_modified"]
        assert moment == "2026-03-01T08:30:05.782257"
        value = moment + "Z"
        for fq in (f"metadata_modified:[* TO {value}]",
                   f"metadata_modified:[{value} TO *]",
                   f'metadata_modified:"{value}"',
                   f"metadata_modified:[{value} TO {value}]"):
            assert package_search(fq=fq)["count"] == 1, fq
        # exclusive bounds leave out the millisecond itself, as Solr does
        for fq in (f"metadata_modified:{{* TO {value}}}",
                   f"metadata_modified:{{{value} TO *]"):
            assert package_search(fq=fq)["count"] == 0, fq

    def test_other_date_fields_too(self, dataset):
        assert package_search(
            fq="adoption_date:[* TO 2019-10-09T23:15:00.123999Z]")["count"] == 1
        assert package_search(
            fq="adoption_date:{2019-10-09T23:15:00.123999Z TO *]")["count"] == 0


def test_rows_indexed_before_are_migrated(dataset, migrate_db_for):
    """Rows written with CKAN's microseconds and offsets (before the dates
    were kept as Solr keeps them) are rewritten by the migration: no reindex
    is needed for the dataset's own date to find it."""
    shown = helpers.call_action("package_show", id="budget")["metadata_modified"]
    execute("UPDATE opendatalocale_search_index SET metadata_modified = :d",
            d=shown + "Z")
    execute("UPDATE opendatalocale_search_document SET doc = doc || "
            "jsonb_build_object('metadata_modified', jsonb_build_array(CAST(:d AS text)), "
            "'adoption_date', jsonb_build_array('2019-10-10T01:15:00.123456+02:00'))",
            d=shown + "Z")
    fq = f"metadata_modified:[* TO {shown}Z]"
    assert package_search(fq=fq)["count"] == 0  # the old row: 12.782257 > 12.782
    migrate_db_for("opendatalocale_search", "5d3a1f0c2b7e", forward=False)
    migrate_db_for("opendatalocale_search")
    assert package_search(fq=fq)["count"] == 1
    doc = stored("budget", "metadata_modified adoption_date")
    assert doc == {"metadata_modified": shown[:23] + "Z",
                   "adoption_date": "2019-10-09T23:15:00.123Z"}


class TestDecodeDates:
    """CKAN's ``make_connection()`` gives pysolr CKAN's date decoder
    (``solr_datetime_decoder``), ``decode_dates=False`` none."""

    def test_dates_decoded_by_default(self, dataset):
        doc = search_common.make_connection().search(
            'name:"budget"', fl="metadata_modified adoption_date name").docs[0]
        assert isinstance(doc["metadata_modified"], datetime.datetime)
        assert doc["adoption_date"] == datetime.datetime(2019, 10, 9, 23, 15, 0)
        assert doc["name"] == "budget"

    def test_dates_left_as_text_without(self, dataset):
        doc = stored("budget", "metadata_modified adoption_date")
        assert isinstance(doc["metadata_modified"], str)
        assert doc["adoption_date"] == "2019-10-09T23:15:00.123Z"


class TestQueryErrorsAsWithSolr:
    """With Solr, CKAN turns Solr's refusal of a query into ``SearchError``:
    the API answers 409 "Search error", the search page its notice."""

    @pytest.mark.parametrize("params, says", [
        ({"q": "--included"}, "must be followed by a term"),
        ({"q": "title:(budget"}, "unbalanced parenthesis"),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "invalid date"),
    ])
    def test_api_answers_409_search_error(self, app, dataset, params, says):
        body = app.get(URL, query_string=params, status=409).json
        assert body["success"] is False
        assert body["error"]["__type"] == "Search Error"
        assert says in body["error"]["message"]

    def test_through_the_action(self, dataset):
        with pytest.raises(SearchError, match="must be followed by a term"):
            helpers.call_action("package_search", q="--included")

    def test_search_page_shows_ckan_notice(self, app, dataset):
        body = app.get("/dataset/", query_string={"q": "--included"}, status=200).body
        assert 'id="search-error"' in body
        assert "Une erreur est survenue pendant votre recherche" in body
        assert "/dataset/budget" not in body
        # the same page without the error lists the dataset
        assert "/dataset/budget" in app.get("/dataset/", status=200).body

    def test_a_bad_sort_stays_a_400(self, app, dataset):
        """CKAN makes a ``SearchQueryError`` of Solr's sort errors."""
        body = app.get(URL, query_string={"sort": "name upward"}, status=400).json
        assert body["error"]["__type"] == "Search Query Error"


class TestLocalParameters:
    @pytest.mark.parametrize("params", [{"q": "{!lucene}budget"},
                                        {"q": "  {!bool must=budget}"},
                                        {"q": "*:*", "fq": "{!lucene q.op=AND}budget"}])
    def test_refused_by_the_backend(self, dataset, params):
        conn = search_common.make_connection()
        with pytest.raises(SearchError, match=r"Local parameters \(\{!…\}\) are not "
                                              "supported"):
            conn.search(**params)

    def test_inside_a_query(self, dataset):
        with pytest.raises(SearchError, match="local parameters .* are not supported"):
            search_common.make_connection().search("title:budget AND {!lucene}x")

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "lucene")
    def test_parsers_ckan_lets_through(self, app, dataset):
        """A portal may let Solr parsers through CKAN's own check: the
        backend then says it does not run them (never 'a range')."""
        body = app.get(URL, query_string={"q": "{!lucene}budget"}, status=409).json
        message = body["error"]["message"]  # in the portal's language, French
        assert "Les paramètres locaux ({!…}) ne sont pas pris en charge" in message
        assert "intervalle" not in message and "range" not in message
