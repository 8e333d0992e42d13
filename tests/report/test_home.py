"""The home page is the territory's portal, not CKAN's placeholder; "À propos"
says what the portal is."""
from __future__ import annotations

import re

import pytest
from ckan.tests import factories, helpers

from ..territories.conftest import load

PLACEHOLDERS = ("Bienvenue sur CKAN", "Welcome to CKAN", "placeholder-420x220", "Bienvenue sur le portail CKAN",
                "CKAN is the world", "Lorem ipsum")


def text(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def portal(clean_db):
    load({"departement": "35"})
    sysadmin = factories.Sysadmin()["name"]
    helpers.call_action("package_create", {"user": sysadmin}, type="deliberations",
                        name="deliberations-rennes", title="Délibérations de Rennes",
                        owner_org="commune-35238")
    helpers.call_action("package_create", {"user": sysadmin}, name="arrets-prives",
                        title="Arrêtés privés", owner_org="commune-35238", private=True)
    return sysadmin


@pytest.mark.ckan_config("ckanext.opendatalocale.report.portal_territory", "epci-243500139")
def test_the_home_page_shows_the_territory_s_progress_and_latest(app, portal):
    body = app.get("/").body
    words = text(body)
    assert body.count("<h1") == 1
    assert "Le socle commun : Rennes Métropole" in words
    assert "1 sur 43 communes publient, 0 conformes" in words  # délibérations
    assert "0 sur 43 communes publient" in words
    assert 'href="/observatoire/epci-243500139"' in body
    assert "Délibérations de Rennes" in words and "Arrêtés privés" not in words
    assert 'href="/socle-commun/deliberations/"' in body
    assert 'action="/dataset/"' in body and 'name="q"' in body
    for placeholder in PLACEHOLDERS:
        assert placeholder not in body


def test_the_home_page_of_a_portal_without_territory_counts_france(app, portal):
    words = text(app.get("/").body)
    france = helpers.call_action("scdl_compliance_show")["totals"]["deliberations"]
    assert france["communes"] > 43
    assert "Le socle commun : France" in words
    assert f"1 sur {france['communes']} communes publient, 0 conformes" in words


@pytest.mark.ckan_config("ckanext.opendatalocale.report.portal_territory", "epci-000000000")
def test_an_unknown_portal_territory_leaves_the_progress_out(app, portal):
    response = app.get("/")
    assert response.status_code == 200
    assert "Le socle commun :" not in text(response.body)
    assert "Délibérations de Rennes" in text(response.body)


@pytest.mark.ckan_config("ckan.site_intro_text", "Bienvenue sur le portail de **Rennes**.")
def test_the_introduction_is_configurable(app, portal):
    body = app.get("/").body
    assert "<strong>Rennes</strong>" in body


def test_about_says_what_the_portal_is(app, portal):
    words = text(app.get("/about").body)
    assert "portail de données ouvertes des collectivités du territoire" in words
    assert "CKAN is the world" not in words and "CKAN est la" not in words


@pytest.mark.ckan_config("ckanext.opendatalocale.report.portal_territory", "epci-243500139")
@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_searches_from_the_home_page(live_server, browser, portal, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server + "/")
    page.screenshot(path=f"/tmp/shots/home-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_role("heading", level=1).inner_text() == "Portail de test"
    assert page.get_by_role("heading", name="Le socle commun : Rennes Métropole").is_visible()
    page.get_by_label("Rechercher des jeux de données").fill("délibérations")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url(re.compile(r"/dataset/\?q="))
    assert page.get_by_role("link", name="Délibérations de Rennes").first.is_visible()
