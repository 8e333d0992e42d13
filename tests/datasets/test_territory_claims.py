"""Facts stay facts: a dataset covers its organisation's territory or one
within it (Cesson-Sévigné's editor cannot claim Paris); only sysadmins set
another. The territory tree is loaded once for the module: its tests write
datasets of their own names only."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.logic as logic
from ckan.tests import factories, helpers

from ..territories.conftest import org, region_53_once  # noqa: F401 (a fixture)
from .test_forms import csrf

CESSON, METROPOLE, DEPARTEMENT = "commune-35051", "epci-243500139", "departement-35"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def editors(region_53_once):
    people = {}
    for organization in (CESSON, METROPOLE, DEPARTEMENT):
        people[organization] = factories.User(password=PASSWORD)["name"]
        helpers.call_action("organization_member_create", id=organization,
                            username=people[organization], role="editor")
    return people


def publish(user, organization, code, name):
    return helpers.call_action(
        "package_create", {"user": user, "ignore_auth": False}, type="budget", name=name,
        title="Budget primitif", owner_org=organization, territory_code=code)


@pytest.mark.parametrize("organization, code, name", [
    (CESSON, "35051", "own-commune"),
    (CESSON, "", "default-code"),
    (METROPOLE, "35051", "commune-of-the-epci"),
    (METROPOLE, "243500139", "the-epci-itself"),
    (DEPARTEMENT, "35238", "commune-of-the-departement"),
    (DEPARTEMENT, "243500139", "epci-of-the-departement"),
])
def test_an_editor_claims_her_territory_or_one_within_it(editors, organization, code, name):
    dataset = publish(editors[organization], organization, code, name)
    assert dataset["territory_code"] == (code or "35051")


@pytest.mark.parametrize("organization, code", [
    (CESSON, "75056"),  # Paris, not on this portal
    (CESSON, "35238"),  # Rennes, its neighbour
    (CESSON, "243500139"),  # its own EPCI, above it
    (CESSON, "35"),
    (METROPOLE, "35"),  # its département, above it
    (METROPOLE, "35152"),  # Liffré, a commune of another EPCI
    (DEPARTEMENT, "22016"),  # a commune of the Côtes-d'Armor
    (DEPARTEMENT, "53"),  # its région
])
def test_an_editor_cannot_claim_another_territory(editors, organization, code):
    with pytest.raises(logic.ValidationError) as refused:
        publish(editors[organization], organization, code, f"claim-{organization}-{code}")
    assert list(refused.value.error_dict) == ["territory_code"]


def test_a_sysadmin_sets_any_territory_and_an_editor_edit_keeps_it(editors):
    sysadmin = factories.Sysadmin()["name"]
    dataset = publish(sysadmin, CESSON, "75056", "set-by-a-sysadmin")
    assert dataset["territory_code"] == "75056"
    editor = {"user": editors[CESSON], "ignore_auth": False}
    edited = helpers.call_action("package_patch", dict(editor), id=dataset["id"],
                                 notes="Corrigé par la commune")
    assert edited["territory_code"] == "75056"
    # but changing it is a claim again
    with pytest.raises(logic.ValidationError):
        helpers.call_action("package_patch", dict(editor), id=dataset["id"],
                            territory_code="35238")


def test_an_update_cannot_claim_another_territory(editors):
    dataset = publish(editors[CESSON], CESSON, "", "updated-later")
    with pytest.raises(logic.ValidationError):
        helpers.call_action("package_patch", {"user": editors[CESSON], "ignore_auth": False},
                            id=dataset["id"], territory_code="75056")
    assert helpers.call_action("package_show", id=dataset["id"])["territory_code"] == "35051"


def test_the_form_says_in_french_why_paris_is_refused(app, editors):
    client = app.test_client()
    login = client.get("/user/login")
    client.post("/user/login", data={"login": editors[CESSON], "password": PASSWORD,
                                     "_csrf_token": csrf(login.body)})
    form = client.get("/budget/new")
    response = client.post("/budget/new", data={
        "_csrf_token": csrf(form.body), "title": "Budget de Paris", "name": "budget-paris",
        "owner_org": org(CESSON)["id"], "notes": "Voté le 12 mars.", "territory_code": "75056",
        "license_id": "lov2", "frequency": "ANNUAL", "_ckan_phase": "dataset_new_1",
        "save": ""})
    assert response.status_code == 200
    text = BeautifulSoup(response.body, "html.parser").get_text(" ")
    assert ("Le territoire couvert est celui de l'organisation (Cesson-Sévigné) ou un "
            "territoire qui en fait partie : 75056 n'est ni l'un ni l'autre.") in text
    with pytest.raises(logic.NotFound):
        helpers.call_action("package_show", id="budget-paris")
