"""La dotation de données in Chromium (issue 18, item 3): the portal's
sysadmin sends the national IRVE file from her computer on « Dotation de
données » and follows the import; then the secretary of Cesson-Sévigné finds
« Données prêtes à publier » on her socle-commun page and publishes them in
one click. At 1280 and 390 px, with axe-core."""
from __future__ import annotations

import os
import re

import pytest
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers

from ckanext.opendatalocale.dotation import imports
from tests.scdl.test_dotation import national_irve
from tests.test_journeys import PASSWORD, SIZES, checked, log_in, new_page, person

from .test_import import CESSON, RENNES, territory  # noqa: F401

SHOTS = "/tmp/shots"


@pytest.mark.usefixtures("territory")
@pytest.mark.parametrize("size", SIZES)
def test_the_sysadmin_imports_and_the_secretary_publishes(live_server, browser, size,
                                                           tmp_path):
    national = tmp_path / "consolidation-etalab-schema-irve-statique.csv"
    national_irve(national, [CESSON] * 3 + [RENNES] * 2 + ["29019"])
    factories.Sysadmin(name="admin-portail", password=PASSWORD)
    page = new_page(browser, size)
    log_in(page, live_server, "admin-portail")
    page.goto(f"{live_server}/ckan-admin/")
    page.get_by_role("link", name="Dotation de données").click()
    page.wait_for_url(re.compile(r"/ckan-admin/dotation$"))
    checked(page)
    page.get_by_label("Fichier national", exact=True).select_option("irve")
    page.get_by_label("Le fichier (CSV)").set_input_files(str(national))
    page.get_by_label("Date du fichier national (facultatif)").fill("2026-11-30")
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url(re.compile(r"/ckan-admin/dotation/[0-9a-f-]+$"))
    main = page.locator("[role=main]").inner_text()
    assert "en attente" in main and "consolidation-etalab-schema-irve-statique.csv" in main
    assert "Import : Fichier consolidé national des bornes de recharge (IRVE)" in main
    checked(page)
    Worker().work(burst=True)          # the jobs worker's part
    [started] = imports.recent(1)
    assert not os.path.exists(started["location"])   # the file sent is not kept
    page.wait_for_function(
        "document.querySelector('#dotation-progress').dataset.state === 'done'",
        timeout=15000)                 # the page follows the import by itself
    text = page.locator("[role=main]").inner_text()
    assert "terminé" in text and "100 %" in text
    assert "6 lignes lues, 5 pour 2 collectivités du portail." in text
    assert "Jeux de données proposés : 2" in text
    assert page.get_by_role("link", name="Voir les jeux de données proposés").count() == 1
    page.screenshot(path=f"{SHOTS}/dotation-import-{size}.png", full_page=True)
    checked(page)

    person("secretaire", f"commune-{CESSON}")
    other = new_page(browser, size)
    log_in(other, live_server, "secretaire")
    other.goto(f"{live_server}/socle-commun/")
    section = other.locator(".scdl-dotation-proposals")
    assert "Données prêtes à publier" in section.inner_text()
    assert "3 lignes issues de Fichier consolidé national des bornes de recharge (IRVE) du " \
           "30 novembre 2026" in section.inner_text()
    other.screenshot(path=f"{SHOTS}/dotation-proposals-{size}.png", full_page=True)
    checked(other)
    section.get_by_role("button", name=re.compile(r"^Publier")).click()
    other.wait_for_url(re.compile(r"/socle-commun/"))
    assert "est publié" in other.locator(".alert").first.inner_text()
    assert other.locator(".scdl-dotation-proposals").count() == 0
    checked(other)
    dataset = helpers.call_action("package_show", id=f"irve-commune-{CESSON}")
    assert not dataset["private"]
    # a visitor now sees it
    visitor = new_page(browser, size)
    visitor.goto(f"{live_server}/irve/irve-commune-{CESSON}")
    assert "Données issues de Fichier consolidé national des bornes de recharge (IRVE) du " \
           "30/11/2026." in visitor.locator("[role=main]").inner_text()
    checked(visitor)
