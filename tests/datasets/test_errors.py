"""Error pages (403, 404) in the visitor's language, naming the dataset or
the organisation only when the visitor may read it: a private dataset's
title never reaches someone outside its organisation."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from ckan.tests import factories

from .forms import logged_in, member

SECRET = "Projet confidentiel de Rennes"


@pytest.fixture
def rennes():
    return factories.Organization(name="commune-35238", title="Rennes")


@pytest.fixture
def datasets(create, rennes):
    create(type="deliberations", name="secret-rennes", title=SECRET, owner_org=rennes["id"],
           private=True, notes="Ne pas diffuser.")
    create(type="deliberations", name="public-rennes", title="Délibérations publiques",
           owner_org=rennes["id"], resources=[{"url": "https://example.org/d.csv",
                                               "name": "Fichier"}])


def text(body: str) -> str:
    main = re.search(r'<article class="module error-page".*?</article>', body, re.S).group(0)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def login_link(body: str) -> str | None:
    found = re.search(r'<a class="btn btn-primary" href="([^"]+)">Se connecter</a>', body)
    return unescape(found.group(1)) if found else None


@pytest.mark.usefixtures("clean_db", "datasets")
class TestPrivateDataset:
    @pytest.mark.parametrize("path", ["/deliberations/secret-rennes", "/dataset/secret-rennes",
                                      "/deliberations/edit/secret-rennes",
                                      "/deliberations/secret-rennes/resource/new"])
    def test_an_anonymous_visitor_gets_a_french_404_and_a_way_to_log_in(self, app, path):
        response = app.get(path)
        # CKAN checks the right to add a file before looking the dataset up: 403
        assert response.status_code == (403 if path.endswith("/resource/new") else 404)
        page = text(response.body)
        assert page.startswith("Ce jeu de données n'existe pas ou n'est pas public")
        assert "connectez-vous si vous en êtes membre" in page
        assert SECRET not in response.body and "Ne pas diffuser" not in response.body
        link = urlparse(login_link(response.body))
        assert link.path == "/user/login" and parse_qs(link.query)["came_from"] == [path]

    def test_a_logged_in_outsider_gets_the_same_404_without_the_title(self, app):
        outsider = logged_in(app, factories.User(password="Motdepasse-2026!"))
        for path in ("/deliberations/secret-rennes", "/deliberations/edit/secret-rennes"):
            response = outsider.get(path)
            assert response.status_code == 404, path
            assert SECRET not in response.body
            assert text(response.body).startswith(
                "Ce jeu de données n'existe pas ou n'est pas public")
            assert login_link(response.body) is None

    def test_a_member_reads_it(self, app, rennes):
        reader = logged_in(app, member(rennes, role="member"))
        assert SECRET in reader.get("/deliberations/secret-rennes").body

    def test_logging_in_from_the_404_comes_back_to_the_dataset(self, app, rennes):
        user = member(rennes, role="member")
        client = app.test_client()
        link = login_link(client.get("/deliberations/secret-rennes").body)
        form = client.get(link).body
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
        response = client.post(link, data={"login": user["name"],
                                           "password": "Motdepasse-2026!",
                                           "_csrf_token": token}, follow_redirects=False)
        assert response.status_code == 302
        assert urlparse(response.headers["Location"]).path == "/deliberations/secret-rennes"

    def test_an_unknown_dataset_reads_the_same(self, app):
        response = app.get("/deliberations/n-existe-pas", status=404)
        assert text(response.body).startswith(
            "Ce jeu de données n'existe pas ou n'est pas public")

    def test_english_visitors_read_english(self, app):
        response = app.get("/en/deliberations/secret-rennes", status=404)
        assert "This dataset does not exist or is not public" in response.body
        assert SECRET not in response.body


@pytest.mark.usefixtures("clean_db", "datasets")
class TestRefusedChanges:
    def test_an_outsider_editing_a_public_dataset_is_told_which_and_why(self, app):
        outsider = logged_in(app, factories.User(password="Motdepasse-2026!"))
        response = outsider.get("/deliberations/edit/public-rennes")
        assert response.status_code == 403
        page = text(response.body)
        assert page.startswith(
            "Vous ne pouvez pas modifier le jeu de données « Délibérations publiques »")
        assert "Seuls les éditeurs et les administrateurs de Rennes" in page
        assert "n'est pas autorisé" not in response.body  # CKAN's technical sentence
        assert 'href="/deliberations/public-rennes"' in response.body

    def test_an_anonymous_visitor_is_offered_to_log_in(self, app):
        response = app.get("/deliberations/public-rennes/resource/new", status=403)
        assert text(response.body).startswith("Vous ne pouvez pas modifier le jeu de données")
        assert login_link(response.body)

    @pytest.mark.parametrize("role", ["editor", "member", None])
    def test_refusing_an_organisation_edit_says_so(self, app, rennes, role):
        user = member(rennes, role=role) if role else factories.User(
            password="Motdepasse-2026!")
        response = logged_in(app, user).get("/organization/edit/commune-35238")
        assert response.status_code == 403
        page = text(response.body)
        assert page.startswith("Vous ne pouvez pas modifier l'organisation « Rennes »")
        assert "Seuls ses administrateurs" in page
        assert "groupe" not in page  # not CKAN's "Unauthorized to create a group"

    def test_an_organisation_admin_edits_it(self, app, rennes):
        admin = logged_in(app, member(rennes, role="admin"))
        assert admin.get("/organization/edit/commune-35238").status_code == 200

    def test_a_user_of_no_organisation_may_not_publish(self, app):
        response = logged_in(app, factories.User(password="Motdepasse-2026!")).get(
            "/deliberations/new")
        assert response.status_code == 403
        assert text(response.body).startswith("Vous ne pouvez pas publier de jeux de données")

    def test_any_other_page_not_found_is_french(self, app):
        page = text(app.get("/nulle-part", status=404).body)
        assert page.startswith("Page introuvable")
        assert "Not Found" not in page
