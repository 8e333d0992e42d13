"""The notifications in Chromium, on a computer and on a phone: the secretary
sets her choices from her user page; a mail's unsubscribe link works without
logging in. Screenshots in /tmp/shots/notify-*.png."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ckanext.opendatalocale.notify import messages, settings

from ..test_journeys import SIZES, checked, log_in, new_page

SHOTS = Path("/tmp/shots")


@pytest.mark.parametrize("size", SIZES)
def test_the_secretary_sets_her_notifications(live_server, browser, commune, size, app):
    page = new_page(browser, size)
    log_in(page, live_server, "secretaire")
    page.goto(live_server + "/user/secretaire")
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url(re.compile(r"/user/secretaire/notifications$"))
    checked(page)
    page.screenshot(path=str(SHOTS / f"notify-preferences-{size}.png"), full_page=True)
    page.get_by_label("Un jeu de données de mon organisation sera périmé dans 15 jours").uncheck()
    page.get_by_label("Résumé des communes de mon territoire").select_option(label="Chaque mois")
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.wait_for_load_state()
    assert "Vos choix de notifications sont enregistrés." in page.content()
    assert not page.get_by_label(
        "Un jeu de données de mon organisation sera périmé dans 15 jours").is_checked()
    assert page.get_by_label("Résumé des communes de mon territoire").input_value() == "monthly"
    checked(page)
    page.screenshot(path=str(SHOTS / f"notify-saved-{size}.png"), full_page=True)
    user_id = commune["people"]["secretaire"]["id"]
    assert settings.choices(user_id) == {"off": ["perime_bientot"], "digest": "monthly"}


@pytest.mark.parametrize("size", SIZES)
def test_a_mail_s_unsubscribe_link_without_logging_in(live_server, browser, commune, size,
                                                     app):
    user_id = commune["people"]["maire"]["id"]
    with app.flask_app.test_request_context():
        token = messages.unsubscribe_token(user_id, "perime")
    page = new_page(browser, size)
    page.goto(live_server + f"/notifications/desabonnement/{token}")
    checked(page)
    page.get_by_role("button", name="Ne plus recevoir ces messages").click()
    page.wait_for_load_state()
    assert "C’est fait" in page.locator("[role=main]").inner_text()
    checked(page)
    page.screenshot(path=str(SHOTS / f"notify-unsubscribed-{size}.png"), full_page=True)
    assert not settings.wants(user_id, "perime")
    page.goto(live_server + f"/notifications/desabonnement/{token[:-3]}xyz")
    assert "pas valide" in page.locator("[role=main]").inner_text()


@pytest.mark.parametrize("size", SIZES)
def test_an_agent_reads_her_digest_and_opens_the_observatoire(live_server, browser, commune,
                                                              size, app, smtp):
    from .conftest import html_of
    from .test_digest import METROPOLE, TUESDAY, a_week_of_history, agent, digests_to, run
    agent("charge-mission", METROPOLE, "editor")
    a_week_of_history(commune)
    run(app, TUESDAY)
    [digest] = digests_to(smtp, "charge-mission@example.org")
    page = new_page(browser, size)
    page.set_content(html_of(digest))
    checked(page)
    page.screenshot(path=str(SHOTS / f"notify-digest-mail-{size}.png"), full_page=True)
    assert "Non conforme aujourd’hui, une commune : Cesson-Sévigné (Subventions)" in \
        page.inner_text("body")
    link = page.get_by_role("link", name="Voir ces communes dans l’observatoire").first
    path = "/" + link.get_attribute("href").split("/", 3)[3]
    page.goto(live_server + path)
    checked(page)
    page.screenshot(path=str(SHOTS / f"notify-digest-observatoire-{size}.png"), full_page=True)
    # the observatoire lists the communes not conformant: Cesson-Sévigné only
    rows = page.locator("table").last.locator("tbody tr")
    assert rows.count() == 1
    assert "Cesson-Sévigné" in rows.first.inner_text() and "invalide" in rows.first.inner_text()
