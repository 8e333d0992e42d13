"""The observatoire pages and exports, as pages."""
from __future__ import annotations

import csv
import io
import json

from bs4 import BeautifulSoup

from ckan.tests import helpers

EPCI = "epci-243500139"


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.body, "html.parser")


def test_a_territory_page_shows_the_summary_and_the_matrix(app, scene):
    page = soup(app.get(f"/observatoire/{EPCI}"))
    assert "Rennes Métropole" in page.select_one("h1").get_text()
    crumbs = [a.get_text(strip=True) for a in page.select(".breadcrumb a")]
    assert crumbs[-4:] == ["Observatoire", "Bretagne", "Ille-et-Vilaine", "Rennes Métropole"]
    subventions = page.select_one('#observatoire-totals tr[data-type="subventions"]')
    assert "3 / 43" in subventions.get_text() and subventions.select_one("svg rect")
    cell = page.select_one('#observatoire-matrix tr[data-territory="commune-35051"] '
                           'td[data-status="invalide"] a')
    assert cell["href"].endswith("/subventions/subventions-cesson")
    assert cell.get_text(strip=True) == "invalide"


def test_the_france_page_drills_down_by_region(app, scene):
    page = soup(app.get("/observatoire"))
    link = page.select_one('#observatoire-matrix tr[data-territory="region-53"] a')
    assert link["href"].endswith("/observatoire/region-53")


def test_filters_and_sort(app, scene):
    page = soup(app.get(f"/observatoire/{EPCI}", query_string={
        "type": "subventions", "status": "perime", "sort": "population"}))
    rows = [tr["data-territory"] for tr in page.select("#observatoire-matrix tbody tr")]
    assert rows == ["commune-35047"]
    assert page.select_one("#filter-status option[selected]")["value"] == "perime"


def test_bad_parameters_are_clear_errors_not_500(app, scene):
    assert app.get("/observatoire/commune-99999").status_code == 404
    response = app.get(f"/observatoire/{EPCI}", query_string={"type": "recettes"})
    assert response.status_code == 409 and "recettes" in response.body
    assert app.get(f"/observatoire/{EPCI}", query_string={"level": "canton"}).status_code == 409
    assert app.get(f"/observatoire/{EPCI}", query_string={"sort": "x"}).status_code == 409


def test_csv_export_is_safe_for_spreadsheets(app, scene):
    helpers.call_action("organization_patch", {"user": scene["sysadmin"]},
                        id="commune-35051", title='=HYPERLINK("http://evil.example")')
    helpers.call_action("organization_patch", {"user": scene["sysadmin"]},
                        id="commune-35047", title=" =2+2")
    helpers.call_action("organization_patch", {"user": scene["sysadmin"]},
                        id="commune-35281", title="\t=3+3")
    response = app.get(f"/observatoire/{EPCI}.csv", query_string={"type": "subventions"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + 43  # the EPCI's own datasets, then its communes
    assert rows[0]["territoire"] == EPCI and rows[0]["statut"] == "absent"
    cesson = next(r for r in rows if r["territoire"] == "commune-35051")
    assert cesson["nom"].startswith("'=") and cesson["statut"] == "invalide"
    by_name = {r["territoire"]: r["nom"] for r in rows}
    assert by_name["commune-35047"] == "' =2+2"
    assert by_name["commune-35281"] == "'\t=3+3"
    assert cesson["jeu_de_donnees"] == "subventions-cesson"


def test_json_export_is_the_api_answer(app, scene):
    response = app.get(f"/observatoire/{EPCI}.json", query_string={"type": "subventions"})
    exported = json.loads(response.body)
    api = helpers.call_action("scdl_compliance_show", territory=EPCI, type="subventions")
    exported.pop("computed_at"), api.pop("computed_at")
    assert exported == api
