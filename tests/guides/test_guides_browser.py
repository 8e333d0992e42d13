"""The guides in Chromium, on a computer and on a phone: an élue finds her
guide from the home page and follows it to the observatoire; a sysadmin
edits a guide. Screenshots in /tmp/shots/guides-*.png."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from ckan.tests import factories

from ckanext.opendatalocale.guides import texts as content

from ..test_journeys import PASSWORD, SIZES, checked, log_in, new_page
from ..territories.conftest import load

SHOTS = Path("/tmp/shots")


@pytest.mark.parametrize("size", SIZES)
def test_an_elue_finds_her_guide_from_the_home_page(live_server, browser, clean_db, size):
    load({"departement": "35"})
    elu = next(g for g in content.shipped().values() if g.slug == "elu")
    page = new_page(browser, size)
    page.goto(live_server + "/")
    section = page.locator(".portal-actor-guides")
    section.scroll_into_view_if_needed()
    section.get_by_role("link", name=elu.title).click()
    page.wait_for_url(re.compile(r"/guides/elu$"))
    assert page.locator("h1").inner_text() == elu.title
    assert page.get_by_role("heading", name="Liste de contrôle").is_visible()
    checked(page)
    page.screenshot(path=str(SHOTS / f"guides-elu-{size}.png"), full_page=True)
    # the steps link to the portal's real pages
    link = page.locator(".guide-body a[href='/observatoire']").first
    link.click()
    page.wait_for_url(re.compile(r"/observatoire$"))
    assert "qui publie quoi" in page.locator("h1").inner_text()


@pytest.mark.parametrize("size", SIZES)
def test_a_sysadmin_edits_a_guide(live_server, browser, clean_db, size):
    factories.Sysadmin(name="admin-portail", password=PASSWORD)
    slug = "secretaire"
    page = new_page(browser, size)
    log_in(page, live_server, "admin-portail")
    page.goto(live_server + f"/guides/{slug}")
    page.get_by_role("link", name="Modifier ce guide").click()
    page.wait_for_url(re.compile(rf"/guides/{slug}/modifier$"))
    checked(page)
    page.screenshot(path=str(SHOTS / f"guides-edit-{size}.png"), full_page=True)
    page.get_by_label("En une phrase").fill("")
    page.get_by_label("Titre").fill("Secrétaire de mairie : publier pas à pas")
    page.get_by_role("button", name="Enregistrer le guide").click()
    # the browser itself refuses the empty required field: nothing sent, nothing lost
    assert page.url.endswith("/modifier")
    assert page.get_by_label("Titre").input_value() == "Secrétaire de mairie : publier pas à pas"
    page.get_by_label("En une phrase").fill("Tout pour publier sa première délibération.")
    page.get_by_role("button", name="Enregistrer le guide").click()
    page.wait_for_url(re.compile(rf"/guides/{slug}$"))
    assert "Le guide est enregistré." in page.locator(".flash-messages, .alert").first.inner_text()
    assert page.locator("h1").inner_text() == "Secrétaire de mairie : publier pas à pas"
    assert "Tout pour publier" in page.locator(".lead").inner_text()
    checked(page)
    page.get_by_role("link", name="Modifier ce guide").click()
    page.get_by_role("button", name="Rendre au guide son texte d’origine").click()
    page.wait_for_url(re.compile(rf"/guides/{slug}$"))
    assert page.locator("h1").inner_text() == content.shipped()[slug].title
