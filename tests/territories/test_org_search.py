"""Searching organisations: the one named exactly so first, then those whose
name begins so, then the others (core sorts every match by title, which puts
Arbigny-sous-Varennes before Rennes)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers


@pytest.fixture
def organisations(clean_db):
    for name, title in [("commune-52012", "Arbigny-sous-Varennes"),
                        ("commune-35238", "Rennes"),
                        ("epci-243500139", "Rennes Métropole"),
                        ("commune-35240", "Le Rheu"),
                        ("commune-35281", "Saint-Jacques-de-la-Lande"),
                        ("association-rennaise", "Association des amis de Rennes")]:
        factories.Organization(name=name, title=title,
                               description="Près de Rennes" if name == "commune-35240" else "")


def test_the_api_lists_the_exact_name_first(organisations):
    found = helpers.call_action("organization_list", q="Rennes")
    assert found == ["commune-35238", "epci-243500139", "commune-52012",
                     "association-rennaise", "commune-35240"]
    # case ignored, and the name (the territory's code) counts as much as the title
    assert helpers.call_action("organization_list", q="rennes")[0] == "commune-35238"
    assert helpers.call_action("organization_list", q="COMMUNE-52012") == ["commune-52012"]
    # within a rank, the order asked for
    assert helpers.call_action("organization_list", q="Rennes", sort="title desc") == [
        "commune-35238", "epci-243500139", "commune-35240", "association-rennaise",
        "commune-52012"]


def test_paging_and_all_fields_keep_the_order(organisations):
    pages = [helpers.call_action("organization_list", q="Rennes", limit=2, offset=offset)
             for offset in (0, 2, 4)]
    assert pages == [["commune-35238", "epci-243500139"],
                     ["commune-52012", "association-rennaise"], ["commune-35240"]]
    shown = helpers.call_action("organization_list", q="Rennes", all_fields=True, limit=3)
    assert [o["title"] for o in shown] == ["Rennes", "Rennes Métropole",
                                           "Arbigny-sous-Varennes"]
    # without q, core's order (by title)
    assert helpers.call_action("organization_list")[0] == "commune-52012"


def test_bad_paging_is_a_clear_error(organisations):
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action("organization_list", q="Rennes", limit="beaucoup")


def test_the_page_lists_rennes_first(app, organisations):
    page = BeautifulSoup(app.get("/organization/", query_string={"q": "Rennes"}).body,
                         "html.parser")
    titles = [h.get_text(strip=True) for h in page.select(".media-item .media-heading")]
    assert titles == ["Rennes", "Rennes Métropole", "Arbigny-sous-Varennes",
                      "Association des amis de Rennes", "Le Rheu"]


def test_accents_are_ignored_as_well_as_case(organisations):
    factories.Organization(name="commune-35051", title="Cesson-Sévigné")
    assert helpers.call_action("organization_list", q="cesson-sevigne") == ["commune-35051"]
    assert helpers.call_action("organization_list", q="RENNES METROPOLE") == ["epci-243500139"]
    assert helpers.call_action("organization_list", q="Métropole") == ["epci-243500139"]
    # q is text, not a pattern
    assert helpers.call_action("organization_list", q="R%s") == []
