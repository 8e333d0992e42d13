"""A small portal to harvest: Ille-et-Vilaine with SCDL datasets in several
states, and one dataset whose schema the suite does not know."""
from __future__ import annotations

import pytest
from rdflib import Graph, Namespace

from ckan.tests import factories, helpers

from ..territories.conftest import load
from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload, with_french_date

DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SUBVENTIONS_URL = "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
UNKNOWN_SCHEMA = "https://example.org/schemas/inconnu/1.0/schema.json"


@pytest.fixture
def portal(clean_db):
    """Rennes: subventions conforme (Licence Ouverte, annual, 2025);
    Cesson-Sévigné: subventions invalide (ODbL); Rennes Métropole: a plain
    dataset whose file follows a schema the catalogue does not know."""
    load({"departement": "35"})
    sysadmin = factories.Sysadmin()["name"]

    def publish(owner, kind, name, content=None, resource=None, **fields):
        dataset = helpers.call_action("package_create", {"user": sysadmin}, type=kind,
                                      name=name, title=name, owner_org=owner, **fields)
        if content is not None:
            helpers.call_action("resource_create", {"user": sysadmin},
                                package_id=dataset["id"], name="fichier.csv", format="CSV",
                                upload=upload(content), **(resource or {}))
        return helpers.call_action("package_show", {"user": sysadmin}, id=dataset["id"])

    rennes = publish("commune-35238", "subventions", "subventions-rennes", SUBVENTIONS,
                     frequency="ANNUAL", license_id="lov2",
                     temporal_start="2025-01-01", temporal_end="2025-12-31",
                     notes="Les subventions de la ville de Rennes.")
    cesson = publish("commune-35051", "subventions", "subventions-cesson",
                     with_french_date(SUBVENTIONS), license_id="odc-odbl")
    other = publish("epci-243500139", "dataset", "arbres-metropole", b"espece;hauteur\nchene;12\n",
                    resource={"schema": UNKNOWN_SCHEMA}, license_id="lov2")
    return {"sysadmin": sysadmin, "rennes": rennes, "cesson": cesson, "other": other}


def catalog(app, fmt: str = "ttl", status: int = 200, **params) -> Graph:
    """The catalogue page, parsed with rdflib."""
    response = app.get(f"/catalog.{fmt}", query_string=params, status=status)
    graph = Graph()
    graph.parse(data=response.body, format={"ttl": "turtle", "rdf": "xml",
                                            "jsonld": "json-ld"}[fmt])
    return graph


def dataset_ref(graph: Graph, dataset: dict):
    for ref in graph.subjects(DCT.identifier, None):
        if str(graph.value(ref, DCT.identifier)) == dataset["id"]:
            return ref
    raise AssertionError(f"{dataset['name']} is not in the catalogue")
