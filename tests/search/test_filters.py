"""Filter queries (``fq``, ``fq_list``) through ``package_search``: every form
CKAN core, its pages and common extensions send."""
from __future__ import annotations

from datetime import datetime

import pytest

from ckan.lib.search import PackageSearchQuery
from ckan.tests import factories

from .conftest import act, name_set, package_search, set_dates


@pytest.fixture
def catalogue(clean_db):
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    group = factories.Group(name="transports")
    factories.Dataset(
        name="velos", title="Stationnements vélos", owner_org=org_a["id"],
        tags=[{"name": "mobilite"}, {"name": "open data"}],
        groups=[{"name": "transports"}], license_id="cc-by",
        extras=[{"key": "theme", "value": "Transports"},
                {"key": "frequence", "value": "annuelle"}],
        resources=[{"url": "http://x/v.csv", "format": "CSV"},
                   {"url": "http://x/v.json", "format": "JSON"}])
    factories.Dataset(
        name="bus", title="Arrêts de bus", owner_org=org_b["id"],
        tags=[{"name": "mobilite"}], license_id="odc-odbl",
        extras=[{"key": "theme", "value": "Transports urbains"}],
        resources=[{"url": "http://x/b.csv", "format": "CSV"}])
    factories.Dataset(
        name="budget", title="Budget primitif", owner_org=org_a["id"],
        tags=[{"name": "finances"}], license_id="cc-by",
        resources=[{"url": "http://x/b.xls", "format": "XLS"}])
    factories.Dataset(
        name="prive", title="Projet confidentiel", owner_org=org_b["id"],
        private=True, tags=[{"name": "mobilite"}], license_id="cc-by",
        resources=[{"url": "http://x/p.csv", "format": "CSV"}])
    return {"org_a": org_a, "org_b": org_b, "group": group}


def fq(value, **params):
    return name_set(package_search(fq=value, **params))


@pytest.mark.usefixtures("catalogue")
class TestFieldFilters:
    def test_required_value(self):
        assert fq("+tags:mobilite") == {"velos", "bus"}
        assert fq("tags:mobilite") == {"velos", "bus"}

    def test_quoted_values(self):
        assert fq('tags:"open data"') == {"velos"}
        assert fq('+organization:"org-a"') == {"velos", "budget"}
        assert fq("tags:open\\ data") == {"velos"}

    def test_values_are_exact(self):
        assert fq("tags:open") == set()
        assert fq("tags:Mobilite") == set()
        assert fq('tags:"open data "') == set()

    def test_value_group(self):
        assert fq('tags:(finances OR "open data")') == {"velos", "budget"}
        assert fq("res_format:(XLS OR JSON)") == {"velos", "budget"}

    def test_value_group_and(self):
        # q.op=AND in a group: both tags
        assert fq('tags:(mobilite "open data")') == {"velos"}

    def test_and_or_not(self):
        assert fq("tags:mobilite AND res_format:JSON") == {"velos"}
        assert fq("(tags:finances OR res_format:JSON)") == {"velos", "budget"}
        assert fq("tags:mobilite NOT organization:org-a") == {"bus"}
        assert fq("tags:mobilite -res_format:JSON") == {"bus"}
        assert fq("tags:mobilite AND NOT res_format:JSON") == {"bus"}
        assert fq("(tags:finances OR tags:mobilite) AND organization:org-a") == {
            "velos", "budget"}

    def test_or_beside_required_clauses_is_optional(self):
        """package_search glues ``+capacity:public`` and ``+state:(active)``
        around fq: with those required clauses, Lucene makes a bare ``a OR b``
        optional (it only scores), so it filters nothing. As in Solr, an OR
        filter needs parentheses."""
        assert fq("tags:finances OR res_format:JSON") == {"velos", "bus", "budget"}
        result = package_search(fq="tags:finances OR res_format:JSON", include_private=True)
        assert name_set(result) == {"velos", "bus", "budget", "prive"}

    def test_pure_negative_filter(self):
        assert fq("-tags:mobilite") == {"budget"}
        assert fq("NOT organization:org-a") == {"bus"}
        assert fq("-dataset_type:harvest") == {"velos", "bus", "budget"}

    def test_fq_list(self):
        assert fq("", fq_list=["tags:mobilite", "organization:org-b"]) == {"bus"}
        assert fq("tags:mobilite", fq_list=["res_format:JSON"]) == {"velos"}

    def test_capacity(self):
        assert fq("capacity:public", include_private=True) == {"velos", "bus", "budget"}
        assert fq("capacity:private", include_private=True) == {"prive"}
        assert fq('capacity:"public"') == {"velos", "bus", "budget"}

    def test_state(self):
        assert fq("+state:(active)") == {"velos", "bus", "budget"}
        assert fq("+state:(draft)") == set()
        assert fq("+state:(active OR draft)", include_private=True) == {
            "velos", "bus", "budget", "prive"}

    def test_owner_org_uuid(self, catalogue):
        org_a = catalogue["org_a"]["id"]
        assert fq(f'owner_org:"{org_a}"') == {"velos", "budget"}
        # what CKAN's organisation page sends
        assert fq(f'+capacity:public +owner_org:"{org_a}" +state:(active)') == {
            "velos", "budget"}

    def test_organization(self):
        assert fq("organization:org-b") == {"bus"}
        assert fq("organization:org-b", include_private=True) == {"bus", "prive"}

    def test_groups(self):
        assert fq("groups:transports") == {"velos"}
        assert fq("groups:nothing") == set()

    def test_res_format(self):
        assert fq("res_format:CSV") == {"velos", "bus"}
        assert fq('res_format:"JSON"') == {"velos"}
        assert fq("res_format:csv") == set()

    def test_license(self):
        assert fq("license_id:cc-by") == {"velos", "budget"}
        assert fq("license_id:odc-odbl") == {"bus"}

    def test_extras_text_field(self):
        """``extras_*`` are French text fields in CKAN's schema: analysed."""
        assert fq("extras_theme:transports") == {"velos", "bus"}
        assert fq("extras_theme:transport") == {"velos", "bus"}
        assert fq('extras_theme:"transports urbains"') == {"bus"}
        assert fq("extras_frequence:annuel") == {"velos"}

    def test_extras_copied_as_plain_fields_are_exact(self):
        """CKAN also indexes each extra under its own key (Solr's catch-all
        ``*`` string field): exact values."""
        assert fq('theme:"Transports"') == {"velos"}
        assert fq('theme:"Transports urbains"') == {"bus"}
        assert fq("theme:transports") == set()

    def test_dataset_type(self, catalogue):
        factories.Dataset(name="deliberations-2026", type="deliberations",
                          owner_org=catalogue["org_a"]["id"])
        assert fq("+dataset_type:deliberations") == {"deliberations-2026"}
        assert fq("+dataset_type:dataset") == {"velos", "bus", "budget"}
        assert fq("-dataset_type:deliberations") == {"velos", "bus", "budget"}

    def test_field_exists(self):
        assert fq("extras_theme:*") == {"velos", "bus"}
        assert fq("-extras_theme:*") == {"budget"}
        assert fq("groups:*") == {"velos"}

    def test_search_page_filters(self, catalogue):
        """What CKAN's /dataset page sends for ?tags=mobilite&res_format=CSV."""
        result = package_search(
            q="", fq='tags:"mobilite" res_format:"CSV" +dataset_type:dataset',
            include_private=True)
        assert name_set(result) == {"velos", "bus", "prive"}


@pytest.mark.usefixtures("clean_db")
def test_vocabulary_tags():
    """Tags of a vocabulary are indexed as ``vocab_<name>`` (exact, multi-valued,
    copied into the free text), not as ``tags``."""
    org = factories.Organization()
    vocab = act("vocabulary_create", name="themes",
                tags=[{"name": "transport"}, {"name": "sante"}])
    factories.Dataset(name="plan-bus", owner_org=org["id"], tags=[
        {"name": "transport", "vocabulary_id": vocab["id"]}, {"name": "bus"}])
    factories.Dataset(name="hopitaux", owner_org=org["id"], tags=[
        {"name": "sante", "vocabulary_id": vocab["id"]}])
    assert fq("vocab_themes:transport") == {"plan-bus"}
    assert fq("vocab_themes:(transport OR sante)") == {"plan-bus", "hopitaux"}
    assert fq("tags:transport") == set()
    assert fq("tags:bus") == {"plan-bus"}
    assert name_set(package_search(q="transport")) == {"plan-bus"}
    result = package_search(rows=0, **{"facet.field": ["vocab_themes", "tags"]})
    assert result["facets"] == {"vocab_themes": {"sante": 1, "transport": 1},
                                "tags": {"bus": 1}}


@pytest.mark.usefixtures("catalogue")
class TestUnknownFields:
    """Solr's catch-all ``*`` field: an unknown field matches nothing."""

    def test_unknown_field_matches_nothing(self):
        assert fq("unknown_field:x") == set()
        assert fq('unknown_field:"x y"') == set()
        assert fq("unknown_field:*") == set()

    def test_prohibited_unknown_field_matches_everything(self):
        assert fq("-unknown_field:x") == {"velos", "bus", "budget"}

    def test_unknown_field_or_known_field(self):
        assert fq("(unknown_field:x OR tags:finances)") == {"budget"}


@pytest.mark.usefixtures("clean_db")
class TestCustomIndexField:
    """A field added at index time by another plugin's before_dataset_index."""

    def test_custom_string_field(self, scdl_index_plugin):
        org = factories.Organization()
        factories.Dataset(name="conforme", notes="SCDL conforme au schéma",
                          owner_org=org["id"])
        factories.Dataset(name="non-conforme", notes="Colonnes manquantes",
                          owner_org=org["id"])
        assert fq("scdl_conformity:conforme") == {"conforme"}
        assert fq("+scdl_conformity:non-conforme") == {"non-conforme"}
        assert fq("-scdl_conformity:conforme") == {"non-conforme"}
        assert fq("scdl_conformity:*") == {"conforme", "non-conforme"}

    def test_custom_date_field(self, scdl_index_plugin):
        org = factories.Organization()
        factories.Dataset(name="vieux", owner_org=org["id"],
                          notes="SCDL conforme checked:2024-05-01T00:00:00Z")
        factories.Dataset(name="recent", owner_org=org["id"],
                          notes="SCDL conforme checked:2026-02-01T12:00:00Z")
        factories.Dataset(name="jamais", owner_org=org["id"], notes="pas vérifié")
        assert fq("scdl_checked_date:[2026-01-01T00:00:00Z TO *]") == {"recent"}
        assert fq("scdl_checked_date:[* TO 2025-01-01T00:00:00Z]") == {"vieux"}
        assert fq("scdl_checked_date:[* TO *]") == {"vieux", "recent"}
        assert fq('scdl_checked_date:"2024-05-01T00:00:00Z"') == {"vieux"}
        assert fq("scdl_checked_date:[NOW-100YEARS TO NOW]") == {"vieux", "recent"}

    def test_custom_field_through_package_search_query(self, scdl_index_plugin):
        org = factories.Organization()
        factories.Dataset(name="conforme", notes="SCDL conforme", owner_org=org["id"])
        query = PackageSearchQuery()
        query.run({"q": "*:*", "fq": "+scdl_conformity:conforme", "fl": "name"})
        assert query.results == ["conforme"]


# -- dates ---------------------------------------------------------------------
@pytest.fixture
def dated(clean_db):
    """Datasets with known modification and creation dates (UTC)."""
    org = factories.Organization()
    dates = {
        "janvier": (datetime(2026, 1, 15, 10, 0), datetime(2025, 6, 1)),
        "debut-fevrier": (datetime(2026, 2, 1, 0, 0), datetime(2025, 6, 1)),
        "mars": (datetime(2026, 3, 10, 8, 30), datetime(2026, 1, 1)),
        "ancien": (datetime(2020, 5, 5), datetime(2019, 1, 1)),
    }
    for name, (modified, created) in dates.items():
        dataset = factories.Dataset(name=name, owner_org=org["id"])
        set_dates(dataset["id"], modified=modified, created=created)
    factories.Dataset(name="aujourdhui", owner_org=org["id"])
    return dates


@pytest.mark.usefixtures("dated")
class TestDateRanges:
    def test_open_range(self):
        assert fq("metadata_modified:[2026-01-01T00:00:00Z TO *]") == {
            "janvier", "debut-fevrier", "mars", "aujourdhui"}
        assert fq("metadata_modified:[* TO 2026-01-01T00:00:00Z]") == {"ancien"}

    def test_closed_range(self):
        assert fq("metadata_modified:[2026-01-01T00:00:00Z TO 2026-02-01T00:00:00Z]") == {
            "janvier", "debut-fevrier"}

    def test_exclusive_bounds(self):
        assert fq("metadata_modified:{2026-01-01T00:00:00Z TO 2026-02-01T00:00:00Z}") == {
            "janvier"}
        assert fq("metadata_modified:{2026-02-01T00:00:00Z TO *]") == {
            "mars", "aujourdhui"}
        assert fq("metadata_modified:[2026-02-01T00:00:00Z TO 2026-03-10T08:30:00Z}") == {
            "debut-fevrier"}

    def test_range_to_now(self):
        """What ckanext-dcat sends: ``metadata_modified:[X TO NOW]``."""
        assert fq("metadata_modified:[2026-02-01T00:00:00Z TO NOW]") == {
            "debut-fevrier", "mars", "aujourdhui"}
        assert fq("-dataset_type:harvest metadata_modified:[2026-02-01T00:00:00Z TO NOW]") == {
            "debut-fevrier", "mars", "aujourdhui"}

    def test_now_date_math(self):
        assert fq("metadata_created:[NOW-1DAY TO NOW]") == {"aujourdhui"}
        assert fq("metadata_modified:[NOW-1HOUR TO *]") == {"aujourdhui"}
        assert fq("metadata_modified:[NOW/DAY TO NOW/DAY+1DAY]") == {"aujourdhui"}
        assert fq("metadata_modified:[* TO NOW-1DAY]") == {
            "janvier", "debut-fevrier", "mars", "ancien"}

    def test_created(self):
        assert fq("metadata_created:[2025-01-01T00:00:00Z TO 2025-12-31T23:59:59Z]") == {
            "janvier", "debut-fevrier"}

    def test_exact_date(self):
        assert fq('metadata_modified:"2026-02-01T00:00:00Z"') == {"debut-fevrier"}

    def test_fractional_seconds(self):
        assert fq("metadata_modified:[2026-03-10T08:30:00.000Z TO 2026-03-10T08:30:00.001Z]") == {
            "mars"}

    def test_in_q(self):
        result = package_search(q="metadata_modified:[2026-01-01T00:00:00Z TO 2026-01-31T00:00:00Z]")
        assert name_set(result) == {"janvier"}


@pytest.mark.usefixtures("clean_db")
def test_numeric_and_string_ranges():
    org = factories.Organization()
    for name in ["alpha", "beta", "gamma"]:
        factories.Dataset(name=name, owner_org=org["id"])
    assert fq("name:[alpha TO beta]") == {"alpha", "beta"}
    assert fq("name:{alpha TO gamma}") == {"beta"}
    assert fq("name:[b TO *]") == {"beta", "gamma"}
