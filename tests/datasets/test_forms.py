"""Publishing an SCDL dataset through CKAN's forms, as a commune's editor."""
import re

import pytest
from ckan.tests import factories, helpers

from ckanext.opendatalocale.scdl import catalogue

from .conftest import SLUGS


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.fixture
def editor_client(app, commune):
    """A browser session of an editor of commune-35051, logged in through the form."""
    user = factories.User(password="correct horse battery")
    helpers.call_action("organization_member_create", id=commune["id"],
                        username=user["name"], role="editor")
    client = app.test_client()
    page = client.get("/user/login")
    response = client.post("/user/login", data={
        "login": user["name"], "password": "correct horse battery",
        "_csrf_token": csrf(page.body)})
    assert response.status_code in (200, 302)
    return client


@pytest.mark.usefixtures("clean_db")
class TestForms:
    def test_the_form_is_french_and_offers_the_defaults(self, editor_client):
        body = editor_client.get("/deliberations/new").body
        assert "Territoire couvert (code INSEE)" in body
        assert "Licence Ouverte 2.0 (Etalab)" in body
        assert "Fréquence de mise à jour" in body

    @pytest.mark.parametrize("slug", SLUGS)
    def test_publish_each_type_through_both_stages(self, editor_client, commune, slug):
        version = catalogue().get(slug).latest
        form = editor_client.get(f"/{slug}/new")
        response = editor_client.post(f"/{slug}/new", data={
            "_csrf_token": csrf(form.body), "title": "Publié par le formulaire",
            "name": f"{slug}-2025", "owner_org": commune["id"],
            "notes": "Publié par le formulaire.", "license_id": "lov2",
            "frequency": "MONTHLY", "territory_code": "", "_ckan_phase": "dataset_new_1",
            "save": ""},
            follow_redirects=False)
        assert response.status_code == 302
        resource_form_url = response.headers["Location"]
        assert f"/{slug}/{slug}-2025/resource/new" in resource_form_url
        resource_form = editor_client.get(resource_form_url)
        assert "Version du schéma" in resource_form.body
        assert f'value="{version.version}"' in resource_form.body
        response = editor_client.post(resource_form_url, data={
            "_csrf_token": csrf(resource_form.body), "id": "", "url": "https://example.org/d.csv",
            "name": "Fichier 2025", "format": "CSV", "schema_version": version.version,
            "save": "go-metadata"}, follow_redirects=False)
        assert response.status_code == 302
        dataset = helpers.call_action("package_show", id=f"{slug}-2025")
        assert dataset["type"] == slug and dataset["state"] == "active"
        assert dataset["territory_code"] == "35051"
        assert dataset["resources"][0]["schema"] == version.schema_url

    def test_an_invalid_field_shows_the_form_again_with_everything_typed(
            self, editor_client, commune):
        form = editor_client.get("/budget/new")
        response = editor_client.post("/budget/new", data={
            "_csrf_token": csrf(form.body), "title": "Budget primitif 2026",
            "name": "budget-primitif-2026", "owner_org": commune["id"],
            "notes": "Voté le 12 mars.", "territory_code": "3505", "license_id": "lov2",
            "frequency": "ANNUAL", "maintainer": "Service des finances",
            "_ckan_phase": "dataset_new_1", "save": ""})
        assert response.status_code == 200
        body = response.body
        assert "Code inconnu" in body  # the French message of the field error
        for typed in ("Budget primitif 2026", "budget-primitif-2026", "Voté le 12 mars.",
                      "3505", "Service des finances"):
            assert typed in body, f"{typed!r} lost"
        assert helpers.call_action("package_search", q="*:*")["count"] == 0

    def test_a_missing_required_field_shows_the_form_again_in_french(
            self, editor_client, commune):
        form = editor_client.get("/subventions/new")
        response = editor_client.post("/subventions/new", data={
            "_csrf_token": csrf(form.body), "title": "Subventions 2025", "name": "",
            "owner_org": commune["id"], "notes": "Aux associations sportives.",
            "license_id": "odc-odbl", "frequency": "QUARTERLY",
            "_ckan_phase": "dataset_new_1", "save": ""})
        assert response.status_code == 200
        assert "Valeur manquante" in response.body  # CKAN's French "Missing value"
        for typed in ("Subventions 2025", "Aux associations sportives."):
            assert typed in response.body, f"{typed!r} lost"
        # the choices made are still chosen
        assert re.search(r'<option[^>]*value="odc-odbl"[^>]*selected', response.body)
        assert re.search(r'<option[^>]*value="QUARTERLY"[^>]*selected', response.body)
