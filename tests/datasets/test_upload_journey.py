"""An editor uploads a file from her computer through the resource form, in
Chromium, on the portal's own configuration (uploads on, as ``make serve``)."""
from __future__ import annotations

import re

import pytest
import requests
from ckan.tests import factories, helpers

from tests.browser_checks import type_title

PASSWORD = "Motdepasse-2026!"


@pytest.fixture
def editor(clean_db):
    org = factories.Organization(name="commune-35051", title="Cesson-Sévigné")
    factories.User(name="secretaire", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="secretaire",
                        role="editor")
    return org


def log_in(page, live_server):
    page.goto(live_server + "/user/login")
    page.fill("#field-login", "secretaire")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_an_editor_uploads_a_file_from_disk(live_server, browser, editor, tmp_path):
    arretes = tmp_path / "arretes-2026.csv"
    arretes.write_text("numero,date,objet\n2026-01,2026-01-12,Voirie\n", encoding="utf-8")

    page = browser.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/dataset/new")
    type_title(page, "Registre des arrêtés")
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_url(re.compile(r"/resource/new"))

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Envoi").click()
    chooser.value.set_files(str(arretes))
    page.get_by_role("button", name="Terminer").click()
    page.wait_for_url(re.compile(r"/dataset/registre-des-arretes$"))

    dataset = helpers.call_action("package_show", id="registre-des-arretes")
    [resource] = dataset["resources"]
    assert resource["url_type"] == "upload"
    assert resource["url"].endswith("/arretes-2026.csv")
    assert page.get_by_role("link", name=re.compile("arretes-2026.csv")).first.is_visible()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    downloaded = requests.get(resource["url"], cookies=cookies, timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == arretes.read_bytes()
