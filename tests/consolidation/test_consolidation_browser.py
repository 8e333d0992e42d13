"""The agent of Rennes Métropole turns consolidation on in Chromium (issue
17, item 3): from the EPCI's page, « Fichiers consolidés », « Activer la
consolidation »; once the worker has built them, the délibérations of her
communes are one dataset of the EPCI. At 1280 and 390 px, with axe-core."""
from __future__ import annotations

import re

import pytest
from ckan.lib.jobs import Worker

from tests.test_journeys import SIZES, checked, log_in, new_page, person
from tests.tables.test_load import rows_csv

from .test_build import CESSON, EPCI, RENNES, ids, publish, territory  # noqa: F401

SHOTS = "/tmp/shots"


@pytest.mark.usefixtures("territory")
@pytest.mark.parametrize("size", SIZES)
def test_the_agent_turns_consolidation_on(live_server, browser, size):
    publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(3, "CES")))
    publish(RENNES, "delib-rennes", rows_csv("deliberations", ids(2, "REN")))
    person("agente", EPCI, role="admin")
    page = new_page(browser, size)
    log_in(page, live_server, "agente")
    page.goto(f"{live_server}/organization/{EPCI}")
    page.get_by_role("link", name="Fichiers consolidés").click()
    page.wait_for_url(re.compile(r"/consolidation$"))
    assert "La consolidation est arrêtée." in page.locator(".scdl-consolidation-state").inner_text()
    checked(page)
    page.get_by_role("button", name="Activer la consolidation").click()
    page.wait_for_url(re.compile(r"/consolidation$"))
    assert "La consolidation est activée" in page.locator("[role=main]").inner_text()
    Worker().work(burst=True)
    page.reload()
    row = page.locator("tr", has_text="Délibérations")
    assert row.locator("td").nth(2).inner_text() == "2"
    assert row.locator("td").nth(3).inner_text() == "5"
    page.screenshot(path=f"{SHOTS}/consolidation-{size}.png", full_page=True)
    checked(page)
    row.get_by_role("link", name="Voir le jeu de données").click()
    page.wait_for_url(re.compile(rf"deliberations-{EPCI}-consolide$"))
    assert "Délibérations des communes de Rennes Métropole" in page.locator("h1").first.inner_text()
    checked(page)
