"""Bad input in the resource form: no file and no link, a file over
``ckan.max_resource_size``, the same form sent twice. A French message on the
form, what was typed kept, never a 500, never a second resource."""
from __future__ import annotations

import io
import os

import pytest
from ckan import model
from ckan.tests import helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.scdl import catalogue

from .forms import csrf, hidden, logged_in, member, summary

MB = 1024 * 1024


@pytest.fixture
def editor(app, commune):
    return logged_in(app, member(commune))


@pytest.fixture
def dataset(create, commune):
    return create(type="deliberations", name="deliberations-2025", title="Délibérations 2025",
                  owner_org=commune["id"])


def resource_form(client, form_url: str, **typed) -> dict:
    body = client.get(form_url).body
    data = {"_csrf_token": csrf(body), "id": "", "url": "", "name": "", "description": "",
            "format": "", "schema_version": catalogue().get("deliberations").latest.version,
            "form_token": hidden(body, "form_token"), "save": "go-dataset-complete"}
    data.update(typed)
    return data


def resources(name: str) -> list[dict]:
    return helpers.call_action("package_show", id=name)["resources"]


def stored_files(path: str) -> set[str]:
    """The uploads in the storage (its resources/ folder: not the web assets
    and script translations a first page builds there)."""
    return {os.path.join(d, f) for d, _, files in os.walk(os.path.join(path, "resources"))
            for f in files}


@pytest.mark.usefixtures("clean_db")
class TestNoFileNoLink:
    def test_a_resource_needs_a_file_or_a_link(self, editor, dataset):
        url = f"/deliberations/{dataset['name']}/resource/new"
        response = editor.post(url, data=resource_form(
            editor, url, name="Délibérations du 3 mars", description="Séance ordinaire."))
        assert response.status_code == 200
        assert summary(response.body) == ["Fichier ou lien: Ajoutez un fichier ou un lien."]
        # said under the file and link buttons, where the editor looks
        assert 'id="resource-url-error"' in response.body
        for typed in ("Délibérations du 3 mars", "Séance ordinaire."):
            assert typed in response.body, f"{typed!r} lost"
        assert resources(dataset["name"]) == []

    def test_finishing_a_new_dataset_without_a_file_says_so(self, editor, commune):
        form = editor.get("/deliberations/new").body
        response = editor.post("/deliberations/new", data={
            "_csrf_token": csrf(form), "title": "Délibérations 2026",
            "name": "deliberations-2026", "owner_org": commune["id"], "frequency": "MONTHLY",
            "license_id": "lov2", "_ckan_phase": "dataset_new_1", "save": ""},
            follow_redirects=False)
        stage_two = response.headers["Location"]
        # "Terminer" with nothing chosen: the version select alone is not a file
        response = editor.post(stage_two, data=resource_form(editor, stage_two,
                                                             save="go-metadata"))
        assert response.status_code == 200
        assert "Ajoutez un fichier ou un lien." in response.body
        dataset = helpers.call_action("package_show", id="deliberations-2026")
        assert dataset["resources"] == [] and dataset["state"] == "draft"

    def test_the_api_refuses_it_too(self, sysadmin, dataset):
        with pytest.raises(Exception) as raised:
            helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                package_id=dataset["id"], name="Sans fichier")
        assert list(getattr(raised.value, "error_dict", {})) == ["url"]

    def test_an_older_resource_without_a_link_stays_editable(self, sysadmin, dataset):
        resource = helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                       package_id=dataset["id"],
                                       url="https://example.org/d.csv", name="Ancien")
        model.Session.query(model.Resource).filter_by(id=resource["id"]).update({"url": ""})
        model.repo.commit()
        patched = helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                                      id=dataset["id"], notes="Mise à jour")
        assert patched["notes"] == "Mise à jour"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.max_resource_size", 1)
class TestTooLarge:
    def test_a_file_over_the_limit_is_refused_in_french_before_it_is_written(
            self, editor, dataset, ckan_config):
        storage = ckan_config["ckan.storage_path"]
        before = stored_files(storage)
        url = f"/deliberations/{dataset['name']}/resource/new"
        data = resource_form(editor, url, name="Registre complet", url_type="upload")
        data["upload"] = (io.BytesIO(b"a,b\n" + b"1,2\n" * (MB // 2)), "registre.csv")
        response = editor.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 200
        [message] = summary(response.body)
        assert message.startswith("Fichier ou lien: Le fichier est trop volumineux (2 Mo)")
        assert "de 1 Mo au plus" in message
        assert "Choisissez de nouveau le fichier" in response.body  # browsers drop it
        assert "Registre complet" in response.body
        assert resources(dataset["name"]) == []
        assert stored_files(storage) == before  # nothing half-written

    def test_the_api_says_it_on_the_url(self, sysadmin, dataset):
        with pytest.raises(Exception) as raised:
            helpers.call_action(
                "resource_create", context={"user": sysadmin["name"]},
                package_id=dataset["id"], name="Gros",
                upload=FileStorage(io.BytesIO(b"x" * (MB + 1)), "gros.csv"))
        assert list(getattr(raised.value, "error_dict", {})) == ["url"], raised.value
        assert resources(dataset["name"]) == []

    def test_a_file_within_the_limit_is_taken(self, editor, dataset):
        url = f"/deliberations/{dataset['name']}/resource/new"
        data = resource_form(editor, url, name="Petit", url_type="upload")
        data["upload"] = (io.BytesIO(b"a,b\n1,2\n"), "petit.csv")
        response = editor.post(url, data=data, content_type="multipart/form-data",
                               follow_redirects=False)
        assert response.status_code == 302
        assert [r["name"] for r in resources(dataset["name"])] == ["Petit"]


@pytest.mark.usefixtures("clean_db")
class TestSentTwice:
    def test_the_same_form_sent_twice_adds_one_resource(self, editor, dataset):
        url = f"/deliberations/{dataset['name']}/resource/new"
        data = resource_form(editor, url, url="https://example.org/deliberations.csv",
                             name="Délibérations")
        first = editor.post(url, data=data, follow_redirects=False)
        assert first.status_code == 302
        second = editor.post(url, data=data, follow_redirects=False)
        assert second.status_code == 200
        assert "Ce formulaire a déjà été envoyé" in second.body
        assert len(resources(dataset["name"])) == 1

    def test_a_new_form_is_a_new_submission(self, editor, dataset):
        url = f"/deliberations/{dataset['name']}/resource/new"
        for name in ("Premier", "Second"):
            data = resource_form(editor, url, url="https://example.org/d.csv", name=name)
            assert editor.post(url, data=data, follow_redirects=False).status_code == 302
        assert [r["name"] for r in resources(dataset["name"])] == ["Premier", "Second"]

    def test_the_token_is_not_stored(self, editor, dataset):
        url = f"/deliberations/{dataset['name']}/resource/new"
        editor.post(url, data=resource_form(editor, url, url="https://example.org/d.csv"))
        [resource] = resources(dataset["name"])
        assert "form_token" not in resource

    def test_the_api_creates_the_same_resource_twice_when_asked(self, sysadmin, dataset):
        for _ in range(2):
            helpers.call_action("resource_create", context={"user": sysadmin["name"]},
                                package_id=dataset["id"], url="https://example.org/d.csv")
        assert len(resources(dataset["name"])) == 2

    def test_without_redis_the_form_still_adds_the_file(self, editor, dataset, monkeypatch):
        import redis
        from ckanext.opendatalocale.datasets.logic import validators
        url = f"/deliberations/{dataset['name']}/resource/new"
        data = resource_form(editor, url, url="https://example.org/d.csv", name="Sans Redis")
        # the guard's Redis unreachable (nothing listens on port 1): it is off, the form works
        monkeypatch.setattr(validators, "connect_to_redis",
                            lambda: redis.Redis(host="127.0.0.1", port=1))
        response = editor.post(url, data=data, follow_redirects=False)
        assert response.status_code == 302
        assert [r["name"] for r in resources(dataset["name"])] == ["Sans Redis"]
