"""An EPCI's or a département's own SCDL datasets have a row of their own on
its observatoire page, in the API and in the exports; they are not counted
as one of its communes."""
from __future__ import annotations

from bs4 import BeautifulSoup
from ckan.tests import helpers

from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload

EPCI = "epci-243500139"


def publish_for_the_epci(sysadmin: str) -> dict:
    dataset = helpers.call_action("package_create", {"user": sysadmin}, type="subventions",
                                  name="subventions-rennes-metropole",
                                  title="Subventions de Rennes Métropole", owner_org=EPCI)
    helpers.call_action("resource_create", {"user": sysadmin}, package_id=dataset["id"],
                        name="subventions.csv", format="CSV", upload=upload(SUBVENTIONS))
    return dataset


def test_the_epci_row_comes_first_with_its_own_cells(scene):
    before = helpers.call_action("scdl_compliance_show", territory=EPCI, type="subventions")
    publish_for_the_epci(scene["sysadmin"])
    report = helpers.call_action("scdl_compliance_show", territory=EPCI, type="subventions")
    own = report["rows"][0]
    assert own["own"] is True and own["territory"]["name"] == EPCI
    assert own["cells"]["subventions"] == {"status": "conforme",
                                           "dataset": "subventions-rennes-metropole"}
    # the communes' numbers do not change: the EPCI is not one of its communes
    assert report["totals"] == before["totals"]
    assert sum(r["counts"]["subventions"]["communes"] for r in report["rows"]) == 43
    assert not any(r.get("own") for r in report["rows"][1:])


def test_a_status_filter_keeps_the_own_row_only_when_it_matches(scene):
    publish_for_the_epci(scene["sysadmin"])
    conforme = helpers.call_action("scdl_compliance_show", territory=EPCI,
                                   type="subventions", status="conforme")
    assert [r["territory"]["name"] for r in conforme["rows"]] == [EPCI, "commune-35238"]
    invalide = helpers.call_action("scdl_compliance_show", territory=EPCI,
                                   type="subventions", status="invalide")
    assert EPCI not in [r["territory"]["name"] for r in invalide["rows"]]


def test_rows_of_a_level_have_no_own_row(scene):
    report = helpers.call_action("scdl_compliance_show", territory="departement-35",
                                 level="commune", type="subventions")
    assert not any(r.get("own") for r in report["rows"])


def test_the_page_shows_the_epci_row_first_even_sorted(app, scene):
    publish_for_the_epci(scene["sysadmin"])
    for sort in ("title", "population"):
        page = BeautifulSoup(app.get(f"/observatoire/{EPCI}",
                                     query_string={"sort": sort}).body, "html.parser")
        first = page.select_one("#observatoire-matrix tbody tr")
        assert first["data-territory"] == EPCI
        assert first.th.get_text(" ", strip=True).startswith(
            "Rennes Métropole (ses propres jeux de données)")
        assert first.th.a["href"] == f"/organization/{EPCI}"
        cell = first.select_one('td[data-status="conforme"] a')
        assert cell["href"].endswith("/subventions/subventions-rennes-metropole")
