"""Published means public: the SCDL form proposes "Public", and a private
dataset says on its page who can see it."""
import re

import pytest
from ckan.tests import factories, helpers

from .test_forms import csrf, editor_client  # noqa: F401 (fixture)

PRIVATE_NOTICE = "visible seulement par les membres de"


def selected_visibility(body: str) -> str:
    select = re.search(r'<select id="field-private".*?</select>', body, re.S).group(0)
    return re.search(r'<option value="(\w+)"\s*selected', select).group(1)


@pytest.mark.usefixtures("clean_db")
class TestVisibility:
    def test_a_new_scdl_dataset_is_public_unless_said_otherwise(self, editor_client):
        body = editor_client.get("/deliberations/new").body
        assert selected_visibility(body) == "False"
        assert "seuls les membres de l’organisation qui publie le voient" in body

    def test_the_form_keeps_a_private_choice(self, editor_client, commune):
        form = editor_client.get("/budget/new")
        response = editor_client.post("/budget/new", data={
            "_csrf_token": csrf(form.body), "title": "Budget 2026", "name": "budget-2026",
            "owner_org": commune["id"], "private": "True", "territory_code": "3505",
            "license_id": "lov2", "frequency": "ANNUAL", "_ckan_phase": "dataset_new_1",
            "save": ""})
        assert response.status_code == 200  # the wrong code sends the form back
        assert selected_visibility(response.body) == "True"

    def test_a_private_dataset_says_who_sees_it(self, editor_client, commune):
        sysadmin = factories.Sysadmin()["name"]
        helpers.call_action("package_create", {"user": sysadmin}, type="deliberations",
                            name="deliberations-privees", title="Délibérations",
                            owner_org=commune["id"], private=True)
        body = editor_client.get("/deliberations/deliberations-privees").body
        assert f"{PRIVATE_NOTICE} Cesson-Sévigné" in body

    def test_a_public_dataset_has_no_notice(self, app, commune):
        sysadmin = factories.Sysadmin()["name"]
        helpers.call_action("package_create", {"user": sysadmin}, type="deliberations",
                            name="deliberations-publiques", title="Délibérations",
                            owner_org=commune["id"], private=False)
        body = app.get("/deliberations/deliberations-publiques").body
        assert PRIVATE_NOTICE not in body
