"""The table of a conformant file, in Chromium (issue 17, item 2): the
secretary publishes her délibérations from the form; once the worker has
loaded them, the resource page says the file is also a table, the preview
(CKAN's datatables_view, in French) shows her rows, and a visitor follows
« Interroger ces données (API) » from the dataset page, reads the examples
built from the file and opens one. At 1280 and 390 px, with axe-core."""
from __future__ import annotations

import json
import re

import pytest
import requests
from ckan.lib.jobs import Worker
from ckan.tests import helpers

from tests.browser_checks import type_title
from tests.test_journeys import SIZES, checked, choose_file, log_in, new_page, person
from tests.territories.conftest import load

from .test_load import rows_csv

CESSON = "commune-35051"
SHOTS = "/tmp/shots"


@pytest.fixture
def ille_et_vilaine(clean_db, clean_queues):
    load({"departement": "35"})


@pytest.mark.parametrize("size", SIZES)
def test_her_deliberations_become_a_table_a_visitor_can_query(
        live_server, browser, ille_et_vilaine, tmp_path, size):
    person("secretaire", CESSON)
    path = tmp_path / "deliberations-2026.csv"
    path.write_bytes(rows_csv("deliberations", [
        {"DELIB_ID": "2026-001", "DELIB_OBJET": "Tarifs de la cantine scolaire"},
        {"DELIB_ID": "2026-002", "DELIB_OBJET": "Vente du presbytère"},
        {"DELIB_ID": "2026-003", "DELIB_OBJET": "Travaux de voirie"}]))

    page = new_page(browser, size)
    log_in(page, live_server, "secretaire")
    page.goto(live_server + "/deliberations/new")
    type_title(page, "Délibérations 2026")
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_url(re.compile(r"/resource/new"))
    choose_file(page, path)
    page.get_by_role("button", name="Terminer").click()
    page.wait_for_url(re.compile(r"/deliberations/deliberations-2026$"))
    [resource] = helpers.call_action("package_show", id="deliberations-2026")["resources"]
    assert helpers.call_action("resource_validation_show",
                               resource_id=resource["id"])["status"] == "success"

    # the jobs worker loads the conformant file
    Worker().work(burst=True)
    page.goto(f"{live_server}/dataset/deliberations-2026/resource/{resource['id']}")
    status = page.locator(".scdl-table-status")
    assert re.search(r"Ce fichier est aussi une table de 3 lignes, chargée le .+ : "
                     r"consultez-la ci-dessous", status.inner_text())
    preview = page.frame_locator("iframe").first
    preview.get_by_text("Tarifs de la cantine scolaire").wait_for()
    assert "Affichage de l'élément 1 à 3 sur 3 éléments" in preview.locator(
        "body").inner_text()
    page.screenshot(path=f"{SHOTS}/table-resource-{size}.png", full_page=True)
    checked(page)

    # a visitor, from the dataset page
    visitor = new_page(browser, size)
    visitor.goto(f"{live_server}/dataset/deliberations-2026")
    visitor.get_by_role("link", name="Interroger ces données (API)").first.click()
    visitor.wait_for_url(re.compile(r"/api$"))
    text = visitor.locator("[role=main]").inner_text()
    assert "est aussi une table de 3 lignes" in text
    assert "Les lignes dont la colonne « " in text
    visitor.screenshot(path=f"{SHOTS}/table-api-{size}.png", full_page=True)
    checked(visitor)
    example = visitor.get_by_role("link", name=re.compile("datastore_search\\?")).first
    answer = requests.get(example.get_attribute("href"), timeout=30).json()
    assert answer["success"] and answer["result"]["total"] == 3
    assert {r["DELIB_ID"] for r in answer["result"]["records"]} == {
        "2026-001", "2026-002", "2026-003"}
    fields = {f["id"]: f["type"] for f in answer["result"]["fields"]}
    assert fields["DELIB_DATE"] == "date" and fields["VOTE_POUR"] == "int8"
    json.dumps(answer)
