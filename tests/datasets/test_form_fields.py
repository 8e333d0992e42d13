"""The dataset forms as an editor sees them: the empty title reported on the
title, the defaults shown selected (and saved when left), the types' labels
with their accents, the plain form public by default."""
from __future__ import annotations

import re

import pytest
from ckan.tests import helpers

from ckanext.opendatalocale.datasets.logic.validators import DEFAULT_LICENSE
from ckanext.opendatalocale.scdl import catalogue

from .conftest import SLUGS
from .forms import csrf, logged_in, member, options, selected, summary


@pytest.fixture
def editor(app, commune):
    return logged_in(app, member(commune))


def first_stage(client, slug: str, commune: dict, **typed) -> dict:
    """The new-dataset form as shown, with what the editor typed."""
    body = client.get(f"/{slug}/new").body
    data = {"_csrf_token": csrf(body), "owner_org": commune["id"], "_ckan_phase":
            "dataset_new_1", "save": ""}
    for field in ("frequency", "license_id", "private"):
        if f'id="field-{field}"' in body:
            data[field] = (selected(body, f"field-{field}") or [""])[0]
    data.update(typed)
    return data


@pytest.mark.usefixtures("clean_db")
class TestEmptyTitle:
    def test_an_empty_title_is_reported_on_the_title_not_on_the_url(self, editor, commune):
        response = editor.post("/deliberations/new", data=first_stage(
            editor, "deliberations", commune, title="", name="", notes="Conseil du 3 mars"))
        assert response.status_code == 200
        assert summary(response.body) == ["Titre: Valeur manquante"]
        # the title's own error, and none on the URL field
        title = re.search(r'<div class="form-group error[^"]*">\s*<label[^>]*for="field-title"'
                          r'.*?</div>\s*</div>', response.body, re.S)
        assert title and "Valeur manquante" in title.group(0)
        assert 'aria-describedby="field-title-error"' in response.body
        assert not re.search(r'class="form-group error[^"]*"[^>]*>\s*<label[^>]*for="field-name"',
                             response.body)
        assert "Conseil du 3 mars" in response.body  # what was typed is kept
        assert helpers.call_action("package_search", q="*:*", include_private=True,
                                   include_drafts=True)["count"] == 0

    def test_english_visitors_read_it_in_english(self, editor, commune):
        response = editor.post("/en/deliberations/new", data=first_stage(
            editor, "deliberations", commune, title="", name=""))
        assert summary(response.body) == ["Title: Missing value"]

    def test_a_title_with_no_url_still_asks_for_the_url(self, editor, commune):
        # the browser's script fills the URL from the title; without it, the URL is asked
        response = editor.post("/subventions/new", data=first_stage(
            editor, "subventions", commune, title="Subventions 2025", name=""))
        assert summary(response.body) == ["Adresse (URL): Valeur manquante"]

    def test_the_api_still_takes_the_name_as_title(self, create, commune):
        dataset = create(type="budget", name="budget-2026", owner_org=commune["id"])
        assert dataset["title"] == "budget-2026"

    def test_the_api_refuses_a_dataset_with_neither(self, create, commune):
        with pytest.raises(Exception) as raised:
            create(type="budget", owner_org=commune["id"])
        assert getattr(raised.value, "error_dict", {}).keys() == {"title"}


@pytest.mark.usefixtures("clean_db")
class TestDefaults:
    @pytest.mark.parametrize("slug", SLUGS)
    def test_a_new_form_shows_the_defaults_selected(self, editor, slug):
        body = editor.get(f"/{slug}/new").body
        assert selected(body, "field-frequency") == [catalogue().get(slug).expected_frequency]
        assert selected(body, "field-license_id") == [DEFAULT_LICENSE]
        assert "" not in options(body, "field-frequency")  # no blank choice to fall on
        assert "" not in options(body, "field-license_id")

    def test_the_defaults_left_as_shown_are_saved(self, editor, commune):
        data = first_stage(editor, "subventions", commune, title="Subventions 2026",
                           name="subventions-2026")
        assert (data["frequency"], data["license_id"]) == ("QUARTERLY", "lov2")
        assert editor.post("/subventions/new", data=data,
                           follow_redirects=False).status_code == 302
        dataset = helpers.call_action("package_show", id="subventions-2026")
        assert (dataset["frequency"], dataset["license_id"]) == ("QUARTERLY", "lov2")

    def test_an_edit_form_shows_what_is_stored(self, editor, create, commune):
        create(type="subventions", name="subventions-x", title="X", owner_org=commune["id"],
               frequency="WEEKLY", license_id="odc-odbl")
        body = editor.get("/subventions/edit/subventions-x").body
        assert selected(body, "field-frequency") == ["WEEKLY"]
        assert selected(body, "field-license_id") == ["odc-odbl"]


@pytest.mark.usefixtures("clean_db")
class TestTypeLabels:
    def test_the_breadcrumb_and_page_title_keep_the_accents(self, editor):
        body = editor.get("/deliberations/new").body
        assert "Deliberations" not in body
        breadcrumb = re.search(r'<ol class="breadcrumb">.*?</ol>', body, re.S).group(0)
        assert ">Délibérations</a>" in breadcrumb
        assert "Délibérations" in re.search(r"<title>(.*?)</title>", body, re.S).group(1)

    @pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True)
    def test_a_dataset_without_organisation_links_its_type_with_accents(self, app, create):
        create(type="deliberations", name="sans-org", title="Sans organisation")
        body = app.get("/deliberations/sans-org").body
        breadcrumb = re.search(r'<ol class="breadcrumb">.*?</ol>', body, re.S).group(0)
        assert ">Délibérations</a>" in breadcrumb and "Deliberations" not in body

    def test_the_plain_type_is_called_datasets(self, editor):
        body = editor.get("/dataset/new").body
        breadcrumb = re.search(r'<ol class="breadcrumb">.*?</ol>', body, re.S).group(0)
        assert ">Jeux de données</a>" in breadcrumb


@pytest.mark.usefixtures("clean_db")
class TestPlainFormIsPublic:
    def test_the_plain_form_proposes_public_and_says_what_private_means(self, editor):
        body = editor.get("/dataset/new").body
        assert selected(body, "field-private") == ["False"]
        assert options(body, "field-private") == ["False", "True"]
        assert "Public : tout le monde peut le trouver et le télécharger" in body

    def test_the_plain_form_saved_as_shown_publishes(self, editor, commune):
        data = first_stage(editor, "dataset", commune, title="Registre des arrêtés",
                           name="registre-des-arretes")
        assert data["private"] == "False"
        assert editor.post("/dataset/new", data=data, follow_redirects=False).status_code == 302
        assert helpers.call_action("package_show", id="registre-des-arretes")["private"] is False

    def test_a_private_dataset_stays_private_in_its_edit_form(self, editor, create, commune):
        create(name="prive", title="Privé", owner_org=commune["id"], private=True)
        assert selected(editor.get("/dataset/edit/prive").body, "field-private") == ["True"]
