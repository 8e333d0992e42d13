"""The dotation's pages against misuse: only sysadmins reach the import
page; a wrong address, a missing file, a file too large or with a hostile
name is a French message, nothing started, nothing left on disk; only those
who publish for the collectivité publish, and « came_from » sends nowhere
else than the portal."""
from __future__ import annotations

import io
import os

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.opendatalocale.dotation import imports
from tests.scdl.test_dotation import national_irve

from .test_import import CESSON, run, territory, user_in  # noqa: F401


def token_of(user: dict) -> dict:
    token = helpers.call_action("api_token_create", context={"user": user["name"]},
                                user=user["name"], name="pages")["token"]
    return {"Authorization": token}


def imports_count() -> int:
    return len(imports.recent(1000))


@pytest.mark.usefixtures("territory")
class TestImportPage:
    def test_only_sysadmins_reach_it(self, app):
        editor = user_in(f"commune-{CESSON}", role="admin")
        assert app.get("/ckan-admin/dotation", status=403)
        assert app.get("/ckan-admin/dotation", headers=token_of(editor), status=403)
        page = app.get("/ckan-admin/dotation", headers=token_of(factories.Sysadmin()))
        assert "Dotation de données" in page.body and "Géo&#39;DAE" in page.body
        assert app.get("/ckan-admin/dotation/no-such-import",
                       headers=token_of(factories.Sysadmin()), status=404)

    @pytest.mark.parametrize("form, said", [
        ({"source": "irve", "url": ""}, "Donnez le fichier national"),
        ({"source": "irve", "url": "javascript:alert(1)"}, "Donnez une adresse http ou https"),
        ({"source": "irve", "url": "https://example.org/a.csv", "file_date": "demain"},
         "AAAA-MM-JJ"),
        ({"source": "<script>x</script>", "url": "https://example.org/a.csv"},
         "Source « &lt;script&gt;x&lt;/script&gt; » inconnue"),
    ])
    def test_a_wrong_form_is_said_and_starts_nothing(self, app, form, said):
        headers = token_of(factories.Sysadmin())
        before = imports_count()
        page = app.post("/ckan-admin/dotation", data=form, headers=headers)
        assert page.status_code == 200 and said in page.body
        assert "<script>x</script>" not in page.body
        assert imports_count() == before

    @pytest.mark.ckan_config("ckanext.opendatalocale.dotation.max_bytes", "2000")
    def test_a_file_too_large_is_refused_and_not_kept(self, app, tmp_path):
        headers = token_of(factories.Sysadmin())
        national_irve(tmp_path / "irve.csv", [CESSON] * 40)
        before = set(imports.work_folder().iterdir())
        page = app.post("/ckan-admin/dotation", headers=headers, data={
            "source": "irve", "upload": (io.BytesIO((tmp_path / "irve.csv").read_bytes()),
                                         "irve.csv")})
        assert page.status_code == 200 and "plus gros que ce que le portail accepte" in page.body
        assert imports_count() == 0
        assert set(imports.work_folder().iterdir()) == before

    def test_an_uploaded_file_with_a_hostile_name_stays_in_its_folder(self, app, tmp_path):
        headers = token_of(factories.Sysadmin())
        national_irve(tmp_path / "irve.csv", [CESSON] * 2)
        page = app.post("/ckan-admin/dotation", headers=headers, follow_redirects=False, data={
            "source": "irve", "upload": (io.BytesIO((tmp_path / "irve.csv").read_bytes()),
                                         "../../../../tmp/évil\x00.csv")})
        assert page.status_code == 302
        [state] = imports.recent()
        assert state["location"].startswith(str(imports.work_folder()) + "/")
        assert ".." not in state["location"] and "\x00" not in state["location"]
        shown = app.get(page.headers["Location"] + "?format=json", headers=headers).json
        assert shown["state"] == "queued"
        # its job runs, the file goes
        imports.run(state["id"])
        assert imports.state_of(state["id"])["state"] == "done"
        assert not os.path.exists(state["location"])
        assert not os.path.exists(os.path.dirname(state["location"]))


@pytest.mark.usefixtures("territory")
class TestPublishButton:
    def test_strangers_are_refused_and_came_from_stays_on_the_portal(self, app, tmp_path):
        national_irve(tmp_path / "irve.csv", [CESSON] * 2)
        run(tmp_path / "irve.csv")
        name = f"irve-commune-{CESSON}"
        assert app.post(f"/dataset/{name}/publier", status=403)
        stranger = user_in("commune-35238")
        assert app.post(f"/dataset/{name}/publier", headers=token_of(stranger), status=403)
        assert app.post("/dataset/no-such-dataset/publier", headers=token_of(stranger),
                        status=404)
        assert model.Package.get(name).private
        editor = user_in(f"commune-{CESSON}")
        page = app.get(f"/irve/{name}", headers=token_of(editor))
        assert "Publier ces données" in page.body
        assert f'action="/dataset/{name}/publier"' in page.body
        done = app.post(f"/dataset/{name}/publier", headers=token_of(editor),
                        data={"came_from": "//evil.example/"}, follow_redirects=False)
        assert done.status_code == 302 and "evil.example" not in done.headers["Location"]
        assert done.headers["Location"].endswith(f"/irve/{name}")
        model.Session.expire_all()
        assert not model.Package.get(name).private
        assert "Publier ces données" not in app.get(f"/irve/{name}", headers=token_of(editor)).body


@pytest.mark.usefixtures("territory")
def test_the_socle_commun_page_shows_proposals_to_those_who_publish_for_the_commune(
        app, tmp_path):
    national_irve(tmp_path / "irve.csv", [CESSON] * 2)
    run(tmp_path / "irve.csv")
    url = f"/socle-commun/?organisation=commune-{CESSON}"
    for who in (user_in(f"commune-{CESSON}"), user_in("epci-243500139")):
        page = app.get(url, headers=token_of(who))
        assert "Données prêtes à publier" in page.body
        assert f"/dataset/irve-commune-{CESSON}/publier" in page.body
    other = user_in("commune-35238")
    assert app.get(url, headers=token_of(other), status=403)
    own = app.get("/socle-commun/", headers=token_of(other))
    assert "Données prêtes à publier" not in own.body
