"""package_search for harvesters: filters and facets on SCDL type, schema
version, conformity, territory level and code, and modification dates; every
field we index is valid in CKAN's Solr schema too."""
from __future__ import annotations

import json

import sqlalchemy as sa

import ckan.model as model

from ckanext.opendatalocale.search.solr_schema import ckan_schema

FACETS = ["dataset_type", "vocab_scdl_schema_version", "scdl_conformity",
          "territory_level", "territory_code"]


def search(app, status: int = 200, **params) -> dict:
    response = app.get("/api/3/action/package_search", query_string=params, status=status)
    return response.json


def names(app, **params) -> set[str]:
    return {d["name"] for d in search(app, **params)["result"]["results"]}


def test_compliant_datasets_of_a_type(app, portal):
    assert names(app, fq="dataset_type:subventions AND scdl_conformity:conforme") == {
        "subventions-rennes"}
    assert names(app, fq="dataset_type:subventions AND scdl_conformity:invalide") == {
        "subventions-cesson"}
    assert names(app, fq='vocab_scdl_schema_version:"2.1.1"') == {
        "subventions-rennes", "subventions-cesson"}


def test_territory_level_and_insee_code(app, portal):
    assert names(app, fq="territory_level:commune") == {"subventions-rennes",
                                                         "subventions-cesson"}
    assert names(app, fq="territory_level:epci") == {"arbres-metropole"}
    assert names(app, fq="territory_code:35238") == {"subventions-rennes"}
    assert names(app, fq="territory_code:243500139") == {"arbres-metropole"}


def test_a_dataset_covering_another_territory_is_filed_under_it(app, portal):
    """The coverage field wins over the publisher: the département publishing
    for Bruz is counted at Bruz's code."""
    from ckan.tests import helpers
    helpers.call_action("package_create", {"user": portal["sysadmin"]}, type="deliberations",
                        name="deliberations-bruz", title="Délibérations de Bruz",
                        owner_org="departement-35", territory_code="35047")
    assert names(app, fq="territory_code:35047") == {"deliberations-bruz"}
    assert names(app, fq="territory_level:departement") == set()


def test_facets_count_each_field(app, portal):
    result = search(app, **{"facet.field": json.dumps(FACETS), "rows": "0"})["result"]
    facets = result["facets"]
    assert facets["dataset_type"] == {"subventions": 2, "dataset": 1}
    assert facets["vocab_scdl_schema_version"] == {"2.1.1": 2}
    assert facets["scdl_conformity"] == {"conforme": 1, "invalide": 1}
    assert facets["territory_level"] == {"commune": 2, "epci": 1}
    assert facets["territory_code"] == {"35238": 1, "35051": 1, "243500139": 1}


def test_metadata_modified_ranges(app, portal):
    assert len(names(app, fq="metadata_modified:[NOW-1DAY TO NOW]")) == 3
    assert names(app, fq="metadata_modified:[2000-01-01T00:00:00Z TO 2001-01-01T00:00:00Z]") \
        == set()
    both = names(app, fq="metadata_modified:[NOW-1DAY TO *] AND scdl_conformity:conforme")
    assert both == {"subventions-rennes"}


def test_a_filter_that_cannot_be_read_is_answered_as_ckan_answers_with_solr(app, portal):
    """409 "Search Error", CKAN's answer when Solr cannot read a query."""
    body = search(app, status=409, fq="scdl_conformity:(conforme")
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Error"


def test_every_indexed_field_is_valid_in_ckans_solr_schema(app, portal):
    """What a portal that turns our search backend off for Solr would index."""
    schema = ckan_schema()
    docs = [row[0] for row in model.Session.execute(
        sa.text("SELECT doc FROM opendatalocale_search_document"))]
    assert len(docs) == 3
    ours = {"scdl_conformity", "vocab_scdl_schema_version", "vocab_territories",
            "territory_level", "territory_code"}
    seen = set()
    for doc in docs:
        for name, values in doc.items():
            field = schema.field(name)
            assert field.indexed or name in ("data_dict", "validated_data_dict"), name
            if len(values) > 1:
                assert field.multivalued, f"{name} has several values but is single-valued"
            seen.add(name)
    assert ours <= seen
    for name in ("scdl_conformity", "territory_level", "territory_code"):
        assert not schema.field(name).multivalued
