"""Bounded writes: a hostile value in a dataset, resource, organisation or
group is a validation error (409 in the API, the field's French message in
the form), never a 500, and nothing is written."""
from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers
from ckan.plugins.toolkit import ValidationError

from .conftest import log_in

NUL = "Ne doit pas contenir le caractère NUL"
SURROGATE = "Doit être du texte Unicode valide (il contient un demi-code de substitution isolé)"


def too_long(limit: str, given: str) -> str:
    return f"Doit faire au plus {limit} caractères ({given} donnés)"


def too_big(limit: str, given: str) -> str:
    return f"Doit faire au plus {limit} octets ({given} donnés)"


@pytest.fixture
def editor(clean_db):
    """A sysadmin's API token and an organisation (a sysadmin: the limits
    bind everyone)."""
    user = factories.Sysadmin()
    org = factories.Organization(name="commune-test")
    token = factories.APIToken(user=user["name"])["token"]
    return {"user": user, "org": org, "headers": {"Authorization": token}}


def api(app, editor, action, status, **data):
    response = app.post(f"/api/3/action/{action}", json=data, headers=editor["headers"],
                        status=status)
    return response.json


def refused(app, editor, action, **data):
    """The 409 Validation Error of an action; its error dict."""
    error = api(app, editor, action, 409, **data)["error"]
    assert error.pop("__type") == "Validation Error"
    return error


def datasets() -> int:
    return model.Session.execute(sa.text("SELECT count(*) FROM package")).scalar()


class TestDatasets:
    @pytest.mark.parametrize("field, value, message", [
        ("title", "x" * 501, too_long("500", "501")),
        ("title", "x" * 1_000_000, too_long("500", "1\u202f000\u202f000")),
        ("notes", "x" * 100_001, too_long("100\u202f000", "100\u202f001")),
        ("title", "Budget\x00", NUL),
        ("notes", "Une description\x00", NUL),
        ("notes", "Une description \ud800", SURROGATE),
        ("url", "https://example.org/\x00", NUL),
        ("url", "https://example.org/" + "é" * 1_000, too_big("2\u202f000", "2\u202f020")),
        ("author", "A" * 100_001, too_long("100\u202f000", "100\u202f001")),
    ], ids=["title-501", "title-1MB", "notes-100001", "title-nul", "notes-nul",
            "notes-surrogate", "url-nul", "url-2020-bytes", "author-100001"])
    def test_create_is_refused_with_the_field_message(self, app, editor, field, value,
                                                      message):
        before = datasets()
        error = refused(app, editor, "package_create", name="budget",
                        owner_org=editor["org"]["id"], **{field: value})
        assert error == {field: [message]}
        assert datasets() == before

    def test_at_the_limits_it_is_created(self, app, editor):
        result = api(app, editor, "package_create", 200, name="budget",
                     owner_org=editor["org"]["id"], title="\U0001f600" * 500,
                     notes="mot " * 25_000, tags=[{"name": f"mot-{i}"} for i in range(100)],
                     resources=[{"url": "https://example.org/?q=" + "a" * 1_977}])
        assert len(result["result"]["title"]) == 500
        assert len(result["result"]["resources"][0]["url"]) == 2_000
        assert result["result"]["num_tags"] == 100

    @pytest.mark.parametrize("nested, error", [
        ({"resources": [{"url": "https://example.org/a.csv"},
                        {"url": "https://example.org/b.csv", "description": "b\x00"}]},
         {"resources": [{}, {"description": [NUL]}]}),
        ({"extras": [{"key": "commune", "value": "Rennes\x00"}]},
         {"extras": [{"value": [NUL]}]}),
        ({"extras": [{"key": "k" * 101, "value": "v"}]},
         {"extras": [{"key": [too_long("100", "101")]}]}),
        ({"groups": [{"name": "g\ud800"}]}, {"groups": [{"name": [SURROGATE]}]}),
    ], ids=["resource-description", "extra-value", "extra-key", "group-name"])
    def test_nested_values_are_refused_where_they_are(self, app, editor, nested, error):
        assert refused(app, editor, "package_create", name="budget",
                       owner_org=editor["org"]["id"], **nested) == error
        assert datasets() == 0

    def test_a_nul_key_is_refused(self, app, editor):
        error = refused(app, editor, "package_create", name="budget",
                        owner_org=editor["org"]["id"], **{"champ\x00": "x"})
        assert error == {"champ\ufffd": [NUL]}

    @pytest.mark.parametrize("tags", [
        {"tags": [{"name": f"mot-{i}"} for i in range(101)]},
        {"tag_string": ",".join(f"mot-{i}" for i in range(101))},
        {"tags": [{"name": f"mot-{i}"} for i in range(50)],
         "tag_string": ",".join(f"autre-{i}" for i in range(51))},
    ], ids=["tags", "tag_string", "both"])
    def test_more_than_100_tags_are_refused(self, app, editor, tags):
        error = refused(app, editor, "package_create", name="budget",
                        owner_org=editor["org"]["id"], **tags)
        assert error == {"tags": ["Un jeu de données a au plus 100 mots-clés (101 donnés)"]}
        assert datasets() == 0

    def test_100_000_tags_are_refused_at_once(self, app, editor):
        began = time.monotonic()
        error = refused(app, editor, "package_create", name="budget",
                        owner_org=editor["org"]["id"],
                        tag_string=",".join(f"t{i}" for i in range(100_000)))
        assert time.monotonic() - began < 5
        assert "au plus 100 mots-clés (100\u202f000 donnés)" in error["tags"][0]

    def test_ckan_keeps_its_own_tag_length(self, app, editor):
        error = refused(app, editor, "package_create", name="budget",
                        owner_org=editor["org"]["id"], tags=[{"name": "x" * 101}])
        assert "100" in error["tags"][0]

    def test_an_scdl_type_is_covered(self, app, editor):
        error = refused(app, editor, "package_create", name="deliberations-test",
                        type="deliberations", owner_org=editor["org"]["id"],
                        title="Délibérations\x00")
        assert error == {"title": [NUL]}
        assert datasets() == 0

    @pytest.mark.parametrize("action", ["package_update", "package_patch"])
    def test_update_and_patch_write_nothing(self, app, editor, action):
        dataset = factories.Dataset(name="budget", title="Budget",
                                    owner_org=editor["org"]["id"])
        data = dict(dataset) if action == "package_update" else {"id": dataset["id"]}
        data.update(title="Budget\x00", notes="y" * 100_001)
        error = refused(app, editor, action, **data)
        assert error["title"] == [NUL]
        assert error["notes"] == [too_long("100\u202f000", "100\u202f001")]
        shown = helpers.call_action("package_show", id="budget")
        assert (shown["title"], shown["notes"]) == ("Budget", dataset["notes"])
        assert shown["metadata_modified"] == dataset["metadata_modified"]

    def test_through_the_action(self, editor):
        """``call_action`` meets the same check (untranslated outside a request)."""
        with pytest.raises(ValidationError) as raised:
            helpers.call_action("package_create", name="budget",
                                owner_org=editor["org"]["id"], title="x\x00")
        assert raised.value.error_dict == {"title": ["Must not contain the NUL character"]}
        assert datasets() == 0


class TestResources:
    @pytest.fixture
    def dataset(self, editor):
        return factories.Dataset(name="budget", owner_org=editor["org"]["id"],
                                 resources=[{"url": "https://example.org/a.csv",
                                             "name": "Budget 2026"}])

    def test_create_writes_nothing(self, app, editor, dataset):
        for data, error in [({"name": "Budget\x00"}, {"name": [NUL]}),
                            ({"name": "n" * 501}, {"name": [too_long("500", "501")]}),
                            ({"url": "https://example.org/" + "€" * 700},
                             {"url": [too_big("2\u202f000", "2\u202f120")]}),
                            ({"description": "d\ud800"}, {"description": [SURROGATE]})]:
            data.setdefault("url", "https://example.org/b.csv")
            assert refused(app, editor, "resource_create", package_id=dataset["id"],
                           **data) == error
        assert len(helpers.call_action("package_show", id="budget")["resources"]) == 1

    @pytest.mark.parametrize("action", ["resource_update", "resource_patch"])
    def test_update_and_patch_write_nothing(self, app, editor, dataset, action):
        resource = dataset["resources"][0]
        data = dict(resource) if action == "resource_update" else {"id": resource["id"]}
        data["description"] = "d" * 100_001
        assert refused(app, editor, action, **data) == {
            "description": [too_long("100\u202f000", "100\u202f001")]}
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["description"] == resource["description"]


class TestOrganizations:
    def test_create_writes_nothing(self, app, editor):
        for data, error in [({"title": "Rennes\x00"}, {"title": [NUL]}),
                            ({"title": "R" * 501}, {"title": [too_long("500", "501")]}),
                            ({"extras": [{"key": "code", "value": "€" * 700}]},
                             {"extras": [{"value": [too_big("2\u202f000", "2\u202f100")]}]}),
                            ({"description": "d" * 100_001},
                             {"description": [too_long("100\u202f000", "100\u202f001")]})]:
            for action in ("organization_create", "group_create"):
                assert refused(app, editor, action, name="rennes", **data) == error
        assert model.Session.execute(sa.text(
            "SELECT count(*) FROM \"group\" WHERE name = 'rennes'")).scalar() == 0

    @pytest.mark.parametrize("action", ["organization_update", "organization_patch",
                                        "group_update", "group_patch"])
    def test_update_and_patch_write_nothing(self, app, editor, action):
        group = (editor["org"] if action.startswith("organization")
                 else factories.Group(name="thematique"))
        data = dict(group) if action.endswith("update") else {"id": group["id"]}
        data["description"] = "Une description \ud800"
        assert refused(app, editor, action, **data) == {"description": [SURROGATE]}
        shown = helpers.call_action(action.split("_")[0] + "_show", id=group["id"])
        assert shown["description"] == group["description"]


class TestForms:
    """Over HTTP a form can carry a NUL byte (``%00``)."""

    def test_dataset_form_shows_the_french_message(self, app, editor):
        user = factories.User(password="correct horse battery")
        helpers.call_action("organization_member_create", id=editor["org"]["id"],
                            username=user["name"], role="editor")
        client = app.test_client()
        log_in(client, user["name"])
        form = client.get("/dataset/new").body
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
        response = client.post("/dataset/new", data={
            "_csrf_token": token, "title": "Budget\x00", "name": "budget",
            "notes": "", "owner_org": editor["org"]["id"], "save": "continue"})
        assert response.status_code == 200
        assert NUL in response.body
        assert datasets() == 0


class TestUsers:
    def test_create_writes_nothing(self, app, editor):
        error = refused(app, editor, "user_create", name="agent", email="agent@example.org",
                        password="correct horse battery", about="Secrétaire\x00")
        assert error == {"about": [NUL]}
        assert model.User.get("agent") is None

    @pytest.mark.parametrize("action", ["user_update", "user_patch"])
    def test_update_and_patch_write_nothing(self, app, editor, action):
        user = editor["user"]
        data = {"id": user["id"], "fullname": "Agent\x00"}
        if action == "user_update":
            data["email"] = user["email"]
        assert refused(app, editor, action, **data) == {"fullname": [NUL]}
        assert helpers.call_action("user_show", id=user["id"])["fullname"] == \
            user["fullname"]
