"""Notifications by e-mail, sent to a real SMTP server on localhost: who
receives what, once, the words and links, a failed send tried again, the
signed unsubscribe link, a person's choices."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from click.testing import CliRunner

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.lib.jobs import Worker
from ckan.tests import helpers

from ckanext.opendatalocale.notify import messages, notices, settings

from ..datasets.forms import csrf, logged_in
from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload, with_french_date
from .conftest import free_port, html_of, text_of


def run(app):
    with app.flask_app.test_request_context():
        return notices.run()


def invalid_subventions(commune) -> dict:
    dataset = helpers.call_action("package_create", {"user": commune["sysadmin"]},
                                  type="subventions", name="subventions-test",
                                  title="Subventions 2026", owner_org=commune["org"]["id"])
    helpers.call_action("resource_create", {"user": commune["sysadmin"]},
                        package_id=dataset["id"], name="subventions.csv", format="CSV",
                        upload=upload(with_french_date(SUBVENTIONS)))
    return helpers.call_action("package_show", id=dataset["id"])


def mails() -> list[dict]:
    return [dict(r) for r in model.Session.execute(sa.text(
        "SELECT kind, email, status, attempts, last_error FROM opendatalocale_notify_mail "
        "ORDER BY id")).mappings()]


def test_a_non_conformant_file_mails_the_editors_and_admins_once(app, smtp, commune):
    dataset = invalid_subventions(commune)
    result = run(app)
    assert sorted(smtp.addresses()) == ["maire@example.org", "secretaire@example.org"]
    assert result.sent == 2 and result.without_email == 1 and result.failed == 0
    message = smtp.to("secretaire@example.org")[0]
    assert message["Subject"] == "Fichier non conforme : Subventions 2026"
    text = text_of(message)
    assert "« subventions.csv »" in text or "“subventions.csv”" in text
    resource = dataset["resources"][0]["id"]
    assert f"/subventions/subventions-test/resource/{resource}" in text
    assert "/notifications/desabonnement/" in text and "Cesson-Sévigné" in text
    html = BeautifulSoup(html_of(message), "html.parser")
    assert html.select_one("a")["href"].endswith(f"/resource/{resource}")
    assert "/notifications/desabonnement/" in message["List-Unsubscribe"]
    # nothing twice: the next runs send nothing
    assert run(app).sent == 0 and len(smtp.messages) == 2


def test_an_smtp_server_down_or_refusing_keeps_the_mail_for_the_next_run(app, smtp, commune,
                                                                      monkeypatch, caplog):
    import logging
    from ckan.common import config
    logger = logging.getLogger("ckanext.opendatalocale.notify.notices")
    # the test session configures logging after importing the plugins, which
    # disables their loggers (a portal configures it first)
    logger.disabled = False
    logger.addHandler(caplog.handler)
    invalid_subventions(commune)
    working = config["smtp.server"]
    monkeypatch.setitem(config, "smtp.server", f"127.0.0.1:{free_port()}")  # nobody there
    down = run(app)
    assert down.sent == 0 and down.failed == 2
    assert all(m["status"] == "pending" and m["attempts"] == 1 for m in mails())
    assert "not sent" in caplog.text
    logger.removeHandler(caplog.handler)
    monkeypatch.setitem(config, "smtp.server", working)
    smtp.refuse = True
    refused = run(app)
    assert refused.failed == 2 and all(m["attempts"] == 2 for m in mails())
    assert "550" in mails()[0]["last_error"]
    smtp.refuse = False
    assert run(app).sent == 2
    assert all(m["status"] == "sent" for m in mails()) and len(smtp.messages) == 2
    assert run(app).sent == 0


def test_the_unsubscribe_link_works_without_logging_in_and_refuses_a_forgery(app, smtp,
                                                                             commune):
    invalid_subventions(commune)
    run(app)
    link = re.search(r"https?://\S+/notifications/desabonnement/\S+",
                     text_of(smtp.to("secretaire@example.org")[0])).group(0)
    path = "/" + link.split("/", 3)[3]
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "n’êtes" not in page.body
    assert settings.wants(commune["people"]["secretaire"]["id"], "nonconforme")
    done = client.post(path, data={"_csrf_token": csrf(page.body)})
    assert done.status_code == 200 and "C’est fait" in done.body
    assert "Ne plus recevoir ces messages" not in done.body  # no button left
    assert not settings.wants(commune["people"]["secretaire"]["id"], "nonconforme")
    # a token changed by one character, or one signed for someone else's kind: refused
    forged = path[:-2] + ("A" if path[-2] != "A" else "B") + path[-1]
    assert app.get(forged, status=400).status_code == 400
    assert "pas valide" in app.get(forged, status=400).body
    with app.flask_app.test_request_context():
        other = messages.unsubscribe_token(commune["people"]["maire"]["id"], "nope")
    assert app.get(f"/notifications/desabonnement/{other}", status=400)
    # the next non-conformant file is told to the maire only
    helpers.call_action("resource_create", {"user": commune["sysadmin"]},
                        package_id="subventions-test", name="autre.csv", format="CSV",
                        upload=upload(with_french_date(SUBVENTIONS)))  # another file
    before = len(smtp.messages)
    result = run(app)
    assert smtp.addresses()[before:] == ["maire@example.org"]
    assert result.not_wanted == 1


def test_a_dataset_soon_and_then_out_of_date(app, smtp, commune):
    dataset = helpers.call_action("package_create", {"user": commune["sysadmin"]},
                                  type="deliberations", name="deliberations-test",
                                  title="Délibérations", owner_org=commune["org"]["id"],
                                  frequency="MONTHLY")

    def changed(days_ago: int) -> None:
        model.Session.execute(sa.text("UPDATE package SET metadata_modified = :when "
                                      "WHERE id = :id"), {
            "when": datetime.utcnow() - timedelta(days=days_ago), "id": dataset["id"]})
        model.Session.commit()
        model.Session.expire_all()  # CKAN's session keeps objects across commits
    changed(20)  # monthly (31 days): out of date in 11 days
    run(app)
    soon = smtp.to("maire@example.org")
    assert [m["Subject"] for m in soon] == ["Bientôt périmé : Délibérations"]
    due = (datetime.now(timezone.utc) - timedelta(days=20) + timedelta(days=31))
    assert due.strftime("%d/%m/%Y") in text_of(soon[0])
    assert run(app).sent == 0
    changed(40)
    run(app)
    assert [m["Subject"] for m in smtp.to("maire@example.org")][1:] == [
        "Périmé : Délibérations"]
    changed(5)  # updated: nothing to tell
    assert run(app).sent == 0


def test_a_person_chooses_her_notifications_on_her_page(app, commune):
    client = logged_in(app, commune["people"]["secretaire"])
    page = client.get("/user/secretaire/notifications")
    assert page.status_code == 200
    boxes = BeautifulSoup(page.body, "html.parser").select("#notify-preferences input[type=checkbox]")
    assert len(boxes) == len(notices.KINDS) and all(b.has_attr("checked") for b in boxes)
    saved = client.post("/user/secretaire/notifications", data={
        "_csrf_token": csrf(page.body), "kind": ["nonconforme", "perime", "manquant"]})
    assert saved.status_code == 200
    user_id = commune["people"]["secretaire"]["id"]
    assert settings.choices(user_id)["off"] == ["injoignable", "perime_bientot"]
    bad = client.post("/user/secretaire/notifications", data={
        "_csrf_token": csrf(page.body), "kind": ["<script>", "perime", "manquant"]})
    assert bad.status_code == 409 and "Choix inconnu" in bad.body
    assert "<script>" not in bad.body.split("notify-preferences")[0].split("</header>")[-1]
    assert settings.choices(user_id)["off"] == ["injoignable", "perime_bientot"]
    # the digest's frequency: a choice of the list, anything else refused
    assert settings.choices(user_id)["digest"] == "weekly"
    assert BeautifulSoup(page.body, "html.parser").select_one(
        "#digest option[selected]")["value"] == "weekly"
    monthly = client.post("/user/secretaire/notifications", data={
        "_csrf_token": csrf(page.body), "kind": list(notices.KINDS), "digest": "monthly"})
    assert monthly.status_code == 200
    assert settings.choices(user_id) == {"off": [], "digest": "monthly"}
    bad = client.post("/user/secretaire/notifications", data={
        "_csrf_token": csrf(page.body), "kind": [], "digest": "<script>alert(1)</script>"})
    assert bad.status_code == 409 and "Fréquence du résumé inconnue" in bad.body
    assert "<script>alert(1)" not in bad.body
    assert settings.choices(user_id) == {"off": [], "digest": "monthly"}  # nothing lost
    assert client.get("/user/maire/notifications").status_code == 403
    assert app.get("/user/secretaire/notifications").status_code == 403


def test_the_command_sends_the_day_s_notifications(app, smtp, commune, monkeypatch):
    from ckan.common import config
    invalid_subventions(commune)
    # the command reads its own configuration: the server given as CKAN's variables
    monkeypatch.setenv("CKAN_SMTP_SERVER", config["smtp.server"])
    monkeypatch.setenv("CKAN_SMTP_MAIL_FROM", "portail@example.org")
    result = CliRunner().invoke(ckan_command, ["-c", "test.ini", "opendatalocale", "notify"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output and "1 recipients without e-mail" in result.output


@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_linked_file_that_cannot_be_reached_mails_its_editors(app, smtp, commune):
    dataset = helpers.call_action("package_create", {"user": commune["sysadmin"]},
                                  type="subventions", name="subventions-lien",
                                  title="Subventions liées", owner_org=commune["org"]["id"])
    # a link to a port where nobody listens: the check cannot fetch it
    resource = helpers.call_action(
        "resource_create", {"user": commune["sysadmin"]}, package_id=dataset["id"],
        name="subventions distantes", format="CSV",
        url=f"http://127.0.0.1:{free_port()}/subventions.csv")
    Worker().work(burst=True)
    result = run(app)
    assert result.sent == 2 and result.failed == 0
    assert [m["kind"] for m in mails()] == ["injoignable", "injoignable"]
    message = smtp.to("maire@example.org")[0]
    assert message["Subject"] == "Fichier lié injoignable : Subventions liées"
    text = text_of(message)
    assert "n'a pas pu lire le fichier lié" in text or "n’a pas pu lire le fichier lié" in text
    assert f"/subventions/subventions-lien/resource/{resource['id']}" in text
    # the same day, the same unreachable link is not told twice
    helpers.call_action("resource_patch", {"user": commune["sysadmin"]}, id=resource["id"],
                        description="toujours injoignable")
    Worker().work(burst=True)
    assert run(app).sent == 0 and len(smtp.messages) == 2


def test_the_command_says_which_mails_it_could_not_send(app, smtp, commune, monkeypatch):
    invalid_subventions(commune)
    monkeypatch.setenv("CKAN_SMTP_SERVER", f"127.0.0.1:{free_port()}")  # nobody there
    monkeypatch.setenv("CKAN_SMTP_MAIL_FROM", "portail@example.org")
    result = CliRunner().invoke(ckan_command, ["-c", "test.ini", "opendatalocale", "notify"])
    assert result.exit_code == 0, result.output
    assert "0 sent, 2 failed (tried again next run)" in result.output
    assert result.output.count("not sent:") == 2
    assert all(m["status"] == "pending" and m["attempts"] == 1 for m in mails())
    assert smtp.messages == []


def test_an_obliged_commune_lacking_types_is_reminded_at_most_monthly(app, smtp, commune):
    maire = commune["people"]["maire"]["id"]
    settings.save(maire, [], "weekly")  # the fixture turned the reminder off
    model.Session.commit()
    invalid_subventions(commune)  # published (not conformant): not missing
    types = helpers.call_action("scdl_compliance_show", territory="commune-35051")["types"]
    december = datetime(2026, 12, 3, 8, tzinfo=timezone.utc)
    with app.flask_app.test_request_context():
        notices.run(december)

    def reminders(address):
        return [m for m in smtp.to(address) if "socle commun" in m["Subject"]]

    [reminder] = reminders("maire@example.org")
    missing = len(types) - 1
    assert reminder["Subject"] == f"Cesson-Sévigné : {missing} types du socle commun à publier"
    text = text_of(reminder)
    assert "plus de 3 500 habitants" in text and "Délibérations" in text
    assert "Subventions" not in text.split("socle commun :")[1].split("\n\n")[1]
    assert "/socle-commun/?organisation=commune-35051" in text
    assert "/notifications/desabonnement/" in text
    # editors are not reminded: the commune's admins decide
    assert reminders("secretaire@example.org") == []
    # the same month, never again; the next month, once more
    with app.flask_app.test_request_context():
        notices.run(december + timedelta(days=20))
    assert len(reminders("maire@example.org")) == 1
    with app.flask_app.test_request_context():
        notices.run(datetime(2027, 1, 4, 8, tzinfo=timezone.utc))
    assert len(reminders("maire@example.org")) == 2
    # only Cesson-Sévigné's admin was written to, though other obliged
    # communes of Ille-et-Vilaine lack types too (nobody administers them)
    assert {m["email"] for m in mails() if m["kind"] == "manquant"} == {"maire@example.org"}


def test_two_runs_never_overlap(app, smtp, commune):
    """A run that outlasts its cron hour: the next one does nothing, so that
    no pending mail is sent twice; once the first is over, runs go on."""
    invalid_subventions(commune)
    with model.meta.engine.connect() as other:  # a run under way elsewhere
        other.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": notices._LOCK})
        with pytest.raises(notices.Busy):
            run(app)
        result = CliRunner().invoke(ckan_command, ["-c", "test.ini", "opendatalocale", "notify"])
        assert result.exit_code == 1 and "another run" in result.output
        assert smtp.messages == [] and mails() == []
        other.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": notices._LOCK})
    assert run(app).sent == 2
