"""The three people the portal serves, each doing in Chromium what she does,
on a computer (1280 px) and on a phone (390 px), on the portal's own
configuration (uploads on, French, our search): the secretary of a commune,
the agent of an EPCI, a visitor. A failing journey keeps its screenshots in
test-artifacts/ (tests/conftest.py)."""
from __future__ import annotations

import re

import pytest
import requests
from ckan.tests import factories, helpers

from tests.browser_checks import assert_no_overflow, axe_context, axe_violations, type_title

from .territories.conftest import load
from .validation.conftest import VALID as SUBVENTIONS
from .validation.conftest import with_french_date

PASSWORD = "Motdepasse-2026!"
CESSON, CLAYES, RENNES_METROPOLE = "commune-35051", "commune-35081", "epci-243500139"
SIZES = {"computer": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def ille_et_vilaine(clean_db):
    load({"departement": "35"})


def person(name: str, organization: str, role: str = "editor") -> str:
    factories.User(name=name, password=PASSWORD)
    helpers.call_action("organization_member_create", id=organization, username=name,
                        role=role)
    return name


def new_page(browser, size: str):
    width, height = SIZES[size]
    return axe_context(browser, width=width, height=height, locale="fr-FR").new_page()


def log_in(page, live_server, name: str) -> None:
    page.goto(live_server + "/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def checked(page) -> None:
    """What every page of a journey must be: readable on its width, accessible."""
    assert_no_overflow(page)
    assert axe_violations(page) == [], page.url


def choose_file(page, path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Envoi").click()
    chooser.value.set_files(str(path))


def run_checks(resource_id: str) -> None:
    """The jobs worker's part (tests run no worker): the files still waiting
    for their check."""
    from ckanext.opendatalocale.validation import runner
    if (runner.status_of(resource_id) or {}).get("status") in ("created", "running"):
        runner.run(resource_id, synchronous=True)


def publish_with_file(page, title: str, name: str, path) -> dict:
    """From the dataset form: her title, "Ajouter des données", her file from
    her computer, "Terminer"; the resource once its check has run."""
    type_title(page, title)
    page.get_by_role("button", name=re.compile("Ajouter des données")).click()
    page.wait_for_url(re.compile(r"/resource/new"))
    choose_file(page, path)
    page.get_by_role("button", name="Terminer").click()
    page.wait_for_url(re.compile(rf"/subventions/{name}$"))
    [resource] = helpers.call_action("package_show", id=name)["resources"]
    run_checks(resource["id"])
    return resource


@pytest.mark.parametrize("size", SIZES)
def test_the_secretary_publishes_her_subventions(live_server, browser, ille_et_vilaine,
                                                 tmp_path, size):
    person("secretaire", CESSON)
    wrong = tmp_path / "subventions-2026.csv"
    wrong.write_bytes(with_french_date(SUBVENTIONS))
    right = tmp_path / "subventions-2026-corrige.csv"
    right.write_bytes(SUBVENTIONS)

    page = new_page(browser, size)
    log_in(page, live_server, "secretaire")
    # from her dashboard, "Ajouter un jeu de données" leads to the socle commun
    page.goto(live_server + "/dashboard/datasets")
    page.get_by_role("link", name="Ajouter un jeu de données").first.click()
    page.wait_for_url(re.compile(r"/socle-commun/$"))
    assert page.locator(".scdl-publishing-for").inner_text().strip() == \
        "Publier pour : Cesson-Sévigné"
    checked(page)
    page.locator("#type-subventions").get_by_role("link", name=re.compile("^Publier")).click()

    # the form: her commune chosen, public by default
    page.wait_for_url(re.compile(r"/subventions/new"))
    assert page.locator("#field-organizations option:checked").inner_text() == \
        "Cesson-Sévigné"
    assert page.locator("#field-private option:checked").inner_text() == "Publique"
    checked(page)
    # her file, from her computer
    resource = publish_with_file(page, "Subventions 2026", "subventions-2026", wrong)

    # the report, in words
    page.goto(live_server + f"/subventions/subventions-2026/resource/{resource['id']}")
    report = page.locator("#validation-report")
    assert "Non conforme" in report.inner_text()
    assert "dateConvention" in report.inner_text()
    assert not re.search(r"\^|\\d|\$\Z", report.inner_text())  # no regular expression
    checked(page)

    # she replaces the file, and it is conformant
    report.get_by_role("link", name="Remplacer le fichier").click()
    page.wait_for_url(re.compile(r"/edit$"))
    page.get_by_text("Annuler le transfert").click()  # CKAN's "Clear upload"
    page.locator("#field-resource-upload").set_input_files(str(right))
    page.get_by_role("button", name=re.compile("Mettre à jour")).click()
    page.wait_for_load_state()
    run_checks(resource["id"])
    page.goto(live_server + f"/subventions/subventions-2026/resource/{resource['id']}")
    assert "Conforme" in page.locator("#validation-report").inner_text()

    # published means public: a visitor finds and downloads it
    visitor = new_page(browser, size)
    visitor.goto(live_server + "/subventions/subventions-2026")
    assert visitor.locator("h1").first.inner_text().strip().startswith("Subventions 2026")
    href = visitor.locator(".dataset-downloads a.btn").first.get_attribute("href")
    assert requests.get(href, timeout=10).content == right.read_bytes()


@pytest.mark.parametrize("size", SIZES)
def test_the_agent_publishes_for_a_commune(live_server, browser, ille_et_vilaine,
                                           tmp_path, size):
    person("agente", RENNES_METROPOLE)
    file = tmp_path / "subventions-clayes.csv"
    file.write_bytes(SUBVENTIONS)

    page = new_page(browser, size)
    log_in(page, live_server, "agente")
    page.goto(live_server + "/socle-commun/")
    select = page.locator("#field-publish-for")
    assert page.locator("label[for=field-publish-for]").inner_text().startswith("Publier pour")
    assert select.locator("option:checked").inner_text() == "Rennes Métropole"
    select.select_option(label="Clayes")
    page.get_by_role("button", name="Afficher ses jeux de données").click()
    page.wait_for_url(re.compile(r"organisation=commune-35081"))
    assert "Le socle commun de Clayes" in page.inner_text("#content")
    checked(page)
    page.locator("#type-subventions").get_by_role("link", name=re.compile("^Publier")).click()

    page.wait_for_url(re.compile(r"/subventions/new"))
    assert page.locator("#field-organizations option:checked").inner_text() == "Clayes"
    publish_with_file(page, "Subventions de Clayes", "subventions-de-clayes", file)

    page.reload()
    assert page.locator(".dataset-published-by").inner_text().strip() == \
        "Publié par Rennes Métropole pour Clayes"
    checked(page)

    # it shows in her EPCI's observatoire
    page.goto(live_server + f"/organization/{RENNES_METROPOLE}")
    page.locator(".territory-observatoire a").click()
    page.wait_for_url(re.compile(rf"/observatoire/{RENNES_METROPOLE}$"))
    row = page.locator(f'#observatoire-matrix tr[data-territory="{CLAYES}"]')
    assert row.locator('td[data-status="conforme"]').count() == 1
    checked(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_visitor_finds_a_commune_s_data_by_its_place(live_server, browser,
                                                          ille_et_vilaine, size):
    sysadmin = factories.Sysadmin()["name"]
    for org, name, title in ((CESSON, "subventions-cesson", "Subventions 2026"),
                             (CLAYES, "subventions-clayes", "Subventions 2026")):
        dataset = helpers.call_action("package_create", {"user": sysadmin}, type="subventions",
                                      name=name, title=title, owner_org=org)
        from .validation.conftest import upload
        helpers.call_action("resource_create", {"user": sysadmin}, package_id=dataset["id"],
                            name="subventions.csv", format="CSV", upload=upload(SUBVENTIONS))

    page = new_page(browser, size)
    page.goto(live_server + "/dataset/")
    search = page.locator("#field-giant-search")
    search.fill("subventions Cesson-Sévigné")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=subventions"))
    first = page.locator(".dataset-item").first
    assert "Cesson-Sévigné" in first.inner_text()
    checked(page)

    # the territory facet narrows to the EPCI's datasets
    page.goto(live_server + "/dataset/")
    if size == "phone":  # the filters are behind a button on a phone
        page.get_by_role("button", name="Filtrer les résultats").click()
    page.locator(".filters").get_by_role("link", name=re.compile("Rennes Métropole")).click()
    page.wait_for_load_state()
    assert page.locator(".dataset-item").count() == 2
    page.locator(".dataset-item a", has_text="Subventions 2026").first.click()
    page.wait_for_load_state()
    href = page.locator(".dataset-downloads a.btn").first.get_attribute("href")
    assert requests.get(href, timeout=10).content == SUBVENTIONS
    checked(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_secretary_lets_the_portal_correct_her_file(live_server, browser, ille_et_vilaine,
                                                        tmp_path, size):
    """Her file is typed by hand in a spreadsheet (lower-case header, « Oui »,
    amounts with €, dates in words, SIRET in groups of digits…): the portal
    shows what it would correct, she downloads the corrected file to look at
    it, publishes it, and her original stays downloadable."""
    from pathlib import Path
    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.scdl.validation import validate_file
    person("secretaire", CESSON)
    typed = tmp_path / "subventions-saisie.csv"
    typed.write_bytes((Path(__file__).parent / "scdl" / "repair_corpus" / "subventions"
                       / "saisie.csv").read_bytes())

    page = new_page(browser, size)
    log_in(page, live_server, "secretaire")
    page.goto(live_server + "/socle-commun/")
    page.locator("#type-subventions").get_by_role("link", name=re.compile("^Publier")).click()
    page.wait_for_url(re.compile(r"/subventions/new"))
    resource = publish_with_file(page, "Subventions saisies", "subventions-saisies", typed)

    # the report offers the correction; nothing has changed yet
    page.goto(live_server + f"/subventions/subventions-saisies/resource/{resource['id']}")
    report = page.locator("#validation-report")
    assert "Non conforme" in report.inner_text()
    report.get_by_role("button", name="Corriger automatiquement").click()
    page.wait_for_url(re.compile(r"/corriger$"))
    preview = page.locator("#repair-preview")
    text = preview.inner_text()
    assert "le fichier corrigé est conforme au schéma" in text
    assert "Rien n’a encore changé" in text
    for heading in ("Le fichier", "Valeurs corrigées"):
        assert preview.get_by_role("heading", name=heading).count() == 1
    assert "Oui ou non écrit comme le schéma l’attend" in text
    assert "Date écrite comme le schéma l’attend (année-mois-jour)" in text
    checked(page)
    page.screenshot(path=f"/tmp/shots/repair-preview-{size}.png", full_page=True)

    # she looks at the corrected file before publishing it
    with page.expect_download() as download:
        preview.get_by_role("link", name="Télécharger le fichier corrigé (CSV)").click()
    corrected = tmp_path / "corrige.csv"
    download.value.save_as(corrected)
    table_schema = catalogue().get("subventions").latest.table_schema()
    assert validate_file(corrected, table_schema).valid

    # she publishes it: the resource holds it, checked, and the original is kept
    preview.get_by_role("button", name="Publier la version corrigée").click()
    page.wait_for_url(re.compile(rf"/resource/{resource['id']}$"))
    assert "Le fichier corrigé est publié" in page.locator(".flash-messages").inner_text()
    report = page.locator("#validation-report")
    assert "Conforme" in report.locator("h2").inner_text()
    assert "Ce fichier a été corrigé automatiquement le" in report.inner_text()
    checked(page)
    page.screenshot(path=f"/tmp/shots/repair-published-{size}.png", full_page=True)
    with page.expect_download() as download:
        report.get_by_role("link", name=re.compile("Télécharger le fichier d’origine")).click()
    original = tmp_path / "origine.csv"
    download.value.save_as(original)
    assert original.read_bytes() == typed.read_bytes()
    href = page.locator(".resource-url-analytics, a.resource-url-analytics").first \
        .get_attribute("href")
    assert requests.get(href, timeout=10).content == corrected.read_bytes()
