"""Online entry in Chromium, as the secretary does it: from the socle commun
she types three délibérations, one with votes that do not add up, reads the
error on its cell, corrects it and saves: the file conforms. She reopens it
and adds a row; she pastes ten rows from a semicolon export; on a 390 px
phone she types one row at a time in a form. axe-core on each page."""
from __future__ import annotations

import re

import pytest
from ckan.tests import helpers

from tests.browser_checks import assert_no_overflow, axe_context, axe_violations

from .conftest import PASSWORD, SIRET, row

pytestmark = pytest.mark.usefixtures("clean_db")
SHOTS = "/tmp/shots"


def log_in(page, live_server: str) -> None:
    page.goto(live_server + "/user/login")
    page.fill("#field-login", "secretaire")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def checked(page) -> None:
    assert_no_overflow(page)
    assert axe_violations(page) == [], page.url


def edit(page, row_index: int, column: str, value: str) -> None:
    """Type a value in a cell of the grid as a person does: a double click (or
    the editor already open), type, Enter."""
    cell = page.locator(".tabulator-row").nth(row_index).locator(
        f'.tabulator-cell[tabulator-field="{column}"]')
    editor = cell.locator("input, select").first
    if not editor.is_visible():
        cell.dblclick()
    editor.wait_for()
    editor.fill(value)
    editor.press("Enter")


def wait_saved(page) -> None:
    """Until every change is checked and kept in the draft."""
    page.wait_for_function("() => window.scdlEntryBusy && window.scdlEntryBusy() === 0")


def test_she_types_three_deliberations_corrects_one_and_saves(live_server, browser, secretary):
    page = axe_context(browser, width=1280, height=900).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server)
    page.goto(live_server + "/socle-commun/deliberations/saisir")
    page.wait_for_url(re.compile(r"/saisie/"))
    page.locator(".tabulator").wait_for()
    assert "Pour : Cesson-Sévigné" in page.locator("#scdl-entry .lead").inner_text()
    checked(page)
    for n in range(3):
        page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator(".tabulator-row").nth(n).wait_for()
        wait_saved(page)
        # a new row is not called conforme, nor a wall of missing values
        assert page.locator("#scdl-entry-status").inner_text() == f"Ligne {n + 1} enregistrée."
        assert page.locator(".scdl-cell-invalid").count() == (1 if n == 2 else 0)
        values = row(DELIB_ID=f"DEL2026_00{n + 1}",
                     VOTE_REEL="26" if n == 1 else "27")
        for column in ("DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
                       "DELIB_OBJET", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR",
                       "VOTE_CONTRE", "VOTE_ABSTENTION"):
            edit(page, n, column, values[column])
        wait_saved(page)
    # the locked columns were filled for her
    first = page.locator(".tabulator-row").nth(0)
    assert first.locator('[tabulator-field="COLL_NOM"]').inner_text() == "Cesson-Sévigné"
    assert first.locator('[tabulator-field="COLL_SIRET"]').inner_text() == SIRET
    # the vote-sum error is on its cell, and said
    wrong = page.locator(".tabulator-row").nth(1).locator('[tabulator-field="VOTE_REEL"]')
    wrong.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.scdl-cell-invalid').length == 1")
    assert "VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION" in wrong.get_attribute("title")
    [said] = page.locator("#scdl-entry-errors li").all_inner_texts()
    assert said.startswith("Ligne 2, Nombre d'élus ayant voté :")
    assert "VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION" in said
    checked(page)
    page.screenshot(path=f"{SHOTS}/entry-grid-error-1280.png", full_page=True)
    edit(page, 1, "VOTE_REEL", "27")
    wait_saved(page)
    page.wait_for_function("() => document.querySelectorAll('.scdl-cell-invalid').length == 0")
    assert "conforme" in page.locator("#scdl-entry-status").inner_text()
    assert page.locator("#scdl-entry-errors").is_hidden()
    page.fill("#scdl-entry-title", "Délibérations 2026")
    page.locator("#scdl-entry-title").press("Tab")
    page.get_by_role("button", name="Enregistrer le fichier").click()
    page.wait_for_url(re.compile(r"/deliberations/deliberations-2026/resource/"))
    report = page.locator("#validation-report")
    assert "Conforme" in report.locator("h2").inner_text()
    assert "3 lignes lues" in report.inner_text()
    checked(page)
    assert errors == []


def reopen_button_text() -> str:
    return "Modifier ou ajouter des lignes en ligne"


def test_she_reopens_her_file_and_adds_next_months_deliberation(live_server, browser,
                                                                secretary, commune):
    from tests.validation.conftest import upload
    context = {"user": secretary["name"]}
    dataset = helpers.call_action("package_create", context=context, type="deliberations",
                                  name="delib-2026", title="Délibérations 2026",
                                  owner_org=commune["id"])
    content = (",".join(row()) + "\r\n" + ",".join(row().values()) + "\r\n").encode()
    resource = helpers.call_action("resource_create", context=context,
                                   package_id=dataset["id"], format="CSV",
                                   upload=upload(content, "deliberations.csv"))
    page = axe_context(browser, width=1280, height=900).new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/socle-commun/")     # offered from the socle commun's page too
    assert page.locator("#type-deliberations").get_by_role(
        "button", name=re.compile(reopen_button_text())).count() == 1
    page.goto(f"{live_server}/deliberations/delib-2026/resource/{resource['id']}")
    page.get_by_role("button", name=reopen_button_text()).click()
    page.wait_for_url(re.compile(r"/saisie/"))
    page.locator(".tabulator-row").first.wait_for()
    assert page.locator(".tabulator-row").count() == 1
    assert page.locator('.tabulator-row [tabulator-field="DELIB_ID"]').inner_text() == \
        "DEL2026_001"
    checked(page)
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator(".tabulator-row").nth(1).wait_for()
    wait_saved(page)
    values = row(DELIB_ID="DEL2026_002", DELIB_DATE="2026-04-09")
    for column in ("DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
                   "DELIB_OBJET", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE",
                   "VOTE_ABSTENTION"):
        edit(page, 1, column, values[column])
    wait_saved(page)
    page.get_by_role("button", name="Enregistrer le fichier").click()
    page.wait_for_url(re.compile(rf"/resource/{resource['id']}$"))
    report = page.locator("#validation-report")
    assert "Conforme" in report.locator("h2").inner_text()
    assert "2 lignes lues" in report.inner_text()


def test_she_pastes_ten_rows_from_a_semicolon_export(live_server, browser, secretary):
    page = axe_context(browser, width=1280, height=900).new_page()
    log_in(page, live_server)
    page.goto(live_server + "/socle-commun/deliberations/saisir")
    page.wait_for_url(re.compile(r"/saisie/"))
    page.locator(".tabulator").wait_for()
    names = [n for n in row() if n not in ("COLL_NOM", "COLL_SIRET")]
    lines = [";".join(names + ["REMARQUE"])]          # a column the schema does not have
    for n in range(1, 11):
        values = row(DELIB_ID=f"DEL2026_{n:03d}", DELIB_DATE=f"{n:02d}/05/2026")
        lines.append(";".join([values[name] for name in names] + ["à relire"]))
    page.get_by_text("Coller des lignes depuis un tableur").click()
    page.get_by_label("Copiez les lignes dans votre tableur").fill("\n".join(lines))
    page.get_by_role("button", name="Ajouter ces lignes").click()
    page.wait_for_function(
        "() => document.querySelectorAll('.tabulator-row').length === 10")
    status = page.locator("#scdl-entry-status").inner_text()
    assert "10 ligne(s) ajoutée(s), 10 valeur(s) convertie(s)" in status
    assert "Colonnes laissées de côté (le schéma ne les a pas) : REMARQUE." in status
    assert page.locator('.tabulator-row [tabulator-field="DELIB_DATE"]').first.inner_text() \
        == "2026-05-01"
    checked(page)
    page.get_by_role("button", name="Enregistrer le fichier").click()
    page.wait_for_url(re.compile(r"/resource/"))
    assert "10 lignes lues" in page.locator("#validation-report").inner_text()
    assert "Conforme" in page.locator("#validation-report h2").inner_text()


def test_on_her_phone_she_types_one_row_at_a_time(live_server, browser, secretary):
    page = axe_context(browser, width=390, height=844).new_page()
    log_in(page, live_server)
    page.goto(live_server + "/socle-commun/deliberations/saisir")
    page.wait_for_url(re.compile(r"/saisie/"))
    form = page.locator("#scdl-entry-form")
    form.wait_for()
    assert page.locator("#scdl-entry-grid").is_hidden()
    form.get_by_role("button", name="Nouvelle ligne").click()
    page.get_by_label("Numéro interne de la délibération *").wait_for()
    wait_saved(page)
    assert page.get_by_label("Collectivité qui a délibéré *").input_value() == "Cesson-Sévigné"
    values = row()
    for column in ("DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
                   "DELIB_OBJET", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE",
                   "VOTE_ABSTENTION"):
        field = page.locator(f"#scdl-entry-field-{column}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(values[column])
        else:
            field.fill(values[column])
    form.get_by_role("button", name="Enregistrer cette ligne").click()
    wait_saved(page)
    assert "Ligne 1 enregistrée : elle est conforme." in \
        page.locator("#scdl-entry-status").inner_text()
    assert "Ligne 1 sur 1" in form.inner_text()
    checked(page)
    page.screenshot(path=f"{SHOTS}/entry-form-390.png", full_page=True)
    page.get_by_role("button", name="Enregistrer le fichier").click()
    page.wait_for_url(re.compile(r"/resource/"))
    assert "Conforme" in page.locator("#validation-report h2").inner_text()


def test_her_session_ends_while_she_types_and_nothing_is_lost(live_server, browser,
                                                              secretary):
    context = axe_context(browser, width=1280, height=900)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/socle-commun/deliberations/saisir")
    page.wait_for_url(re.compile(r"/saisie/"))
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator(".tabulator-row").first.wait_for()
    wait_saved(page)
    context.clear_cookies()              # her session ends (timeout, logout elsewhere)
    edit(page, 0, "DELIB_ID", "DEL2026_001")
    problem = page.locator("#scdl-entry-problem")
    problem.wait_for()
    assert "Votre session a pris fin" in problem.inner_text()
    assert page.locator('.tabulator-row [tabulator-field="DELIB_ID"]').inner_text() == \
        "DEL2026_001"                    # still on her screen
    checked(page)
    other = context.new_page()           # she logs in again in a new tab
    log_in(other, live_server)
    other.close()
    problem.get_by_role("button", name="Réessayer").click()
    page.locator("#scdl-entry-status", has_text="Ligne 1 enregistrée").wait_for()
    wait_saved(page)
    assert problem.is_hidden()
    page.reload()
    page.locator(".tabulator-row").first.wait_for()
    assert page.locator('.tabulator-row [tabulator-field="DELIB_ID"]').inner_text() == \
        "DEL2026_001"


def test_a_file_of_five_thousand_rows_is_paged(live_server, browser, secretary, commune):
    from ckan import model
    from ckanext.opendatalocale.entry import drafts
    from ckanext.opendatalocale.scdl import catalogue
    draft = drafts.open_new(model.User.get(secretary["name"]).id, commune["id"],
                            "deliberations", catalogue().get("deliberations").latest.version)
    for start in range(0, 5000, 500):
        drafts.update(draft, [{"id": None, "cells": row(DELIB_ID=f"DEL{n:05d}")}
                              for n in range(start, start + 500)], [])
    page = axe_context(browser, width=1280, height=900).new_page()
    requests_seen = []
    page.on("request", lambda r: requests_seen.append(r.url)
            if "scdl_entry_rows" in r.url else None)
    log_in(page, live_server)
    page.goto(f"{live_server}/saisie/{draft}")
    page.locator(".tabulator-row").first.wait_for()
    assert page.locator(".tabulator-row").count() == 20
    assert page.evaluate("window.scdlEntryTable.getDataCount()") == 20
    page.get_by_role("button", name="Dernière").first.click()
    page.locator('.tabulator-row [tabulator-field="DELIB_ID"]', has_text="DEL04999").wait_for()
    assert page.evaluate("window.scdlEntryTable.getPage()") == 250
    assert page.locator(".tabulator-row").count() == 20
    assert all("size=20" in url for url in requests_seen) and len(requests_seen) == 2
    checked(page)


def test_from_the_dataset_page_she_types_a_new_file(live_server, browser, secretary, commune):
    helpers.call_action("package_create", context={"user": secretary["name"]},
                        type="deliberations", name="delib-2026", title="Délibérations 2026",
                        owner_org=commune["id"])
    page = axe_context(browser, width=1280, height=900).new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/deliberations/delib-2026")
    page.get_by_role("button", name="Saisir un nouveau fichier en ligne").click()
    page.wait_for_url(re.compile(r"/saisie/"))
    assert "un nouveau fichier de « Délibérations 2026 »" in page.locator(
        "#scdl-entry .lead").inner_text()
    assert page.locator("#scdl-entry-title").count() == 0


def test_a_row_added_before_the_rows_arrive_stays(live_server, browser, secretary):
    """She clicks "Ajouter une ligne" as soon as the page shows, while its
    rows are still on their way (a slow network): the row is kept."""
    page = axe_context(browser, width=1280, height=900).new_page()
    log_in(page, live_server)

    def slowly(route):
        page.wait_for_timeout(1500)
        route.continue_()
    page.route(re.compile(r"scdl_entry_rows"), slowly)
    page.goto(live_server + "/socle-commun/deliberations/saisir", wait_until="domcontentloaded")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.locator(".tabulator-row").first.wait_for()
    wait_saved(page)
    page.wait_for_timeout(500)
    assert page.locator(".tabulator-row").count() == 1
    assert page.locator("#scdl-entry-status").inner_text() == "Ligne 1 enregistrée."
