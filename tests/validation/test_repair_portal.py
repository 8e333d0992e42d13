"""The automatic correction in the portal (issue 15, items 3 and 4): on a
"non conforme" report an editor prepares the correction, reads what would
change, and only "Publier la version corrigée" puts the corrected file in
the resource; the original stays downloadable; the new file is checked.
Rights are the resource's; a file replaced meanwhile is never overwritten;
a failed or interrupted correction changes nothing. The API gives the same,
and corrects a file sent on its own."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file
from ckanext.opendatalocale.validation import repairs
from ckanext.opendatalocale.validation.wording import report_json, translator

from .conftest import VALID, status, upload
from .test_offline_and_links import files_server  # noqa: F401 (fixture)
from .test_report_page import with_french_dates

BASE = "/subventions/subventions-2025/resource"


def stored(resource: dict) -> bytes:
    return Path(uploader.get_resource_uploader(resource).get_path(resource["id"])).read_bytes()


def fresh(resource_id: str) -> dict:
    return helpers.call_action("resource_show", id=resource_id)


def activities(dataset_id: str) -> int:
    return len(helpers.call_action("package_activity_list", id=dataset_id))


def token_of(user: dict) -> dict:
    token = helpers.call_action("api_token_create", context={"user": user["name"]},
                                user=user["name"], name="test")["token"]
    return {"Authorization": token}


def words(body) -> str:
    return " ".join(BeautifulSoup(body, "html.parser").get_text(" ").split())


def form_action(body, text: str) -> str:
    page = BeautifulSoup(body, "html.parser")
    button = page.find("button", string=re.compile(re.escape(text)))
    assert button is not None, f"no button « {text} »"
    return button.find_parent("form")["action"]


@pytest.fixture
def headers(editor):
    return token_of(editor)


@pytest.fixture
def french(add_file):
    """A file whose only errors are French dates: the correction makes it conform."""
    content = with_french_dates(3)
    resource = add_file(content, "subventions 2025.csv")
    assert status(resource["id"])["status"] == "failure"
    return resource, content


@pytest.mark.usefixtures("clean_db")
class TestThePage:
    def test_the_report_offers_it_to_editors_only(self, app, french, headers):
        resource, _ = french
        page = app.get(f"{BASE}/{resource['id']}", headers=headers).body
        assert "Corriger automatiquement" in page
        assert "rien ne change sans votre accord" in words(page)
        assert form_action(page, "Corriger automatiquement") == (
            f"/dataset/subventions-2025/resource/{resource['id']}/corriger")
        assert "Corriger automatiquement" not in app.get(f"{BASE}/{resource['id']}").body

    def test_nothing_changes_before_the_click_then_the_corrected_file_is_published(
            self, app, french, headers, subventions, tmp_path):
        resource, content = french
        before = fresh(resource["id"])
        history = activities(subventions["id"])
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        # preparing: the page says what would change, the resource is untouched
        prepared = app.post(url, headers=headers, follow_redirects=False)
        assert prepared.status_code == 302 and prepared.headers["Location"].endswith(url)
        page = app.get(url, headers=headers).body
        text = words(page)
        assert "3 valeurs corrigées : le fichier corrigé est conforme au schéma." in text
        assert "Date écrite comme le schéma l’attend (année-mois-jour) 3 valeurs" in text
        assert "dateConvention : les dates sont lues jour en premier" in text
        rows = BeautifulSoup(page, "html.parser").select(".scdl-repair-examples tbody tr")
        first = [td.get_text(strip=True) for td in rows[0].find_all("td")]
        assert first[0] == "2" and re.fullmatch(r"01/\d\d/\d{4}", first[1])
        day, month, year = first[1].split("/")
        assert first[2] == f"{year}-{month}-{day}"
        assert "Ce qui resterait à corriger" not in text
        assert stored(resource) == content
        after = fresh(resource["id"])
        assert after["metadata_modified"] == before["metadata_modified"]
        assert activities(subventions["id"]) == history
        # the corrected file can be read before it is published
        download = app.get(f"{url}/fichier.csv", headers=headers)
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert "subventions-2025-corrige.csv" in download.headers["Content-Disposition"]
        assert download.headers["Content-Security-Policy"].startswith("sandbox")
        corrected = download.data
        (tmp_path / "corrige.csv").write_bytes(corrected)
        assert validate_file(tmp_path / "corrige.csv", catalogue().get("subventions")
                             .latest.table_schema()).valid
        # publishing: the file is the corrected one, checked, and the original kept
        published = app.post(form_action(page, "Publier la version corrigée"),
                             headers=headers, follow_redirects=False)
        assert published.status_code == 302
        assert published.headers["Location"].endswith(f"{BASE}/{resource['id']}")
        now = fresh(resource["id"])
        assert stored(now) == corrected
        assert now["format"] == "CSV" and now["url"].endswith("subventions-2025.csv")
        assert status(resource["id"])["status"] == "success"
        assert activities(subventions["id"]) == history + 1
        report = app.get(f"{BASE}/{resource['id']}").body
        assert "Ce fichier a été corrigé automatiquement le" in words(report)
        assert "(3 valeurs corrigées)" in words(report)
        link = BeautifulSoup(report, "html.parser").find(
            "a", string=re.compile("Télécharger le fichier d’origine"))
        original = app.get(link["href"])
        assert original.status_code == 200 and original.data == content
        assert original.headers["Content-Disposition"].startswith("attachment")
        assert original.headers["Content-Security-Policy"].startswith("sandbox")
        # nothing left to prepare, nothing to publish twice
        again = app.post(form_action(page, "Publier la version corrigée"), headers=headers,
                         follow_redirects=False)
        assert again.status_code == 302 and stored(fresh(resource["id"])) == corrected
        assert not list((Path(uploader.get_storage_path()) / "opendatalocale" / "repairs"
                         / resource["id"]).glob("*"))

    def test_remaining_errors_are_shown_and_a_hopeless_file_offers_nothing(
            self, app, add_file, headers):
        text = with_french_dates(2).decode("utf-8").replace("\r\n", "\n")
        header, first, second = text.strip().split("\n")
        position = header.split(",").index("dateConvention")
        cells = second.split(",")
        cells[position] = "le 3 du mois"
        mixed = add_file(f"{header}\n{first}\n{','.join(cells)}\n".encode())
        url = f"/dataset/subventions-2025/resource/{mixed['id']}/corriger"
        app.post(url, headers=headers)
        page = words(app.get(url, headers=headers).body)
        assert "1 valeur corrigée ; 1 erreur reste à corriger à la main." in page
        assert "Ce qui resterait à corriger" in page and "le 3 du mois" in page

        cells[position] = "NC"
        hopeless = add_file(f"{header}\n{','.join(cells)}\n".encode(), "autre.csv")
        url = f"/dataset/subventions-2025/resource/{hopeless['id']}/corriger"
        app.post(url, headers=headers)
        body = app.get(url, headers=headers).body
        assert "Aucune correction automatique ne s’applique à ce fichier" in words(body)
        assert "Publier la version corrigée" not in body

    def test_an_english_editor_reads_it_in_english(self, app, french, headers):
        resource, _ = french
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        text = words(app.get(f"/en{url}", headers=headers).body)
        assert "3 values corrected: the corrected file conforms to the schema." in text
        assert "Date written as the schema expects (year-month-day)" in text
        assert "Publish the corrected version" in text and "valeurs" not in text


@pytest.mark.usefixtures("clean_db")
class TestRights:
    def test_only_the_resource_editors_prepare_publish_and_download(self, app, french):
        resource, content = french
        outsider = factories.User()
        other_org_admin = factories.User()
        factories.Organization(users=[{"name": other_org_admin["name"], "capacity": "admin"}])
        base = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        for who in ({}, token_of(outsider), token_of(other_org_admin)):
            assert app.get(base, headers=who).status_code == 403
            assert app.post(base, headers=who).status_code == 403
            assert app.post(f"{base}/publier", headers=who).status_code == 403
            assert app.get(f"{base}/fichier.csv", headers=who).status_code == 403
        assert repairs.state(resource["id"]) is None and stored(resource) == content
        for action in ("scdl_repair", "scdl_repair_show"):
            response = app.post(f"/api/3/action/{action}", json={"resource_id": resource["id"]},
                                headers=token_of(outsider))
            assert response.status_code == 403
        assert app.post("/api/3/action/scdl_repair",
                        data={"type": "subventions",
                              "upload": (io.BytesIO(VALID), "f.csv")}).status_code == 403

    def test_a_member_of_the_organisation_may_not_but_its_editor_may(self, app, editor):
        member, author = factories.User(), factories.User()
        org = factories.Organization(name="commune-35238", users=[
            {"name": member["name"], "capacity": "member"},
            {"name": author["name"], "capacity": "editor"}])
        dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                      type="subventions", name="subv-rennes", owner_org=org["id"])
        resource = helpers.call_action(
            "resource_create", context={"user": editor["name"]}, package_id=dataset["id"],
            format="CSV", upload=upload(with_french_dates(2)))
        url = f"/dataset/subv-rennes/resource/{resource['id']}/corriger"
        assert app.post(url, headers=token_of(member)).status_code == 403
        assert app.post(url, headers=token_of(author), follow_redirects=False).status_code == 302
        assert repairs.state(resource["id"])["status"] == "ready"

    def test_the_original_of_a_private_dataset_stays_private(self, app, french, headers,
                                                             subventions, editor):
        resource, content = french
        helpers.call_action("resource_validation_show", resource_id=resource["id"])
        app.post(f"/dataset/subventions-2025/resource/{resource['id']}/corriger",
                 headers=headers)
        app.post(f"/dataset/subventions-2025/resource/{resource['id']}/corriger/publier",
                 headers=headers)
        original = f"/dataset/subventions-2025/resource/{resource['id']}/original"
        assert app.get(original).data == content   # a public dataset: anyone
        helpers.call_action("package_patch", context={"ignore_auth": True,
                                                      "user": editor["name"]},
                            id=subventions["id"], private=True)
        assert app.get(original).status_code == 404
        assert app.get(original, headers=headers).data == content


@pytest.mark.usefixtures("clean_db")
class TestNothingLost:
    def test_a_file_replaced_after_the_preparation_is_never_overwritten(
            self, app, french, headers, editor):
        resource, _ = french
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        replacement = with_french_dates(5)
        helpers.call_action("resource_patch", context={"user": editor["name"]},
                            id=resource["id"], upload=upload(replacement))
        assert "Le fichier a changé depuis la préparation" in words(
            app.get(url, headers=headers).body)
        after = app.post(f"{url}/publier", headers=headers)
        assert "Le fichier a changé depuis la préparation de la correction" in words(after.body)
        assert stored(fresh(resource["id"])) == replacement
        assert repairs.original_of(fresh(resource["id"])) is None

    def test_a_lost_preparation_changes_nothing_and_says_so(self, app, french, headers):
        resource, content = french
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        repairs.repaired_path(resource["id"]).unlink()   # a cleaned disk
        answer = app.post(f"{url}/publier", headers=headers)
        assert answer.status_code == 200
        assert "La correction préparée a été perdue : préparez-la à nouveau." in words(answer.body)
        assert stored(fresh(resource["id"])) == content
        assert status(resource["id"])["status"] == "failure"
        assert "Réessayer" in app.get(url, headers=headers).body

    @pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
    def test_an_interrupted_preparation_leaves_the_resource_as_it_was(
            self, app, add_file, headers, monkeypatch):
        from ckan.common import config
        content = with_french_dates(20000)
        resource = add_file(content)
        Worker().work(burst=True)
        assert status(resource["id"])["status"] == "failure"
        # the worker stops the correction at its deadline (here 1 s)
        monkeypatch.setitem(config, "ckanext.opendatalocale.validation.timeout", 1)
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        Worker().work(burst=True)
        row = repairs.state(resource["id"])
        assert row["status"] == "error"
        page = words(app.get(url, headers=headers).body)
        assert "La correction n’a pas pu être préparée." in page
        assert "La ressource et son fichier n’ont pas changé." in page and "Réessayer" in page
        assert stored(fresh(resource["id"])) == content
        assert not repairs.repaired_path(resource["id"]).parent.exists()
        assert app.post(f"{url}/publier", headers=headers).status_code == 200
        assert stored(fresh(resource["id"])) == content

    @pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
    def test_a_large_file_is_prepared_by_the_worker_and_the_page_follows(
            self, app, add_file, headers):
        resource = add_file(with_french_dates(40))
        Worker().work(burst=True)
        assert status(resource["id"])["status"] == "failure"
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        page = app.get(url, headers=headers).body
        assert "La correction est en préparation" in page and "data-validation-refresh" in page
        assert helpers.call_action("scdl_repair_show", context={"ignore_auth": True},
                                   resource_id=resource["id"])["status"] == "running"
        Worker().work(burst=True)
        assert "Publier la version corrigée" in app.get(url, headers=headers).body

    def test_deleting_the_resource_forgets_its_correction_and_original(
            self, app, french, headers, editor):
        resource, _ = french
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        app.post(url, headers=headers)
        app.post(f"{url}/publier", headers=headers)
        original = repairs.original_of(fresh(resource["id"]))["path"]
        assert original.is_file()
        helpers.call_action("resource_delete", context={"user": editor["name"]},
                            id=resource["id"])
        assert not original.exists() and repairs.state(resource["id"]) is None


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_linked_file_becomes_an_upload_and_its_link_is_kept(
        app, editor, subventions, headers, files_server):  # noqa: F811
    folder, base = files_server
    content = with_french_dates(3)
    (folder / "subv.csv").write_bytes(content)
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{base}/subv.csv")
    Worker().work(burst=True)
    assert status(resource["id"])["status"] == "failure"
    result = helpers.call_action("scdl_repair", context={"user": editor["name"]},
                                 resource_id=resource["id"])
    assert result["status"] == "running"          # a link: the worker downloads it
    Worker().work(burst=True)
    shown = helpers.call_action("scdl_repair_show", context={"user": editor["name"]},
                                resource_id=resource["id"])
    assert shown["status"] == "ready" and shown["current"]
    assert shown["repair"]["report"]["valid"]
    published = helpers.call_action("scdl_repair", context={"user": editor["name"]},
                                    resource_id=resource["id"], apply=True)
    now = fresh(resource["id"])
    assert now["url_type"] == "upload" and now["url"].endswith("/subv.csv")
    assert published["validation_status"] == "success"
    assert published["original"]["url"] == f"{base}/subv.csv"
    assert app.get(f"/dataset/subventions-2025/resource/{resource['id']}/original").data == \
        content
    assert (folder / "subv.csv").read_bytes() == content   # the commune's site untouched
    page = words(app.get(f"{BASE}/{resource['id']}").body)
    assert f"il provenait de {base}/subv.csv" in page


@pytest.mark.usefixtures("clean_db")
class TestTheApi:
    def test_prepare_then_apply_on_a_resource(self, french, editor):
        resource, content = french
        context = {"user": editor["name"]}
        result = helpers.call_action("scdl_repair", context=context, resource_id=resource["id"])
        assert result["status"] == "ready" and result["current"]
        repair = result["repair"]
        assert repair["verdict"] == ("3 valeurs corrigées : le fichier corrigé est conforme "
                                     "au schéma.")
        [change] = repair["changes"]
        assert change["rule"] == "date-format" and change["column"] == "dateConvention"
        assert change["count"] == 3 and len(change["examples"]) == 3
        assert change["rule_label"] == "Date écrite comme le schéma l’attend (année-mois-jour)"
        assert repair["date_orders"]["dateConvention"]["order"] == "day-first"
        assert stored(resource) == content        # apply=false changes nothing
        applied = helpers.call_action("scdl_repair", context=context,
                                      resource_id=resource["id"], apply=True)
        assert applied["status"] == "published" and applied["validation_status"] == "success"
        assert applied["original"]["name"] == "subventions-2025.csv"
        assert applied["original"]["size"] == len(content)

    def test_apply_in_one_call_on_a_small_file(self, french, editor):
        resource, _ = french
        applied = helpers.call_action("scdl_repair", context={"user": editor["name"]},
                                      resource_id=resource["id"], apply="true")
        assert applied["validation_status"] == "success"

    def test_a_conformant_file_is_not_corrected(self, add_file, editor):
        resource = add_file(VALID)
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("scdl_repair", context={"user": editor["name"]},
                                resource_id=resource["id"])
        assert "Only a file that was checked and does not conform can be corrected" in \
            str(refused.value)

    def test_a_file_of_ones_own_is_corrected_and_returned(self, app, editor, tmp_path):
        user = factories.User()
        answer = app.post("/api/3/action/scdl_repair", headers=token_of(user), data={
            "type": "subventions", "apply": "true",
            "upload": (io.BytesIO(with_french_dates(2)), "mine.csv")})
        assert answer.status_code == 200
        result = answer.json["result"]
        assert result["type"] == "subventions" and result["repair"]["repaired"]
        assert result["repair"]["report"]["valid"]
        table_schema = catalogue().get("subventions").latest.table_schema()
        (tmp_path / "corrige.csv").write_text(result["csv"], encoding="utf-8")
        assert validate_file(tmp_path / "corrige.csv", table_schema).valid
        # without apply, the changes only
        answer = app.post("/api/3/action/scdl_repair", headers=token_of(user), data={
            "type": "subventions", "upload": (io.BytesIO(with_french_dates(2)), "mine.csv")})
        assert "csv" not in answer.json["result"]
        assert answer.json["result"]["repair"]["changes"][0]["count"] == 2

    def test_an_unknown_type_or_no_file_is_a_clear_409(self, app):
        user = token_of(factories.User())
        answer = app.post("/api/3/action/scdl_repair", headers=user, data={
            "type": "nimporte", "upload": (io.BytesIO(VALID), "f.csv")})
        assert answer.status_code == 409 and "nimporte" in str(answer.json["error"]["type"])
        answer = app.post("/api/3/action/scdl_repair", headers=user, json={"type": "subventions"})
        assert answer.status_code == 409 and "upload" in answer.json["error"]

    @pytest.mark.parametrize("name, content", [
        ("binaire.csv", bytes(range(256)) * 64),
        ("vide.csv", b""),
        ("page.csv", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("nul.csv", b"a,b\x00,c\n1,2,3\n"),
        ("ligne.csv", b"x" * 3_000_000),
    ], ids=["binary", "empty", "html", "nul", "one-huge-line"])
    def test_hostile_files_get_the_validations_messages(self, app, name, content, tmp_path):
        """A binary file, an empty one, a web page, NUL bytes, a huge single
        line: the report the check gives, in French, and nothing corrected."""
        user = token_of(factories.User())
        answer = app.post("/api/3/action/scdl_repair", headers=user, data={
            "type": "subventions", "apply": "true", "upload": (io.BytesIO(content), name)})
        assert answer.status_code == 200, answer.body
        result = answer.json["result"]
        assert not result["repair"]["repaired"] and "csv" not in result
        table_schema = catalogue().get("subventions").latest.table_schema()
        (tmp_path / name).write_bytes(content)
        expected = report_json(validate_file(tmp_path / name, table_schema).as_dict(),
                               translator("fr"))
        got = result["repair"]["report"]
        assert got["summary"] == expected["summary"]
        assert [e["message"] for e in got["errors"]] == [e["message"] for e in expected["errors"]]

    @pytest.mark.ckan_config("ckan.max_resource_size", 1)
    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self, app):
        user = token_of(factories.User())
        answer = app.post("/api/3/action/scdl_repair", headers=user, data={
            "type": "subventions", "upload": (io.BytesIO(b"a" * 1_100_000), "gros.csv")})
        assert answer.status_code == 409
        assert "publiez-le comme ressource" in answer.json["error"]["upload"][0]


@pytest.mark.usefixtures("clean_db")
class TestAttacker:
    def test_a_forged_form_without_its_token_changes_nothing(self, app, french):
        """A logged-in editor's browser sent to our forms by another site:
        without the page's CSRF token, no preparation and no publication."""
        resource, content = french
        password = "Motdepasse-2026!"
        author = factories.Sysadmin(password=password)
        client = app.test_client()
        login = client.get("/user/login")
        token = BeautifulSoup(login.body, "html.parser").find(
            "input", {"name": "_csrf_token"})["value"]
        client.post("/user/login", data={"login": author["name"], "password": password,
                                         "_csrf_token": token})
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        assert client.post(url).status_code in (400, 403)
        assert client.post(f"{url}/publier").status_code in (400, 403)
        assert repairs.state(resource["id"]) is None
        # the page's own form, with its token, is accepted
        page = client.get(f"{BASE}/{resource['id']}").body
        field = BeautifulSoup(page, "html.parser").find("input", {"name": "_csrf_token"})
        assert client.post(url, data={"_csrf_token": field["value"]},
                           follow_redirects=False).status_code == 302
        assert repairs.state(resource["id"])["status"] == "ready"
        assert stored(fresh(resource["id"])) == content

    def test_one_correction_of_ones_own_at_a_time(self, app):
        from ckan.common import config
        from ckan.lib.redis import connect_to_redis
        user = factories.User()
        key = f"{config.get('ckan.site_id')}:opendatalocale:repair:{user['name']}"
        redis = connect_to_redis()
        redis.set(key, "1", ex=60)   # her first correction still running
        try:
            answer = app.post("/api/3/action/scdl_repair", headers=token_of(user), data={
                "type": "subventions", "upload": (io.BytesIO(VALID), "f.csv")})
            assert answer.status_code == 409
            assert "encore en cours" in answer.json["error"]["upload"][0]
        finally:
            redis.delete(key)
        answer = app.post("/api/3/action/scdl_repair", headers=token_of(user), data={
            "type": "subventions", "upload": (io.BytesIO(VALID), "f.csv")})
        assert answer.status_code == 200 and not redis.exists(key)

    def test_hostile_values_are_shown_as_text_and_cut(self, app, add_file, headers):
        """A cell holding a script, or a megabyte: the preview shows it
        escaped, and at most 200 characters of it."""
        header, first, second = with_french_dates(2).decode("utf-8").strip().split("\r\n")
        position = header.split(",").index("dateConvention")

        def with_date(value: str) -> bytes:
            cells = second.split(",")
            cells[position] = value
            return f"{header}\r\n{first}\r\n{','.join(cells)}\r\n".encode()

        shown = {}
        for name, value in (("script.csv", " <script>alert(1)</script> "),
                            ("mega.csv", "9" * 500_000)):
            resource = add_file(with_date(value), name)
            url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
            app.post(url, headers=headers)
            shown[name] = app.get(url, headers=headers).body
            summary = repairs.state(resource["id"])["summary"]
            for change in summary["changes"] + summary["unrepaired"]:
                for example in change["examples"]:
                    assert len(example["before"]) <= 201 and len(example["after"]) <= 201
        assert "<script>alert(1)</script>" not in shown["script.csv"]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown["script.csv"]
        assert "9" * 1000 not in shown["mega.csv"]
        assert "1 valeur corrigée ; 1 erreur reste à corriger à la main." in words(
            shown["mega.csv"])

    def test_an_uploaded_web_page_offers_no_correction_and_keeps_its_message(
            self, app, add_file, headers, editor):
        page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
        resource = add_file(page, "page.csv")
        validation = status(resource["id"])
        assert validation["status"] == "failure" and validation["report"]["unusable"]
        report = app.get(f"{BASE}/{resource['id']}", headers=headers).body
        assert "Corriger automatiquement" not in report
        url = f"/dataset/subventions-2025/resource/{resource['id']}/corriger"
        assert app.post(url, headers=headers, follow_redirects=False).status_code == 302
        assert repairs.state(resource["id"]) is None
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("scdl_repair", context={"user": editor["name"]},
                                resource_id=resource["id"])
        said = str(refused.value)
        assert validation["report"]["summary"] in said
        assert validation["report"]["errors"][0]["message"] in said
        assert stored(fresh(resource["id"])) == page
