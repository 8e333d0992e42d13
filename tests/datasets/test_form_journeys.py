"""The forms in Chromium, as an editor goes through them: the empty title,
the defaults, "Terminer" with no file, a double click on "Terminer", a phone
screen; and the way back from a private dataset's 404 through the login."""
from __future__ import annotations

import re

import pytest
from ckan.tests import factories, helpers

from tests.browser_checks import type_title

from .forms import PASSWORD

@pytest.fixture
def commune(clean_db):
    org = factories.Organization(name="commune-35051", title="Cesson-Sévigné")
    factories.User(name="secretaire", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="secretaire",
                        role="editor")
    return org


def log_in(page, live_server, user="secretaire"):
    page.goto(live_server + "/user/login")
    page.fill("#field-login", user)
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def resource_posts(page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url)
            if r.method == "POST" and "/resource/new" in r.url else None)
    return posts


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_editor_publishes_through_the_errors_with_one_click_too_many(
        live_server, browser, commune, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server)
    page.goto(live_server + "/deliberations/new")
    assert page.locator("#field-frequency").input_value() == "MONTHLY"
    assert page.locator("#field-license_id").input_value() == "lov2"
    assert page.locator("#field-private").input_value() == "False"
    page.locator("#field-notes").fill("Les délibérations du conseil municipal.")

    # nothing typed in the title: the error is the title's, the description stays
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_load_state()
    title_group = page.locator(".form-group", has=page.locator("#field-title"))
    assert "Valeur manquante" in title_group.inner_text()
    assert page.locator(".error-explanation").inner_text().count("Valeur manquante") == 1
    assert page.locator("#field-notes").input_value() == \
        "Les délibérations du conseil municipal."
    page.screenshot(path=str(tmp_path / "empty-title.png"), full_page=True)

    type_title(page, "Délibérations 2026")
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_url(re.compile(r"/deliberations/deliberations-2026/resource/new"))

    # "Terminer" with no file and no link: said under the buttons, the name kept
    posts = resource_posts(page)
    page.locator("#field-name").fill("Conseil du 3 mars")
    page.get_by_role("button", name="Terminer").click()
    page.wait_for_load_state()
    assert page.locator("#resource-url-error").is_visible()
    assert "Ajoutez un fichier ou un lien." in page.locator("#resource-url-error").inner_text()
    assert page.locator("#field-name").input_value() == "Conseil du 3 mars"
    assert helpers.call_action("package_show", id="deliberations-2026")["resources"] == []
    page.screenshot(path=str(tmp_path / "no-file.png"), full_page=True)

    # a link, and a double click on "Terminer": one request, one resource
    page.get_by_role("button", name="Lien").click()
    page.fill("#field-resource-url", "https://example.org/deliberations-2026.csv")
    page.get_by_role("button", name="Terminer").dblclick()
    page.wait_for_url(re.compile(r"/deliberations/deliberations-2026$"))
    assert len(posts) == 2  # the one without a file, then one for the double click
    dataset = helpers.call_action("package_show", id="deliberations-2026")
    assert [r["name"] for r in dataset["resources"]] == ["Conseil du 3 mars"]
    assert dataset["state"] == "active" and dataset["private"] is False
    assert (dataset["frequency"], dataset["license_id"]) == ("MONTHLY", "lov2")


def test_the_buttons_are_disabled_as_soon_as_the_form_is_sent(live_server, browser, commune):
    helpers.call_action("package_create", context={"user": factories.Sysadmin()["name"]},
                        type="deliberations", name="deliberations-x", title="X",
                        owner_org=commune["id"])
    page = browser.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/deliberations/deliberations-x/resource/new")
    page.get_by_role("button", name="Lien").click()
    page.fill("#field-resource-url", "https://example.org/x.csv")
    # the state right after the submit event, before the page is left
    state = page.evaluate("""() => new Promise(resolve => {
        const form = document.getElementById('resource-edit');
        form.addEventListener('submit', event => {
          const buttons = [...form.querySelectorAll('button[type=submit]')];
          resolve({prevented: event.defaultPrevented,
                   disabled: buttons.every(b => b.disabled),
                   kept: (form.querySelector('input[data-form-guard=kept]') || {}).value,
                   submitted: form.dataset.submitted});
          event.preventDefault();
        });
        form.querySelector('button[value=go-dataset-complete]').click();
    })""")
    assert state == {"prevented": False, "disabled": True, "kept": "go-dataset-complete",
                     "submitted": "true"}


def test_on_a_phone_the_forms_and_errors_fit(live_server, browser, commune, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, live_server)
    for path in ("/deliberations/new", "/dataset/new", "/deliberations/n-existe-pas"):
        page.goto(live_server + path)
        assert no_horizontal_overflow(page), path
        page.screenshot(path=str(tmp_path / (path.strip("/").replace("/", "-") + ".png")),
                        full_page=True)
    page.goto(live_server + "/deliberations/new")
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_load_state()
    assert page.locator("#field-title-error").is_visible()
    assert no_horizontal_overflow(page)


def test_from_a_private_dataset_404_the_login_comes_back_to_it(live_server, browser, commune):
    helpers.call_action("package_create", context={"user": factories.Sysadmin()["name"]},
                        type="deliberations", name="prive", title="Brouillon du budget",
                        owner_org=commune["id"], private=True)
    page = browser.new_page()
    response = page.goto(live_server + "/deliberations/prive")
    assert response.status == 404
    assert "Brouillon du budget" not in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Ce jeu de données n'existe pas ou n'est pas public"
    page.locator(".error-page").get_by_role("link", name="Se connecter").click()
    page.fill("#field-login", "secretaire")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/deliberations/prive$"))
    assert "Brouillon du budget" in page.get_by_role("heading", level=1).inner_text()
