"""Finding data by place: a dataset is found by its publisher's title and by
the titles of the territories above it (the publisher's weighing more), by
its SCDL type's title, accents and case ignored; the titles in the index
follow a rename and a move of the organisation."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ..territories.conftest import load, org
from .conftest import names, package_search

RENNES, BRUZ, CESSON = "commune-35238", "commune-35047", "commune-35051"
METROPOLE, LIFFRE = "epci-243500139", "epci-243500774"


def publish(sysadmin: str, owner: str, kind: str, name: str, title: str, **fields) -> dict:
    return helpers.call_action("package_create", {"user": sysadmin}, type=kind, name=name,
                               title=title, owner_org=owner, **fields)


@pytest.fixture
def places(clean_db):
    """Ille-et-Vilaine's territories, délibérations of Rennes, Bruz and
    Cesson-Sévigné (titles without the commune's name), a budget of Rennes."""
    load({"departement": "35"})
    sysadmin = factories.Sysadmin()["name"]
    publish(sysadmin, RENNES, "deliberations", "deliberations-rennes",
            "Délibérations du conseil municipal")
    publish(sysadmin, BRUZ, "deliberations", "deliberations-bruz",
            "Délibérations du conseil municipal")
    publish(sysadmin, CESSON, "deliberations", "actes-cesson", "Actes du conseil 2025")
    publish(sysadmin, RENNES, "budget", "budget-rennes", "Budget primitif 2025")
    return sysadmin


def search(q: str, **params) -> list[str]:
    """The visitor's search box: CKAN sends free text through dismax."""
    return names(package_search(q=q, **params))


def test_the_publisher_and_the_type_are_searchable(places):
    assert search("délibérations Rennes")[0] == "deliberations-rennes"
    # and the délibérations of the communes of Rennes Métropole (Cesson-
    # Sévigné's by its type only), not the budget
    assert set(search("délibérations Rennes")) == {"deliberations-rennes",
                                                    "deliberations-bruz", "actes-cesson"}
    # the type's title finds a dataset whose title does not say it
    assert "actes-cesson" in search("délibérations")
    assert set(search("délibérations Cesson-Sévigné")) == {"actes-cesson"}
    # accents and case ignored, as everywhere in the text search
    assert search("DELIBERATIONS rennes")[0] == "deliberations-rennes"
    assert set(search("cesson sevigne")) == {"actes-cesson"}


def test_the_publishers_title_weighs_more_than_a_territory_above(places):
    """'Rennes' is Rennes's own title, and a word of its EPCI's (Rennes
    Métropole, above Bruz): Rennes's datasets come first."""
    found = search("Rennes")
    assert set(found) == {"deliberations-rennes", "budget-rennes", "deliberations-bruz",
                          "actes-cesson"}
    assert set(found[:2]) == {"deliberations-rennes", "budget-rennes"}
    # the datasets below a territory, by its name
    assert set(search("Rennes Métropole")) == {"deliberations-bruz", "actes-cesson",
                                               "deliberations-rennes", "budget-rennes"}
    assert set(search("Ille-et-Vilaine budget")) == {"budget-rennes"}


def test_a_dataset_elsewhere_is_not_found_by_the_place(places):
    publish(places, "commune-35001", "deliberations", "deliberations-acigne",
            "Délibérations du conseil municipal")
    assert "deliberations-acigne" not in search("délibérations Bruz")
    assert set(search("délibérations Acigné")) == {"deliberations-acigne"}


def sysadmin_context(user: str) -> dict:
    return {"user": user, "ignore_auth": False}


def test_the_index_follows_a_rename(places):
    helpers.call_action("organization_patch", sysadmin_context(places), id=METROPOLE,
                        title="Armorica Métropole")
    assert set(search("Armorica délibérations")) == {"deliberations-bruz", "actes-cesson",
                                                     "deliberations-rennes"}
    assert "deliberations-bruz" not in search("Rennes délibérations")
    # the publisher's own title too, and its cards show the new one
    helpers.call_action("organization_patch", sysadmin_context(places), id=RENNES,
                        title="Roazhon")
    assert set(search("Roazhon")) == {"deliberations-rennes", "budget-rennes"}
    found = package_search(q="Roazhon")["results"]
    assert {d["organization"]["title"] for d in found} == {"Roazhon"}


def test_an_edit_that_keeps_the_title_reindexes_nothing(places):
    from ckanext.opendatalocale.search import model as index_model
    import ckan.model as model
    import sqlalchemy as sa

    def indexed_at():
        return dict(model.Session.execute(sa.select(
            index_model.document_table.c.index_id,
            index_model.document_table.c.indexed_at)).all())
    before = indexed_at()
    helpers.call_action("organization_patch", sysadmin_context(places), id=METROPOLE,
                        description="L'intercommunalité de Rennes")
    assert indexed_at() == before


def test_the_index_follows_a_move(places):
    assert "deliberations-bruz" in search("Rennes Métropole délibérations")
    helpers.call_action("organization_patch", sysadmin_context(places), id=BRUZ,
                        groups=[{"name": LIFFRE}])
    assert "deliberations-bruz" not in search("Rennes Métropole délibérations")
    liffre = org(LIFFRE)["title"]
    assert "deliberations-bruz" in search(f"{liffre} délibérations")


def test_the_index_follows_a_rename_by_the_loader(places, cli, tmp_path):
    """A new COG vintage in which Rennes Métropole has another name."""
    import json
    import shutil

    from ckan.cli.cli import ckan

    from ..territories.conftest import COG
    source = tmp_path / "cog"
    shutil.copytree(COG, source)
    path = source / "epci.json"
    rows = json.loads(path.read_text())
    for row in rows:
        if row["code"] == METROPOLE.removeprefix("epci-"):
            row["nom"] = "Armorica Métropole"
    path.write_text(json.dumps(rows, ensure_ascii=False))
    result = cli.invoke(ckan, ["opendatalocale", "territories", "load", "--source",
                               str(source), "--departement", "35"])
    assert result.exit_code == 0, result.output
    assert "1 renamed" in result.output
    assert set(search("Armorica délibérations")) == {"deliberations-bruz", "actes-cesson",
                                                     "deliberations-rennes"}
    assert "deliberations-bruz" not in search("Rennes délibérations")
