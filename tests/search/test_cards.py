"""The /dataset page: facets for territory, SCDL type and conformity, in
French, with titles for items; result cards naming the publisher and the
territory, escaped."""
from __future__ import annotations

from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ..dcat.conftest import portal  # noqa: F401 (fixture: Ille-et-Vilaine, 3 datasets)


def page(app, url: str = "/dataset/", **params) -> BeautifulSoup:
    response = app.get(url, query_string=params) if params else app.get(url)
    return BeautifulSoup(response.body, "html.parser")


def facets(soup: BeautifulSoup) -> dict[str, dict[str, str]]:
    """``{facet title: {item label: link}}`` in page order."""
    found = {}
    for section in soup.select("section.module"):
        heading = section.select_one("h2.module-heading")
        items = section.select("a[href] .item-label")
        if heading and items:
            found[heading.get_text(strip=True)] = {
                i.get_text(strip=True): i.find_parent("a")["href"] for i in items}
    return found


def text(element, hidden: str) -> str:
    """An element's text without the parts matching ``hidden``, spaces
    normalised."""
    element = BeautifulSoup(str(element), "html.parser")
    for part in element.select(hidden):
        part.decompose()
    return " ".join(element.get_text().split()).replace(" ,", ",")


def cards(soup: BeautifulSoup, spoken: bool = False) -> dict[str, str]:
    """``{dataset title: publisher line}`` as seen, or as a screen reader
    reads it (``spoken``)."""
    hidden = "[aria-hidden=true]" if spoken else ".visually-hidden"
    return {li.select_one(".dataset-heading a").get_text(strip=True):
            text(li.select_one(".dataset-publisher"), hidden)
            for li in soup.select("li.dataset-item")}


def test_the_facets_in_french_with_titles(app, portal):
    helpers.call_action("package_create", {"user": portal["sysadmin"]}, type="deliberations",
                        name="deliberations-rennes", title="Conseil municipal",
                        owner_org="commune-35238", tags=[{"name": "conseil"}],
                        license_id="lov2")
    found = facets(page(app))
    titles = list(found)
    assert titles[:3] == ["Territoire", "Type de données (SCDL)", "Conformité"]
    assert {"Organisations", "Mots-clés", "Formats", "Licences"} <= set(titles)
    assert {"Rennes", "Cesson-Sévigné", "Rennes Métropole", "Ille-et-Vilaine"} <= set(
        found["Territoire"])
    assert "commune-35238" not in found["Territoire"]
    assert {"Délibérations", "Subventions"} <= set(found["Type de données (SCDL)"])
    assert set(found["Conformité"]) == {"Conforme", "Non conforme"}
    # the territory facet filters on the territory and every one below it
    chosen = page(app, found["Territoire"]["Rennes Métropole"])
    assert set(cards(chosen)) == {"subventions-rennes", "subventions-cesson",
                                  "arbres-metropole", "Conseil municipal"}
    chosen = page(app, found["Territoire"]["Rennes"])
    assert set(cards(chosen)) == {"subventions-rennes", "Conseil municipal"}
    chosen = page(app, found["Conformité"]["Non conforme"])
    assert set(cards(chosen)) == {"subventions-cesson"}


def test_the_facets_in_english(app, portal):
    found = facets(page(app, "/en/dataset/"))
    assert list(found)[:3] == ["Territory", "SCDL type", "Conformity"]
    assert set(found["Conformity"]) == {"Compliant", "Not compliant"}
    assert "Licences" in found


def test_a_card_names_the_publisher_and_its_territory(app, portal):
    soup = page(app)
    shown = cards(soup)
    assert shown["subventions-rennes"] == "Publié par Rennes · Commune · Ille-et-Vilaine"
    assert shown["arbres-metropole"] == "Publié par Rennes Métropole · EPCI · Ille-et-Vilaine"
    # a screen reader hears commas, not the dots
    assert cards(soup, spoken=True)["subventions-rennes"] == \
        "Publié par Rennes, Commune, Ille-et-Vilaine"
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".dataset-publisher a")}
    assert links["Rennes"].endswith("/organization/commune-35238")
    english = cards(page(app, "/en/dataset/"))
    assert english["subventions-rennes"] == "Published by Rennes · Commune · Ille-et-Vilaine"


def test_the_card_of_a_plain_organisation_is_escaped(app, portal):
    owner = factories.Organization(name="collectif", title='<b onclick="x()">Collectif & Cie</b>')
    helpers.call_action("package_create", {"user": portal["sysadmin"]}, name="donnees-collectif",
                        title="Données du collectif", owner_org=owner["id"])
    soup = page(app, q="collectif")
    assert cards(soup)["Données du collectif"] == \
        'Publié par <b onclick="x()">Collectif & Cie</b>'
    assert soup.select_one(".dataset-publisher b") is None
