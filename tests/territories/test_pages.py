"""The territory pages: the place in the tree, the communes below with their
dataset counts, the datasets of sub-territories, one organisation form."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from .conftest import org


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def logged_in(app, role: str | None = None, organization: str | None = None,
              sysadmin: bool = False):
    password = "correct horse battery"
    user = (factories.Sysadmin if sysadmin else factories.User)(password=password)
    if organization:
        helpers.call_action("organization_member_create", id=organization,
                            username=user["name"], role=role)
    client = app.test_client()
    page = client.get("/user/login")
    client.post("/user/login", data={"login": user["name"], "password": password,
                                     "_csrf_token": csrf(page.body)})
    return client


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.body, "html.parser")


def test_a_commune_page_shows_its_place_in_the_tree(app, bretagne):
    page = soup(app.get("/organization/commune-35238"))
    crumbs = [a.get_text(strip=True) for a in page.select(".breadcrumb a")]
    assert crumbs[-4:] == ["Bretagne", "Ille-et-Vilaine", "Rennes Métropole", "Rennes"]
    facts = page.select_one("#territory").get_text(" ", strip=True)
    assert "Commune" in facts and "35238" in facts and "230 890" in facts
    assert "oui (plus de 3 500 habitants)" in facts


def test_an_epci_page_lists_its_communes_with_their_public_dataset_counts(app, bretagne):
    rennes = org("commune-35238")
    for _ in range(2):
        factories.Dataset(owner_org=rennes["id"])
    factories.Dataset(owner_org=rennes["id"], private=True)
    page = soup(app.get("/organization/epci-243500139"))
    children = {a.get_text(strip=True): a.find_next_sibling("span").get_text(strip=True)
                for a in page.select(".territory-children a")}
    assert len(children) == 43
    names = list(children)
    assert names.index("Bécherel") < names.index("Brécé")  # French order
    assert children["Rennes"] == "2" and children["Cesson-Sévigné"] == "0"


def test_an_organisation_page_can_list_the_datasets_of_the_territories_below(app, bretagne):
    commune_dataset = factories.Dataset(owner_org=org("commune-35238")["id"],
                                        title="Budget de Rennes")
    epci_dataset = factories.Dataset(owner_org=org("epci-243500139")["id"],
                                     title="Budget de la métropole")
    own = app.get("/organization/epci-243500139").body
    assert epci_dataset["title"] in own and commune_dataset["title"] not in own
    below = soup(app.get("/organization/departement-35", query_string={
        "ext_territoires": "1"}))
    titles = {a.get_text(strip=True) for a in below.select(".dataset-heading a")}
    assert {epci_dataset["title"], commune_dataset["title"]} <= titles
    assert "Seulement les jeux de données de cette organisation" in str(below)


def test_the_organisations_index_opens_on_the_regions(app, bretagne):
    page = soup(app.get("/organization/"))
    roots = [a.get_text(strip=True) for a in page.select("#territory-roots a")]
    assert roots == ["Bretagne"]
    assert page.select(".organization-list li, ul.media-grid li")


def test_a_merged_commune_links_to_the_commune_nouvelle(app, bretagne):
    sysadmin = factories.Sysadmin()
    helpers.call_action("organization_patch", {"user": sysadmin["name"]},
                        id="commune-35051", territory_status="merged",
                        merged_into="commune-35238")
    page = soup(app.get("/organization/commune-35051"))
    link = page.select_one("#territory a[href$='/organization/commune-35238']")
    assert link is not None and "Fusionnée dans" in page.select_one("#territory").get_text()


def test_sysadmins_edit_the_territory_fields_and_the_parent(app, bretagne):
    client = logged_in(app, sysadmin=True)
    form = soup(client.get("/organization/edit/commune-35238"))
    assert form.select_one("#field-territory-code")["value"] == "35238"
    assert form.select_one("#field-parent")["value"] == "epci-243500139"
    fields = {i["name"]: i.get("value", "") for i in form.select("#organization-edit-form input")
              if i.get("name") and i.get("type") not in ("file", "checkbox")}
    fields.update({"description": "Ville de Rennes", "groups__0__name": "epci-243500774",
                   "territory_level": "commune", "obligation": "true", "save": ""})
    response = client.post("/organization/edit/commune-35238", data=fields)
    assert response.status_code in (200, 302)
    rennes = org("commune-35238")
    assert rennes["description"] == "Ville de Rennes"
    assert [g["name"] for g in rennes["groups"]] == ["epci-243500774"]
    assert rennes["territory_code"] == "35238"


def test_a_commune_admin_sees_the_territory_fields_and_edits_the_rest(app, bretagne):
    client = logged_in(app, "admin", "commune-35238")
    form = soup(client.get("/organization/edit/commune-35238"))
    assert form.select_one("#field-territory-code") is None
    assert "Code officiel géographique" in form.select_one(".territory-fields").get_text()
    fields = {i["name"]: i.get("value", "") for i in form.select("#organization-edit-form input")
              if i.get("name") and i.get("type") not in ("file", "checkbox")}
    # a hand-made post trying to change the code and the parent
    fields.update({"description": "Mairie de Rennes", "territory_code": "00000",
                   "groups__0__name": "epci-243500774", "save": ""})
    response = client.post("/organization/edit/commune-35238", data=fields)
    assert response.status_code in (200, 302)
    rennes = org("commune-35238")
    assert rennes["description"] == "Mairie de Rennes"
    assert rennes["territory_code"] == "35238"
    assert [g["name"] for g in rennes["groups"]] == ["epci-243500139"]
    assert len(rennes["users"]) == 1


def test_an_epci_admin_cannot_delete_a_commune(app, bretagne):
    client = logged_in(app, "admin", "epci-243500139")
    assert client.get("/organization/delete/commune-35238").status_code == 403
    assert org("commune-35238")["state"] == "active"


def test_the_organisation_list_counts_datasets_in_one_search_as_core_would(bretagne):
    """``organization_list`` with all fields (the index page) counts each
    organisation's datasets as ``organization_show`` does, for each user."""
    rennes, cesson = org("commune-35238"), org("commune-35051")
    factories.Dataset(owner_org=rennes["id"])
    factories.Dataset(owner_org=rennes["id"], private=True)
    factories.Dataset(owner_org=cesson["id"], private=True)
    editor = factories.User()
    helpers.call_action("organization_member_create", id=rennes["id"],
                        username=editor["name"], role="editor")
    for user in ("", editor["name"]):
        context = {"user": user, "ignore_auth": False}
        listed = [item for q in ("commune-3505", "commune-3523") for item in
                  helpers.call_action("organization_list", dict(context), all_fields=True,
                                      include_dataset_count=True, q=q, limit=25)]
        assert {"commune-35051", "commune-35238"} <= {item["name"] for item in listed}
        for item in listed:
            shown = helpers.call_action("organization_show", dict(context), id=item["id"],
                                        include_dataset_count=True)
            assert item["package_count"] == shown["package_count"], item["name"]
        counts = {item["name"]: item["package_count"] for item in listed}
        assert counts.get("commune-35051") == 0
        assert counts["commune-35238"] == (2 if user else 1)  # the editor sees her private one
