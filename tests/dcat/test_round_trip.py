"""Our catalogue read back by the code harvesters run: ckanext-dcat's own
RDF parser, and the shape data.gouv.fr's (udata) DCAT harvester reads."""
from __future__ import annotations

import json

import pytest
from ckanext.dcat.processors import RDFParser
from rdflib import Graph, URIRef

from ckanext.opendatalocale.scdl.catalogue import catalogue

from .conftest import DCAT, DCT, SUBVENTIONS_URL

pytestmark = pytest.mark.usefixtures("with_request_context")


def parsed(app, profiles: list[str]) -> dict[str, dict]:
    parser = RDFParser(profiles=profiles)
    parser.parse(app.get("/catalog.ttl").body, _format="turtle")
    return {d["title"]: d for d in parser.datasets()}


def extras(dataset: dict) -> dict:
    return {e["key"]: e["value"] for e in dataset.get("extras", [])}


def test_ckanext_dcat_reads_back_every_scdl_field(app, portal):
    rennes = parsed(app, ["opendatalocale"])["subventions-rennes"]
    assert rennes["type"] == "subventions"
    assert rennes["frequency"] == "ANNUAL"
    assert rennes["territory_code"] == "35238"
    assert rennes["temporal_start"] == "2025-01-01"
    assert rennes["temporal_end"] == "2025-12-31"
    assert rennes["license_id"] == "lov2"
    assert rennes["scdl_conformity"] == "conforme"
    assert rennes["notes"] == "Les subventions de la ville de Rennes."
    more = extras(rennes)
    assert more["publisher_name"] == "Rennes"
    assert more["publisher_identifier"] == "213502388"
    assert more["spatial_uri"] == "http://id.insee.fr/geo/commune/35238"
    assert more["spatial_text"] == "Rennes"
    [resource] = rennes["resources"]
    assert resource["schema"] == SUBVENTIONS_URL
    assert resource["schema_version"] == "2.1.1"
    assert resource["validation_status"] == "success"
    assert resource["url"].endswith("/download/fichier.csv")


def test_what_the_portal_does_not_know_stays_a_plain_dataset(app, portal):
    datasets = parsed(app, ["opendatalocale"])
    other = datasets["arbres-metropole"]
    assert other.get("type", "dataset") == "dataset"
    assert "schema" not in other["resources"][0]
    assert extras(other)["territory_code"] == "243500139"
    assert datasets["subventions-cesson"]["license_id"] == "odc-odbl"
    assert datasets["subventions-cesson"]["scdl_conformity"] == "invalide"


def test_the_stock_dcat_ap_profile_reads_the_conformance_too(app, portal):
    """What a portal without our suite keeps (ckanext-dcat's DCAT-AP 3
    profile; the portal under test has scheming, so the parser is built for an
    SCDL type that scheming knows)."""
    parser = RDFParser(profiles=["euro_dcat_ap_3"], dataset_type="subventions")
    parser.parse(app.get("/catalog.ttl").body, _format="turtle")
    rennes = {d["title"]: d for d in parser.datasets()}["subventions-rennes"]
    assert SUBVENTIONS_URL in extras(rennes)["conforms_to"]
    assert json.loads(rennes["resources"][0]["conforms_to"]) == [SUBVENTIONS_URL]


# What udata (data.gouv.fr) reads, from udata/core/dataset/rdf.py and udata/rdf.py:
# a distribution's schema is `rdf.value(DCT.conformsTo)` (one value, any of
# them if several) matched against schema.data.gouv.fr's versions[].schema_url;
# licences by URL; frequency as an EU or Dublin Core frequency URI; temporal
# from schema:/dcat: startDate; only dcat:Dataset subjects with dct:identifier.
UDATA_LICENCES = {"https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                  "http://opendatacommons.org/licenses/odbl/summary/"}
UDATA_FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"


def _udata_knows_licence(url: str) -> bool:
    """udata's License.guess: exact URL, else host + path contained in a
    known URL (scheme and trailing slash ignored)."""
    bare = url.split("://", 1)[-1].rstrip("/")
    return url in UDATA_LICENCES or any(bare in known for known in UDATA_LICENCES)


def test_udata_finds_one_schema_url_per_distribution(app, portal):
    graph = Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    versions = {v.schema_url for e in catalogue().entries for v in e.versions}
    found = []
    for dataset in graph.subjects(None, DCAT.Dataset):
        assert graph.value(dataset, DCT.identifier) is not None
        for distribution in graph.objects(dataset, DCAT.distribution):
            schemas = list(graph.objects(distribution, DCT.conformsTo))
            assert len(schemas) <= 1, "udata would pick one of several at random"
            if schemas:
                assert isinstance(schemas[0], URIRef)
                assert str(schemas[0]) in versions
                found.append(str(schemas[0]))
            for licence in graph.objects(distribution, DCT.license):
                assert _udata_knows_licence(str(licence))
        frequency = graph.value(dataset, DCT.accrualPeriodicity)
        if frequency is not None:
            assert str(frequency).startswith(UDATA_FREQUENCIES)
    assert found == [SUBVENTIONS_URL, SUBVENTIONS_URL]
