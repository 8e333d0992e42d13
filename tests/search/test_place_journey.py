"""A visitor finds Rennes's délibérations from /dataset in Chromium: the
search box, the territory facet, the dataset — on a desktop and a phone
screen, without horizontal scrolling."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ckan.tests import factories, helpers

from ..territories.conftest import load

SHOTS = Path("/tmp/shots")


@pytest.fixture
def deliberations(clean_db):
    load({"departement": "35"})
    sysadmin = factories.Sysadmin()["name"]
    for owner, name in [("commune-35238", "deliberations-rennes"),
                        ("commune-35047", "deliberations-bruz"),
                        ("epci-243500774", "deliberations-liffre-cormier")]:
        helpers.call_action("package_create", {"user": sysadmin}, type="deliberations",
                            name=name, title="Délibérations du conseil",
                            owner_org=owner, notes="Les actes du conseil, chaque mois.")
    helpers.call_action("package_create", {"user": sysadmin}, type="budget",
                        name="budget-rennes", title="Budget primitif",
                        owner_org="commune-35238")


def seen(locator) -> str:
    """An element's text as seen (screen-reader-only parts left out)."""
    return " ".join(locator.evaluate(
        "e => { const c = e.cloneNode(true);"
        " c.querySelectorAll('.visually-hidden').forEach(h => h.remove());"
        " return c.textContent; }").split())


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_finds_rennes_s_deliberations(live_server, browser, deliberations, width):
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    page.goto(live_server + "/dataset/")
    search = page.get_by_role("searchbox").or_(page.locator("#field-giant-search")).first
    search.fill("délibérations Rennes")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/dataset/\?q="))
    page.screenshot(path=SHOTS / f"finding-results-{width}.png", full_page=True)
    assert no_horizontal_scroll(page)
    first = page.locator("li.dataset-item").first
    assert seen(first.locator(".dataset-publisher")) == \
        "Publié par Rennes · Commune · Ille-et-Vilaine"
    # Bruz is in Rennes Métropole: found too, after Rennes; Liffré-Cormier not
    publishers = page.locator("li.dataset-item .dataset-publisher a").all_inner_texts()
    assert publishers == ["Rennes", "Bruz"]

    territory = page.locator("section.module", has=page.get_by_role(
        "heading", name="Territoire"))
    choice = territory.get_by_role("link", name=re.compile(r"^Rennes\b(?! Métropole)"))
    if not choice.is_visible():  # a phone: the filters are behind a button
        page.get_by_role("button", name="Filtrer les résultats").click()
        page.screenshot(path=SHOTS / f"finding-filters-{width}.png", full_page=True)
    choice.click()
    page.wait_for_url(re.compile(r"vocab_territories=commune-35238"))
    page.screenshot(path=SHOTS / f"finding-facet-{width}.png", full_page=True)
    assert no_horizontal_scroll(page)
    assert page.locator("li.dataset-item .dataset-publisher a").all_inner_texts() == ["Rennes"]

    page.locator("li.dataset-item .dataset-heading a").first.click()
    page.wait_for_url(re.compile(r"/deliberations/deliberations-rennes"))
    page.screenshot(path=SHOTS / f"finding-dataset-{width}.png", full_page=True)
    assert no_horizontal_scroll(page)
    assert "Délibérations du conseil" in page.get_by_role("heading", level=1).first.inner_text()
