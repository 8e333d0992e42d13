"""The socle-commun chooser, for an organisation: every "Ajouter un jeu de
données" leads to it, it publishes *for* an organisation (a territory agent's
own first, then her communes), and says where each type stands for it."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers

from ckanext.opendatalocale.datasets import chooser

from ..territories.conftest import load
from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload, with_french_date

RENNES_METROPOLE = "epci-243500139"
CESSON, RENNES, ACIGNE = "commune-35051", "commune-35238", "commune-35001"


def token(user: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user)["token"]}


def member(org: str, user: str, role: str = "editor") -> None:
    helpers.call_action("organization_member_create", id=org, username=user, role=role)


def page(app, user=None, **params):
    response = app.get("/socle-commun/", query_string=params,
                       headers=token(user) if user else {})
    return BeautifulSoup(response.body, "html.parser")


def card(soup, slug: str):
    return soup.find(id=f"type-{slug}")


@pytest.fixture
def ille_et_vilaine(clean_db):
    load({"departement": "35"})
    return factories.Sysadmin()["name"]


@pytest.fixture
def publish(ille_et_vilaine):
    def publish(org, kind, name, content=None, **fields):
        dataset = helpers.call_action("package_create", {"user": ille_et_vilaine}, type=kind,
                                      name=name, title=name, owner_org=org, **fields)
        if content is not None:
            helpers.call_action("resource_create", {"user": ille_et_vilaine},
                                package_id=dataset["id"], name="fichier.csv", format="CSV",
                                upload=upload(content))
        return helpers.call_action("package_show", id=dataset["id"])
    return publish


class TestForWhom:
    def test_a_secretary_publishes_for_her_commune_and_the_form_knows_it(
            self, app, ille_et_vilaine):
        factories.User(name="secretaire")
        member(CESSON, "secretaire")
        soup = page(app, "secretaire")
        assert soup.select_one(".scdl-publishing-for").get_text(" ", strip=True) == \
            "Publier pour : Cesson-Sévigné"
        cesson = helpers.call_action("organization_show", id=CESSON)
        publish = card(soup, "deliberations").select_one("a.btn-primary")
        assert publish.get_text(" ", strip=True) == "Publier — Délibérations"
        assert publish["href"] == f"/deliberations/new?group={cesson['id']}"
        form = BeautifulSoup(app.get(publish["href"], headers=token("secretaire")).body,
                             "html.parser")
        selected = form.select_one("#field-organizations option[selected]")
        assert selected["value"] == cesson["id"]

    def test_an_agent_sees_her_epci_first_then_its_communes_in_french_order(
            self, app, ille_et_vilaine):
        factories.User(name="agente")
        member(RENNES_METROPOLE, "agente", "admin")
        soup = page(app, "agente")
        select = soup.select_one("select#field-publish-for")
        # CKAN's style adds the colon after a label
        assert select.find_previous("label").get_text(strip=True) == "Publier pour"
        options = [o.get_text(strip=True) for o in select.find_all("option")]
        assert options[0] == "Rennes Métropole"
        assert len(options) == 44  # the EPCI and its 43 communes
        communes = options[1:]
        assert communes[:3] == ["Acigné", "Bécherel", "Betton"]
        assert communes.index("Cesson-Sévigné") < communes.index("Chantepie")
        assert communes.index("Le Rheu") < communes.index("Montgermont")
        # the first one is chosen: the agent's own territory
        assert soup.select_one("select#field-publish-for option[selected]").get_text(
            strip=True) == "Rennes Métropole"
        assert "Le socle commun de Rennes Métropole" in soup.get_text()

    def test_a_departement_agent_gets_one_group_per_territory(self, app, ille_et_vilaine):
        factories.User(name="agent-35")
        member("departement-35", "agent-35", "editor")
        groups = chooser.publishing_groups(chooser.publishing_organizations("agent-35"))
        labels = [g["label"] for g in groups]
        assert labels[0] == "Ille-et-Vilaine"
        assert groups[0]["organizations"][0]["name"] == "departement-35"
        assert "Rennes Métropole" in labels
        rennes_metropole = groups[labels.index("Rennes Métropole")]["organizations"]
        assert rennes_metropole[0]["name"] == RENNES_METROPOLE
        assert {o["name"] for o in rennes_metropole[1:]} >= {CESSON, RENNES, ACIGNE}
        # every organisation once
        names = [o["name"] for g in groups for o in g["organizations"]]
        assert len(names) == len(set(names))
        html = str(page(app, "agent-35").select_one("select#field-publish-for"))
        assert '<optgroup label="Rennes Métropole">' in html

    def test_choosing_another_commune_shows_its_cards(self, app, ille_et_vilaine):
        factories.User(name="agente")
        member(RENNES_METROPOLE, "agente", "admin")
        soup = page(app, "agente", organisation=CESSON)
        assert soup.select_one("select#field-publish-for option[selected]")["value"] == CESSON
        assert "Le socle commun de Cesson-Sévigné" in soup.get_text()

    def test_no_organisation_for_whom_she_may_not_publish(self, app, ille_et_vilaine):
        factories.User(name="secretaire")
        member(CESSON, "secretaire")
        body = app.get("/socle-commun/", query_string={"organisation": RENNES},
                       headers=token("secretaire"), status=403).body
        assert "Vous ne pouvez pas publier pour « Rennes »" in body
        body = app.get("/socle-commun/", query_string={"organisation": "<script>x</script>"},
                       headers=token("secretaire"), status=404).body
        assert "<script>x</script>" not in body and "&lt;script&gt;" in body
        for hostile in ("commune\x00-35051", "a" * 5000):
            app.get("/socle-commun/", query_string={"organisation": hostile},
                    headers=token("secretaire"), status=404)

    def test_a_visitor_is_asked_to_log_in(self, app, ille_et_vilaine):
        soup = page(app)
        notice = soup.select_one(".alert-info")
        assert "connectez-vous" in notice.get_text().lower()
        assert notice.find("a")["href"].startswith("/user/login?came_from=")
        assert app.get("/socle-commun/", query_string={"organisation": CESSON},
                       status=403)

    def test_someone_without_organisation_is_told_why(self, app, ille_et_vilaine):
        factories.User(name="personne")
        soup = page(app, "personne")
        assert "vous n'êtes éditeur d'aucune organisation" in \
            soup.select_one(".alert-warning").get_text().lower()

    def test_a_sysadmin_chooses_any_organisation_by_its_address(self, app, ille_et_vilaine):
        soup = page(app, ille_et_vilaine, organisation=RENNES)
        assert "Le socle commun de Rennes" in soup.get_text()


class TestStates:
    def test_each_type_says_where_it_stands_and_offers_to_update(
            self, app, publish, ille_et_vilaine):
        factories.User(name="secretaire")
        member(CESSON, "secretaire")
        subventions = publish(CESSON, "subventions", "subventions-cesson", SUBVENTIONS)
        publish(CESSON, "budget", "budget-cesson", with_french_date(SUBVENTIONS))
        publish(CESSON, "equipements", "equipements-cesson", private=True)
        publish(RENNES, "prenoms", "prenoms-rennes", SUBVENTIONS)  # another commune's
        soup = page(app, "secretaire")

        def state(slug):
            return card(soup, slug).select_one(".scdl-state").get_text(strip=True)

        assert state("subventions") == "Conforme"
        assert state("equipements") == "Privé (non publié)"
        assert state("deliberations") == "À publier"
        assert state("prenoms") == "À publier"
        [resource] = subventions["resources"]
        replace = card(soup, "subventions").find("a", string="Remplacer son fichier")
        assert replace["href"] == \
            f"/subventions/subventions-cesson/resource/{resource['id']}/edit"
        assert card(soup, "subventions").find("a", string="subventions-cesson")["href"] == \
            "/subventions/subventions-cesson"
        # the generic form stays one link away, for the same organisation
        generic = soup.find("a", string="Autre jeu de données (formulaire générique)")
        assert generic["href"].startswith("/dataset/new?group=")

    def test_an_invalid_file_is_said_not_conformant(self, app, publish, ille_et_vilaine):
        factories.User(name="secretaire")
        member(CESSON, "secretaire")
        publish(CESSON, "subventions", "subventions-cesson", with_french_date(SUBVENTIONS))
        soup = page(app, "secretaire")
        assert card(soup, "subventions").select_one(".scdl-state").get_text(strip=True) \
            == "Non conforme"

    def test_a_dataset_older_than_its_frequency_is_out_of_date(self, publish, ille_et_vilaine):
        publish(CESSON, "subventions", "subventions-cesson", SUBVENTIONS, frequency="MONTHLY")
        cesson = chooser.organization(CESSON)
        now = datetime.now(timezone.utc)
        cards = {c["slug"]: c for c in chooser.type_states(cesson, ille_et_vilaine, now)}
        assert cards["subventions"]["state"] == "conforme"
        later = {c["slug"]: c for c in chooser.type_states(
            cesson, ille_et_vilaine, now + timedelta(days=40))}
        assert later["subventions"]["state"] == "perime"

    def test_the_law_is_said_where_it_applies(self, app, ille_et_vilaine):
        factories.User(name="agente")
        member(RENNES_METROPOLE, "agente", "admin")
        rennes = page(app, "agente", organisation=RENNES)  # 220 000 inhabitants
        assert card(rennes, "deliberations").select_one(".scdl-obliged").get_text(
            strip=True) == "obligatoire"
        assert "oblige" in rennes.get_text()
        becherel = page(app, "agente", organisation="commune-35022")  # 700 inhabitants
        assert card(becherel, "deliberations").select_one(".scdl-obliged") is None


class TestEntries:
    """Every "Ajouter un jeu de données" leads to the chooser."""

    @pytest.fixture
    def secretary(self, ille_et_vilaine):
        factories.User(name="secretaire")
        member(CESSON, "secretaire")
        return "secretaire"

    @pytest.mark.parametrize("path", ["/dataset/", "/dashboard/datasets"])
    def test_dataset_list_and_dashboard(self, app, secretary, path):
        soup = BeautifulSoup(app.get(path, headers=token(secretary)).body, "html.parser")
        add = soup.select_one("a.scdl-add-dataset")
        assert add.get_text(strip=True) == "Ajouter un jeu de données"
        assert add["href"] == "/socle-commun/"
        assert soup.select_one("a.scdl-add-generic")["href"] == "/dataset/new"

    def test_an_organisation_page_chooses_for_it(self, app, secretary):
        cesson = helpers.call_action("organization_show", id=CESSON)
        soup = BeautifulSoup(app.get(f"/organization/{CESSON}", headers=token(secretary)).body,
                             "html.parser")
        add = soup.select_one("a.scdl-add-dataset")
        assert add["href"] == f"/socle-commun/?organisation={cesson['id']}"
        chosen = page(app, secretary, organisation=cesson["id"])
        assert "Le socle commun de Cesson-Sévigné" in chosen.get_text()

    def test_an_scdl_type_list_goes_to_its_form(self, app, secretary):
        soup = BeautifulSoup(app.get("/deliberations/", headers=token(secretary)).body,
                             "html.parser")
        assert soup.find("a", href="/deliberations/new") is not None
