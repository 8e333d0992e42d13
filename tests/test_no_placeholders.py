"""No placeholder anywhere: the portal's name where CKAN puts its logo, no
stand-in picture for an organisation, a territory described rather than
"there is no description"."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from .territories.conftest import load


@pytest.fixture
def ille_et_vilaine(clean_db):
    load({"departement": "35"})


def soup(app, path):
    return BeautifulSoup(app.get(path).body, "html.parser")


@pytest.mark.parametrize("path", ["/", "/dataset/", "/organization/", "/socle-commun/"])
def test_the_header_names_the_portal_not_ckan(app, ille_et_vilaine, path):
    page = soup(app, path)
    brand = page.select_one("header.masthead a.site-title")
    assert brand.get_text(strip=True) == "Portail de test" and brand["href"] == "/"
    assert "ckan-logo" not in str(page.select_one("header.masthead"))


@pytest.mark.ckan_config("ckan.site_logo", "/logo-rennes.png")
def test_a_portal_s_own_logo_is_shown(app, ille_et_vilaine):
    logo = soup(app, "/").select_one("header.masthead a.logo img")
    assert logo["src"].endswith("/logo-rennes.png") and logo["alt"] == "Portail de test"


def test_no_stand_in_picture_for_organisations(app, ille_et_vilaine):
    for path in ("/organization/", "/organization/commune-35238",
                 "/organization/epci-243500139"):
        assert "placeholder-organization" not in app.get(path).body, path


def test_a_territory_without_description_says_what_it_is(app, ille_et_vilaine):
    text = soup(app, "/organization/commune-35238").select_one(
        "#organization-info .territory-summary").get_text(strip=True)
    assert text == "Commune — Rennes Métropole, 230\u202f890 habitants"
    plain = factories.Organization(name="association-velo", description="")
    assert soup(app, f"/organization/{plain['name']}").select_one(".territory-summary") is None
