"""The territory agent publishes for her communes: the organisation select
of the form, "publié par Rennes Métropole pour Clayes", the visible download,
the territory page's link to its observatoire."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers

from ..territories.conftest import load
from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload

RENNES_METROPOLE, CLAYES = "epci-243500139", "commune-35081"


def token(user: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user)["token"]}


def soup_of(app, path, user=None) -> BeautifulSoup:
    return BeautifulSoup(app.get(path, headers=token(user) if user else {}).body,
                         "html.parser")


@pytest.fixture
def agent(clean_db):
    load({"departement": "35"})
    factories.User(name="agente")
    helpers.call_action("organization_member_create", id=RENNES_METROPOLE,
                        username="agente", role="editor")
    return "agente"


def test_the_form_offers_her_epci_first_then_its_communes_grouped(app, agent):
    select = soup_of(app, "/subventions/new", agent).select_one("select#field-organizations")
    assert not select.get("data-module")  # a native select, usable on a phone
    [group] = select.find_all("optgroup")
    assert group["label"] == "Rennes Métropole"
    options = [o.get_text(strip=True) for o in group.find_all("option")]
    assert options[0] == "Rennes Métropole" and len(options) == 44
    assert options[1:4] == ["Acigné", "Bécherel", "Betton"]


def test_the_form_keeps_the_organisation_it_was_opened_for(app, agent):
    clayes = helpers.call_action("organization_show", id=CLAYES)
    select = soup_of(app, f"/subventions/new?group={clayes['id']}", agent).select_one(
        "select#field-organizations")
    assert select.select_one("option[selected]").get_text(strip=True) == "Clayes"


def test_a_dataset_published_by_the_agent_says_for_whom(app, agent):
    clayes = helpers.call_action("organization_show", id=CLAYES)
    helpers.call_action("package_create", {"user": agent}, type="subventions",
                        name="subventions-clayes", title="Subventions de Clayes",
                        owner_org=clayes["id"])
    by = soup_of(app, "/subventions/subventions-clayes").select_one(".dataset-published-by")
    assert by.get_text(" ", strip=True) == "Publié par Rennes Métropole pour Clayes"
    assert [a["href"] for a in by.find_all("a")] == [
        f"/organization/{RENNES_METROPOLE}", f"/organization/{CLAYES}"]


def test_a_commune_publishing_for_itself_says_nothing_more(app, agent):
    factories.User(name="secretaire")
    helpers.call_action("organization_member_create", id=CLAYES, username="secretaire",
                        role="editor")
    helpers.call_action("package_create", {"user": "secretaire"}, type="subventions",
                        name="subventions-clayes", title="Subventions de Clayes",
                        owner_org=CLAYES)
    assert soup_of(app, "/subventions/subventions-clayes").select_one(
        ".dataset-published-by") is None


def test_a_hostile_territory_title_is_escaped(app, agent):
    sysadmin = factories.Sysadmin()["name"]
    helpers.call_action("organization_patch", {"user": sysadmin}, id=RENNES_METROPOLE,
                        title="<img src=x onerror=alert(1)>")
    helpers.call_action("package_create", {"user": agent}, type="subventions",
                        name="subventions-clayes", title="Subventions de Clayes",
                        owner_org=CLAYES)
    body = app.get("/subventions/subventions-clayes").body
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_dataset_page_shows_the_download_with_format_size_and_date(app, agent):
    dataset = helpers.call_action("package_create", {"user": agent}, type="subventions",
                                  name="subventions-clayes", title="Subventions de Clayes",
                                  owner_org=CLAYES)
    resource = helpers.call_action("resource_create", {"user": agent},
                                   package_id=dataset["id"], name="subventions-2026.csv",
                                   format="CSV", upload=upload(SUBVENTIONS))
    box = soup_of(app, "/subventions/subventions-clayes").select_one(".dataset-downloads")
    assert box.find("h2").get_text(strip=True) == "Télécharger le fichier"
    link = box.select_one("a.btn")
    assert link["href"] == resource["url"] and link.has_attr("download")
    assert "Télécharger subventions-2026.csv" in link.get_text(" ", strip=True)
    facts = box.select_one(".dataset-download-facts").get_text(" ", strip=True)
    assert facts.startswith("CSV · ") and "octets" in facts and "mis à jour le" in facts


def test_a_territory_page_links_its_observatoire(app, agent):
    link = soup_of(app, f"/organization/{RENNES_METROPOLE}").select_one(
        ".territory-observatoire a")
    assert link["href"] == f"/observatoire/{RENNES_METROPOLE}"
    assert "Rennes Métropole" in link.get_text()
    plain = factories.Organization(name="association-velo")
    assert soup_of(app, f"/organization/{plain['name']}").select_one(
        ".territory-observatoire") is None
