"""/catalog.<format>: SCDL datasets in DCAT-AP, filtered, paginated, and a
400 for what cannot be read."""
from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef

from .conftest import DCAT, DCT, SUBVENTIONS_URL, catalog, dataset_ref

pytestmark = pytest.mark.usefixtures("with_request_context")

FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


def annotation(graph, target) -> str | None:
    for node in graph.objects(target, DQV.hasQualityAnnotation):
        return str(graph.value(node, OA.bodyValue))
    return None


def distributions(graph, ref) -> list:
    return list(graph.objects(ref, DCAT.distribution))


def test_an_scdl_dataset_says_what_it_conforms_to_where_and_who(app, portal):
    graph = catalog(app)
    ref = dataset_ref(graph, portal["rennes"])
    schema = URIRef(SUBVENTIONS_URL)

    assert list(graph.objects(ref, DCT.conformsTo)) == [schema]
    [distribution] = distributions(graph, ref)
    assert list(graph.objects(distribution, DCT.conformsTo)) == [schema]
    assert str(graph.value(schema, DCT.identifier)) == "scdl/subventions"
    assert str(graph.value(schema, DCAT.version)) == "2.1.1"

    spatial = graph.value(ref, DCT.spatial)
    assert spatial == URIRef("http://id.insee.fr/geo/commune/35238")
    assert str(graph.value(spatial, SKOS.prefLabel)) == "Rennes"
    assert str(graph.value(spatial, DCT.identifier)) == "35238"

    publisher = graph.value(ref, DCT.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Rennes"
    assert str(graph.value(publisher, DCT.identifier)) == "213502388"  # SIREN

    assert graph.value(ref, DCT.accrualPeriodicity) == URIRef(EU_FREQUENCY + "ANNUAL")
    period = graph.value(ref, DCT.temporal)
    assert graph.value(period, DCAT.startDate).toPython().isoformat() == "2025-01-01"
    assert graph.value(period, DCAT.endDate).toPython().isoformat() == "2025-12-31"
    assert graph.value(distribution, DCT.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence")


def test_validation_results_are_quality_annotations(app, portal):
    graph = catalog(app)
    rennes, cesson = dataset_ref(graph, portal["rennes"]), dataset_ref(graph, portal["cesson"])
    assert annotation(graph, rennes) == "conforme"
    assert annotation(graph, distributions(graph, rennes)[0]) == "success"
    assert annotation(graph, cesson) == "invalide"
    assert annotation(graph, distributions(graph, cesson)[0]) == "failure"
    assert graph.value(distributions(graph, cesson)[0], DCT.license) == URIRef(
        "https://opendatacommons.org/licenses/odbl/")


def test_a_dataset_whose_schema_is_unknown_is_listed_without_conforms_to(app, portal):
    graph = catalog(app)
    ref = dataset_ref(graph, portal["other"])
    assert list(graph.objects(ref, DCT.conformsTo)) == []
    assert all(not list(graph.objects(d, DCT.conformsTo)) for d in distributions(graph, ref))
    assert annotation(graph, ref) is None
    # an EPCI is named by its SIREN
    assert graph.value(ref, DCT.spatial) == URIRef(
        "http://id.insee.fr/geo/intercommunalite/243500139")


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
def test_every_serialisation_carries_the_same_catalogue(app, portal, fmt):
    graph = catalog(app, fmt)
    assert len(list(graph.subjects(None, DCAT.Dataset))) == 3
    ref = dataset_ref(graph, portal["rennes"])
    assert list(graph.objects(ref, DCT.conformsTo)) == [URIRef(SUBVENTIONS_URL)]


def titles(graph) -> set[str]:
    return {str(graph.value(ref, DCT.title)) for ref in graph.subjects(None, DCAT.Dataset)}


def test_the_catalogue_filters_with_q_and_fq(app, portal):
    conforming = catalog(app, fq="dataset_type:subventions AND scdl_conformity:conforme")
    assert titles(conforming) == {"subventions-rennes"}
    assert titles(catalog(app, fq="territory_level:commune")) == {
        "subventions-rennes", "subventions-cesson"}
    assert titles(catalog(app, fq='territory_code:"35051"')) == {"subventions-cesson"}
    # a place finds the datasets of its publishers and of the communes below it
    # (Cesson-Sévigné is in Rennes Métropole)
    assert titles(catalog(app, q="Rennes subventions")) == {
        "subventions-rennes", "subventions-cesson"}
    assert titles(catalog(app, q="Cesson subventions")) == {"subventions-cesson"}


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_the_catalogue_is_paginated(app, portal):
    first = catalog(app)
    assert len(titles(first)) == 2
    [page] = first.subjects(None, HYDRA.PagedCollection)
    assert first.value(page, HYDRA.totalItems) == Literal(3)
    assert "page=2" in str(first.value(page, HYDRA.nextPage))
    second = catalog(app, page="2")
    assert len(titles(second)) == 1
    assert titles(first) | titles(second) == {
        "subventions-rennes", "subventions-cesson", "arbres-metropole"}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_wrong_page_number_is_a_400_in_french(app, portal, page):
    response = app.get("/catalog.ttl", query_string={"page": page}, status=400)
    assert "numéro de page" in response.body
    assert page in response.body


@pytest.mark.parametrize("fq", ["title:(", 'title:"ouvert', "metadata_modified:[2025 TO"])
def test_a_filter_that_cannot_be_read_is_a_400_in_french(app, portal, fq):
    response = app.get("/catalog.ttl", query_string={"fq": fq}, status=400)
    assert "La recherche ne peut pas être lue" in response.body


def test_a_wrong_date_is_a_400_in_french(app, portal):
    response = app.get("/catalog.ttl", query_string={"modified_since": "hier"}, status=400)
    assert "ISO 8601" in response.body


def test_modified_since_keeps_recent_changes(app, portal):
    assert len(titles(catalog(app, modified_since="2000-01-01"))) == 3
    assert titles(catalog(app, modified_since="2999-01-01")) == set()


def test_an_unknown_format_is_a_404(app, portal):
    app.get("/catalog.docx", status=404)


def test_private_datasets_stay_out(app, portal):
    from ckan.tests import helpers
    helpers.call_action("package_patch", {"user": portal["sysadmin"]},
                        id=portal["cesson"]["id"], private=True)
    assert "subventions-cesson" not in titles(catalog(app))


def test_one_dataset_in_dcat(app, portal):
    from rdflib import Graph
    body = app.get(f"/dataset/{portal['rennes']['name']}.ttl").body
    graph = Graph().parse(data=body, format="turtle")
    ref = dataset_ref(graph, portal["rennes"])
    assert list(graph.objects(ref, DCT.conformsTo)) == [URIRef(SUBVENTIONS_URL)]


def test_our_profile_is_the_default():
    from ckan.plugins import toolkit as tk
    assert tk.config.get("ckanext.dcat.rdf.profiles") == "opendatalocale"


@pytest.mark.parametrize("profiles", ["euro_dcat_ap_3", "inconnu"])
def test_a_profile_that_cannot_serve_is_a_400(app, portal, profiles):
    """ckanext-dcat's stock profiles want a scheming schema for the plain
    dataset type (a 500 from ckanext-dcat's own view); an unknown one too."""
    response = app.get("/catalog.ttl", query_string={"profiles": profiles}, status=400)
    assert "profil" in response.body.lower()


def test_one_page_looks_its_territories_up_in_one_query(app, portal):
    """ckanext-dcat builds a profile per dataset: the territories of the whole
    page are read at once, not two queries per dataset."""
    import sqlalchemy as sa

    import ckan.model as model
    statements = []

    def count(conn, cursor, statement, *args):
        if "territory_level" in statement:
            statements.append(statement)
    sa.event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        catalog(app)
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", count)
    assert len(statements) == 1
