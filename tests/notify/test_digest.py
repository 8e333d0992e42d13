"""The territory agents' digest, sent to a real SMTP server on localhost: the
editors and admins of an EPCI or a département are told, each week or each
month as each chose, what changed among their communes (from the
observatoire's snapshots) and which communes are wrong now, with links to
the observatoire; once per period, never to someone who said never, not at
all when there is nothing to say."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.opendatalocale.notify import digests, notices, settings
from ckanext.opendatalocale.report import history

from ..datasets.forms import PASSWORD, csrf
from .conftest import html_of, text_of
from .test_notify import invalid_subventions

METROPOLE = "epci-243500139"  # Rennes Métropole: Cesson-Sévigné is one of its communes
TUESDAY = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)  # week 49; week 48 is over


def agent(name: str, territory: str, role: str = "editor", email: str | None = None,
          digest: str = "weekly") -> dict:
    user = factories.User(name=name, password=PASSWORD, email=email or f"{name}@example.org")
    helpers.call_action("organization_member_create", id=territory, username=name, role=role)
    if email == "":
        model.User.get(name).email = None  # "" is taken by the fixture's editor without e-mail
    settings.save(user["id"], [], digest)
    model.Session.commit()
    return user


def another_epci() -> str:
    """An EPCI of Ille-et-Vilaine other than Rennes Métropole: none of its
    communes publishes anything."""
    return model.Session.execute(sa.text(
        "SELECT g.name FROM \"group\" g JOIN group_extra e ON e.group_id = g.id "
        "WHERE e.key = 'territory_level' AND e.value = 'epci' AND g.name <> :m "
        "AND g.state = 'active' ORDER BY g.name LIMIT 1"), {"m": METROPOLE}).scalar()


def run(app, now: datetime) -> notices.Run:
    with app.flask_app.test_request_context():
        return notices.run(now)


def digests_to(smtp, address: str) -> list:
    return [m for m in smtp.to(address) if m["Subject"].startswith("Les données de vos communes")]


def a_week_of_history(commune) -> None:
    """Cesson-Sévigné publishes nothing on Sunday 22 November; a non-conformant
    file of subventions by Sunday 29 November."""
    history.take(date(2026, 11, 22))
    model.Session.commit()
    invalid_subventions(commune)
    history.take(date(2026, 11, 29))
    model.Session.commit()


def test_the_period_of_a_digest_is_the_last_whole_week_or_month():
    assert digests.period("weekly", date(2026, 12, 1)) == (
        "2026-W48", date(2026, 11, 23), date(2026, 11, 29))
    assert digests.period("weekly", date(2026, 11, 30)) == (  # a Monday
        "2026-W48", date(2026, 11, 23), date(2026, 11, 29))
    assert digests.period("weekly", date(2027, 1, 3)) == (  # ISO week 53 of 2026
        "2026-W52", date(2026, 12, 21), date(2026, 12, 27))
    assert digests.period("monthly", date(2026, 12, 1)) == (
        "2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert digests.period("monthly", date(2027, 1, 31)) == (
        "2026-12", date(2026, 12, 1), date(2026, 12, 31))


def test_an_epci_agent_is_told_each_week_what_changed_and_what_is_wrong(app, smtp, commune):
    agent("charge-mission", METROPOLE, "editor")
    a_week_of_history(commune)
    result = run(app, TUESDAY)
    [digest] = digests_to(smtp, "charge-mission@example.org")
    assert digest["Subject"] == \
        "Les données de vos communes : la semaine du 23/11/2026 au 29/11/2026"
    text = text_of(digest)
    assert "Rennes Métropole\n====" in text
    assert "Du 23/11/2026 au 29/11/2026 :" in text
    # the week's change, from the snapshots: Cesson-Sévigné now publishes its subventions
    assert "Subventions : communes conformes 0 (+0), qui publient 1 (+1)" in text, text
    # what is wrong now, and the observatoire's page that lists those communes
    assert "Non conforme aujourd’hui, une commune : Cesson-Sévigné (Subventions)" in text
    link = f"/observatoire/{METROPOLE}?level=commune&status=invalide"
    assert link in text
    assert "vous accompagnez les communes de ce territoire sur Portail de test : " \
        "Rennes Métropole." in text
    assert "/notifications/desabonnement/" in text
    html = BeautifulSoup(html_of(digest), "html.parser")
    assert html.find("h2").get_text() == "Rennes Métropole"
    hrefs = [a["href"] for a in html.find_all("a")]
    assert any(h.endswith(link) for h in hrefs)
    # the commune's own people get no digest: they are not agents of a territory
    assert digests_to(smtp, "secretaire@example.org") == []
    assert digests_to(smtp, "maire@example.org") == []
    assert result.empty_digests == 0
    # the same week, never twice; the next week, once more (nothing changed,
    # but Cesson-Sévigné is still not conformant)
    run(app, datetime(2026, 12, 6, 20, tzinfo=timezone.utc))
    assert len(digests_to(smtp, "charge-mission@example.org")) == 1
    history.take(date(2026, 12, 6))
    model.Session.commit()
    run(app, datetime(2026, 12, 8, 8, tzinfo=timezone.utc))
    later = digests_to(smtp, "charge-mission@example.org")
    assert len(later) == 2
    assert later[1]["Subject"].endswith("la semaine du 30/11/2026 au 06/12/2026")
    assert "Aucun changement du 30/11/2026 au 06/12/2026." in text_of(later[1])
    assert "Non conforme aujourd’hui, une commune : Cesson-Sévigné" in text_of(later[1])


def test_each_agent_s_frequency_is_respected(app, smtp, commune):
    agent("hebdo", METROPOLE, "admin")
    agent("mensuel", "departement-35", "editor", digest="monthly")
    agent("jamais", "departement-35", "admin", digest="never")
    agent("sans-adresse", METROPOLE, "editor", email="")
    a_week_of_history(commune)
    result = run(app, TUESDAY)
    monthly = digests_to(smtp, "mensuel@example.org")
    assert [m["Subject"] for m in monthly] == [
        "Les données de vos communes : le mois du 01/11/2026 au 30/11/2026"]
    assert "Ille-et-Vilaine\n====" in text_of(monthly[0])
    assert f"/observatoire/departement-35?level=commune&status=invalide" in text_of(monthly[0])
    assert len(digests_to(smtp, "hebdo@example.org")) == 1
    assert digests_to(smtp, "jamais@example.org") == []
    # skipped and counted: the agent without e-mail, and the commune's editor
    # without e-mail for the non-conformant file
    assert result.without_email == 2
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM opendatalocale_notify_mail WHERE kind = 'digest'")).scalar() == 2
    # a week later: the weekly digest again, the monthly one not before January
    run(app, datetime(2026, 12, 8, 8, tzinfo=timezone.utc))
    assert len(digests_to(smtp, "hebdo@example.org")) == 2
    assert len(digests_to(smtp, "mensuel@example.org")) == 1
    run(app, datetime(2027, 1, 4, 8, tzinfo=timezone.utc))
    december = digests_to(smtp, "mensuel@example.org")
    assert len(december) == 2
    # no snapshot since 29 November: December's changes are not known, not "none"
    text = text_of(december[1])
    assert "Les relevés quotidiens de l’observatoire ne couvrent pas cette période" in text
    assert "Aucun changement" not in text
    assert digests_to(smtp, "jamais@example.org") == []
    kinds = {row[0] for row in model.Session.execute(sa.text(
        "SELECT DISTINCT kind FROM opendatalocale_notify_mail WHERE email LIKE 'jamais%'"))}
    assert kinds == set()


def test_a_digest_with_nothing_to_say_is_not_sent(app, smtp, commune):
    quiet = another_epci()
    agent("tranquille", quiet, "editor")
    a_week_of_history(commune)  # in Rennes Métropole, not in hers
    result = run(app, TUESDAY)
    assert digests_to(smtp, "tranquille@example.org") == []
    assert result.empty_digests == 1
    # an agent of both territories gets one digest, with a section for the one
    # that has something to say
    both = agent("deux-territoires", METROPOLE, "editor")
    helpers.call_action("organization_member_create", id=quiet, username=both["name"],
                        role="editor")
    run(app, TUESDAY)
    [digest] = digests_to(smtp, "deux-territoires@example.org")
    text = text_of(digest)
    assert "Rennes Métropole\n====" in text
    quiet_title = helpers.call_action("organization_show", id=quiet)["title"]
    assert f"{quiet_title}\n====" not in text


def test_the_digest_s_unsubscribe_link_turns_it_off(app, smtp, commune):
    user = agent("desabonnee", METROPOLE, "editor")
    a_week_of_history(commune)
    run(app, TUESDAY)
    [digest] = digests_to(smtp, "desabonnee@example.org")
    link = re.search(r"https?://\S+/notifications/desabonnement/\S+", text_of(digest)).group(0)
    path = "/" + link.split("/", 3)[3]
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Résumé des communes de mon territoire" in page.body
    done = client.post(path, data={"_csrf_token": csrf(page.body)})
    assert done.status_code == 200 and "C’est fait" in done.body
    assert settings.choices(user["id"])["digest"] == "never"
    assert settings.choices(user["id"])["off"] == []  # the other kinds stay on
    run(app, datetime(2026, 12, 8, 8, tzinfo=timezone.utc))
    assert len(digests_to(smtp, "desabonnee@example.org")) == 1


def test_a_hostile_territory_title_is_text_and_a_former_agent_is_told_nothing(app, smtp,
                                                                             commune):
    helpers.call_action("organization_patch", {"user": commune["sysadmin"]}, id=METROPOLE,
                        title="Rennes <b onmouseover=alert(1)>Métropole</b>")
    agent("ancienne", METROPOLE, "editor")
    a_week_of_history(commune)
    run(app, TUESDAY)
    [digest] = digests_to(smtp, "ancienne@example.org")
    html = html_of(digest)
    assert "<b onmouseover" not in html and "&lt;b onmouseover=alert(1)&gt;" in html
    # she leaves Rennes Métropole: her digest of the next week is not written
    helpers.call_action("organization_member_delete", {"user": commune["sysadmin"]},
                        id=METROPOLE, username="ancienne")
    run(app, datetime(2026, 12, 8, 8, tzinfo=timezone.utc))
    assert len(digests_to(smtp, "ancienne@example.org")) == 1
