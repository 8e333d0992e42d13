"""Sorting, paging and returned fields (``sort``, ``rows``, ``start``, ``fl``)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from ckan.lib.search import PackageSearchQuery, SearchQueryError
from ckan.logic import ValidationError
from ckan.tests import factories

from .conftest import names, package_search, set_dates


@pytest.fixture
def catalogue(clean_db):
    org = factories.Organization(name="org-a")
    specs = [
        # name, title, license, modified, created
        ("ecole-accent", "école de musique", "cc-by", datetime(2026, 1, 5), datetime(2025, 1, 1)),
        ("ecole-majuscule", "Ecole primaire", "cc-by", datetime(2026, 3, 1), datetime(2025, 2, 1)),
        ("budget", "Budget 2026", "odc-odbl", datetime(2025, 12, 31), datetime(2025, 3, 1)),
        ("abeilles", "abeilles et ruchers", "cc-by", datetime(2026, 2, 14), datetime(2024, 1, 1)),
        ("zones", "Zones humides", "odc-odbl", datetime(2024, 6, 1), datetime(2024, 6, 1)),
        ("eclairage", "  Éclairage public", "cc-zero", datetime(2026, 2, 1), datetime(2025, 5, 1)),
        ("velos", "Vélos", "cc-by", datetime(2025, 7, 7), datetime(2025, 7, 1)),
    ]
    for name, title, license_id, modified, created in specs:
        extra = ({"tags": [{"name": "mobilite"}],
                  "resources": [{"url": "http://x/v.csv", "format": "CSV"}]}
                 if name == "velos" else {})
        dataset = factories.Dataset(name=name, title=title, license_id=license_id,
                                    notes="Données", owner_org=org["id"], **extra)
        set_dates(dataset["id"], modified=modified, created=created)
    return specs


ALL = 7


@pytest.mark.usefixtures("catalogue")
class TestSort:
    def test_metadata_modified(self):
        result = package_search(sort="metadata_modified desc")
        assert names(result) == ["ecole-majuscule", "abeilles", "eclairage",
                                 "ecole-accent", "budget", "velos", "zones"]
        result = package_search(sort="metadata_modified asc")
        assert names(result) == ["zones", "velos", "budget", "ecole-accent",
                                 "eclairage", "abeilles", "ecole-majuscule"]

    def test_metadata_created(self):
        result = package_search(sort="metadata_created asc")
        assert names(result) == ["abeilles", "zones", "ecole-accent", "ecole-majuscule",
                                 "budget", "eclairage", "velos"]

    def test_default_sort_without_query_is_most_recent_first(self):
        # CKAN's default: score desc, metadata_modified desc
        assert names(package_search())[0] == "ecole-majuscule"
        assert names(package_search())[-1] == "zones"

    def test_title_string_ignores_case_accents_and_leading_spaces(self):
        result = package_search(sort="title_string asc")
        # "  Éclairage public" < "école de musique" < "Ecole primaire" < "Vélos":
        # in byte order "Ecole" and "Zones" would come before "abeilles" and
        # "école", "Éclairage" after "Zones"
        assert names(result) == ["abeilles", "budget", "eclairage", "ecole-accent",
                                 "ecole-majuscule", "velos", "zones"]
        result = package_search(sort="title_string desc")
        assert names(result) == ["zones", "velos", "ecole-majuscule", "ecole-accent",
                                 "eclairage", "budget", "abeilles"]

    def test_name(self):
        assert names(package_search(sort="name asc")) == sorted(names(package_search()))
        assert names(package_search(sort="name desc")) == sorted(
            names(package_search()), reverse=True)

    def test_several_keys(self):
        result = package_search(sort="license_id asc, metadata_modified desc")
        assert names(result) == ["ecole-majuscule", "abeilles", "ecole-accent", "velos",
                                 "eclairage", "budget", "zones"]
        result = package_search(sort="license_id desc,name asc")
        assert names(result) == ["budget", "zones", "eclairage", "abeilles",
                                 "ecole-accent", "ecole-majuscule", "velos"]

    def test_unknown_field_changes_nothing(self):
        """The home page sends ``view_recent desc``, a field that does not
        exist: Solr sorts every document as missing."""
        result = package_search(q="*:*", sort="view_recent desc")
        assert result["count"] == ALL
        assert names(package_search(sort="view_recent desc, name asc")) == names(
            package_search(sort="name asc"))
        assert names(package_search(sort="no_field asc, metadata_modified asc")) == names(
            package_search(sort="metadata_modified asc"))

    def test_score_then_date(self):
        result = package_search(q="ecole", sort="score desc, metadata_modified desc")
        assert set(names(result)) == {"ecole-accent", "ecole-majuscule"}
        # equal scores: most recently modified first
        assert names(result) == ["ecole-majuscule", "ecole-accent"]

    def test_score_ranks_title_before_notes(self):
        org = factories.Organization()
        factories.Dataset(name="apiculture", title="Apiculture",
                          notes="Emplacement des ruchers", owner_org=org["id"])
        result = package_search(q="ruchers", sort="score desc")
        assert names(result) == ["abeilles", "apiculture"]
        result = package_search(q="ruchers", sort="score asc")
        assert names(result) == ["apiculture", "abeilles"]

    @pytest.mark.parametrize("sort", ["title asc", "notes desc", "tags asc",
                                      "res_format asc", "name asc, title desc"])
    def test_sort_on_text_or_multi_valued_field_is_refused(self, sort):
        with pytest.raises(SearchQueryError):
            package_search(sort=sort)

    @pytest.mark.parametrize("sort", ["text asc", "extras_theme desc",
                                      "res_description asc"])
    def test_sort_on_a_text_field_is_refused_whatever_the_data(self, sort):
        """Whether a sort is valid depends on the schema (Solr refuses to sort
        on tokenized or multi-valued fields), not on whether some dataset
        happens to have the field yet: no dataset here has these fields."""
        with pytest.raises(SearchQueryError):
            package_search(sort=sort)

    @pytest.mark.parametrize("sort", ["name", "name up", "name asc desc", "; drop",
                                      "name asc,, title_string desc x"])
    def test_malformed_sort_is_refused(self, sort):
        with pytest.raises(SearchQueryError):
            package_search(sort=sort)


@pytest.mark.usefixtures("catalogue")
class TestPaging:
    def test_pages_are_stable_and_complete(self):
        full = names(package_search(sort="title_string asc"))
        pages = []
        for start in range(0, ALL, 3):
            result = package_search(sort="title_string asc", rows=3, start=start)
            assert result["count"] == ALL
            pages += names(result)
        assert pages == full
        assert len(set(pages)) == ALL

    def test_ties_do_not_break_paging(self):
        """All datasets share the same score: pages must still partition the
        result (Solr breaks ties by index order)."""
        full = names(package_search(q="donnees", sort="score desc"))
        pages = []
        for start in range(0, ALL, 2):
            pages += names(package_search(q="donnees", sort="score desc", rows=2,
                                          start=start))
        assert pages == full and len(set(pages)) == ALL

    def test_start_beyond_the_end(self):
        result = package_search(rows=5, start=100)
        assert result["results"] == []
        assert result["count"] == ALL

    def test_rows_zero(self):
        result = package_search(rows=0)
        assert result["results"] == []
        assert result["count"] == ALL

    @pytest.mark.ckan_config("ckan.search.rows_max", 2)
    def test_rows_are_clamped_to_rows_max(self):
        result = package_search(rows=5, sort="name asc")
        assert names(result) == ["abeilles", "budget"]
        assert result["count"] == ALL

    def test_negative_start_is_refused_by_ckan(self):
        with pytest.raises(ValidationError) as err:
            package_search(start=-1)
        assert "start" in err.value.error_dict

    def test_negative_rows_is_refused_by_ckan(self):
        with pytest.raises(ValidationError) as err:
            package_search(rows=-1)
        assert "rows" in err.value.error_dict


@pytest.mark.usefixtures("catalogue")
class TestFields:
    def test_package_search_fl_list(self):
        result = package_search(fl=["id", "name"], sort="name asc", rows=2)
        assert [sorted(r) for r in result["results"]] == [["id", "name"], ["id", "name"]]
        assert [r["name"] for r in result["results"]] == ["abeilles", "budget"]

    def test_package_search_fl_single_field(self):
        result = package_search(fl=["name"], sort="name asc", rows=2)
        assert result["results"] == [{"name": "abeilles"}, {"name": "budget"}]

    def test_package_search_fl_metadata_modified_and_license(self):
        result = package_search(fl=["name", "license_id", "metadata_modified"],
                                q="name:budget")
        (row,) = result["results"]
        assert row["license_id"] == "odc-odbl"
        assert row["metadata_modified"].startswith("2025-12-31T00:00:00")

    def test_package_search_fl_extras_are_returned_under_their_key(self):
        org = factories.Organization()
        factories.Dataset(name="avec-extra", owner_org=org["id"],
                          extras=[{"key": "frequence", "value": "annuelle"}])
        result = package_search(fl=["name", "extras_frequence"], q="name:avec-extra")
        assert result["results"] == [{"name": "avec-extra", "frequence": "annuelle"}]

    def test_without_fl_results_are_validated_dicts(self):
        result = package_search(q="name:budget")
        (dataset,) = result["results"]
        assert dataset["title"] == "Budget 2026"
        assert dataset["organization"]["name"] == "org-a"
        assert dataset["license_id"] == "odc-odbl"

    def test_use_default_schema_returns_data_dict(self):
        result = package_search(q="name:budget", use_default_schema=True)
        (dataset,) = result["results"]
        assert dataset["name"] == "budget"

    @pytest.mark.parametrize("fl", ["id", "name"])
    def test_query_run_with_one_field_returns_strings(self, fl):
        query = PackageSearchQuery()
        result = query.run({"q": "*:*", "fl": fl, "sort": "name asc"})
        assert result["count"] == ALL
        assert all(isinstance(r, str) for r in result["results"])
        if fl == "name":
            assert result["results"][:2] == ["abeilles", "budget"]

    @pytest.mark.parametrize("fl", ["name,license_id", "name license_id",
                                    "name, license_id"])
    def test_query_run_fields_comma_or_space_separated(self, fl):
        query = PackageSearchQuery()
        result = query.run({"q": "name:zones", "fl": fl})
        (row,) = result["results"]
        row.pop("extras", None)  # CKAN adds an (empty) extras dict to every row
        assert row == {"name": "zones", "license_id": "odc-odbl"}

    def test_query_run_score(self):
        query = PackageSearchQuery()
        result = query.run({"q": "ecole", "fl": "name score"})
        assert len(result["results"]) == 2
        assert all(isinstance(r["score"], float) and r["score"] > 0
                   for r in result["results"])

    def test_query_run_data_dict(self):
        query = PackageSearchQuery()
        result = query.run({"q": "name:zones", "fl": "data_dict validated_data_dict"})
        (row,) = result["results"]
        assert json.loads(row["data_dict"])["name"] == "zones"
        assert json.loads(row["validated_data_dict"])["title"] == "Zones humides"

    def test_multi_valued_fields_are_lists(self):
        org = factories.Organization()
        factories.Dataset(name="deux-tags", owner_org=org["id"],
                          tags=[{"name": "aa"}, {"name": "bb"}])
        query = PackageSearchQuery()
        result = query.run({"q": "name:deux-tags", "fl": "name tags"})
        (row,) = result["results"]
        assert sorted(row["tags"]) == ["aa", "bb"]
        assert row["name"] == "deux-tags"
