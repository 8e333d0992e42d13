"""Permission labels follow every move: whichever path gives a commune
another parent, its datasets are re-indexed in the same operation, so that
the admins of its new EPCI find its private datasets and those of the old
one no longer do — in the API's search, its facets and counts, the
``/dataset`` page and the autocomplete."""
from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from .conftest import COG, org
from .test_pages import csrf

RENNES, METROPOLE, LIFFRE = "commune-35238", "epci-243500139", "epci-243500774"
PRIVATE, PUBLIC = "Budget confidentiel de Rennes", "Budget ouvert de Rennes"
PASSWORD = "correct horse battery"


@pytest.fixture
def rennes(bretagne):
    """Rennes's two datasets and the people whose view of them a move changes."""
    def member(organization, role):
        user = factories.User(password=PASSWORD)
        helpers.call_action("organization_member_create", id=organization,
                            username=user["name"], role=role)
        return user["name"]

    people = {"admin of Rennes Métropole": member(METROPOLE, "admin"),
              "admin of Liffré-Cormier": member(LIFFRE, "admin"),
              "editor of Rennes": member(RENNES, "editor"),
              "anonymous": None}
    owner = org(RENNES)["id"]
    factories.Dataset(owner_org=owner, private=True, title=PRIVATE, name="budget-confidentiel")
    factories.Dataset(owner_org=owner, title=PUBLIC, name="budget-ouvert")
    return people


def seen(app, user) -> dict[str, object]:
    """What ``user`` finds of Rennes's datasets, by every way of searching."""
    context = {"user": user or "", "ignore_auth": False}
    found = helpers.call_action("package_search", dict(context), q="*:*",
                                include_private=True, facet="true",
                                **{"facet.field": ["owner_org"]})
    suggested = helpers.call_action("package_autocomplete", dict(context), q="budget")
    headers = {"Authorization": factories.APIToken(user=user)["token"]} if user else {}
    page = BeautifulSoup(app.get("/dataset/", headers=headers).body, "html.parser")
    return {
        "search": sorted(d["title"] for d in found["results"]),
        "count": found["count"],
        "facet": found["facets"].get("owner_org", {}).get(org(RENNES)["id"], 0),
        "autocomplete": sorted(s["title"] for s in suggested),
        "/dataset": sorted(a.get_text(strip=True) for a in page.select(".dataset-heading a")),
    }


def expected(titles: list[str]) -> dict[str, object]:
    titles = sorted(titles)
    return {"search": titles, "count": len(titles), "facet": len(titles),
            "autocomplete": titles, "/dataset": titles}


def assert_views(app, people, epci: str) -> None:
    assert [g["name"] for g in org(RENNES)["groups"]] == [epci]
    admin_of = {METROPOLE: "admin of Rennes Métropole", LIFFRE: "admin of Liffré-Cormier"}
    for who, user in people.items():
        sees_private = who in (admin_of[epci], "editor of Rennes")
        assert seen(app, user) == expected([PUBLIC, PRIVATE] if sees_private else [PUBLIC]), \
            f"{who} with Rennes in {epci}"


def sysadmin_context() -> dict:
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def by_organization_patch(epci, **_):
    helpers.call_action("organization_patch", sysadmin_context(), id=RENNES,
                        groups=[{"name": epci}])


def by_organization_update(epci, **_):
    helpers.call_action("organization_update", sysadmin_context(),
                        **dict(org(RENNES), groups=[{"name": epci}]))


def by_group_update(epci, **_):
    helpers.call_action("group_update", sysadmin_context(),
                        **dict(org(RENNES), groups=[{"name": epci}]))


def by_member_actions(epci, **_):
    context = sysadmin_context()
    current = org(RENNES)["groups"][0]["name"]
    helpers.call_action("member_delete", dict(context), id=RENNES, object=current,
                        object_type="group")
    helpers.call_action("member_create", dict(context), id=RENNES, object=epci,
                        object_type="group", capacity="parent")


def by_the_form(epci, app, **_):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    client = app.test_client()
    login = client.get("/user/login")
    client.post("/user/login", data={"login": sysadmin["name"], "password": PASSWORD,
                                     "_csrf_token": csrf(login.body)})
    page = BeautifulSoup(client.get(f"/organization/edit/{RENNES}").body, "html.parser")
    form = page.select_one("#organization-edit-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")
              if i.get("type") != "file"}
    fields.update({t["name"]: t.get_text() for t in form.select("textarea[name]")})
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        fields[select["name"]] = chosen.get("value", "")
    fields.update({"groups__0__name": epci, "save": ""})
    response = client.post(f"/organization/edit/{RENNES}", data=fields,
                           follow_redirects=False)
    assert response.status_code == 302, response.body


def by_the_loader(epci, cli, tmp_path, **_):
    """A new COG vintage in which Rennes belongs to ``epci``."""
    source = tmp_path / epci
    shutil.copytree(COG, source)
    path = source / "epci.json"
    rows = json.loads(path.read_text())
    for row in rows:
        row["membres"] = [m for m in row["membres"] if m["code"] != "35238"]
        if row["code"] == epci.removeprefix("epci-"):
            row["membres"].append({"code": "35238", "nom": "Rennes"})
    path.write_text(json.dumps(rows, ensure_ascii=False))
    result = cli.invoke(ckan, ["opendatalocale", "territories", "load", "--source",
                               str(source), "--region", "53"])
    assert result.exit_code == 0, result.output
    assert "1 moved" in result.output
    model.Session.expire_all()


PATHS = [by_organization_patch, by_organization_update, by_group_update, by_member_actions,
         by_the_form, by_the_loader]


@pytest.mark.parametrize("move", PATHS, ids=[m.__name__ for m in PATHS])
def test_a_commune_moved_and_back_is_seen_by_the_admins_of_its_epci_only(
        app, cli, tmp_path, rennes, move):
    assert_views(app, rennes, METROPOLE)
    move(LIFFRE, app=app, cli=cli, tmp_path=tmp_path)
    assert_views(app, rennes, LIFFRE)
    # back: core re-activates the old link rather than writing a new one
    move(METROPOLE, app=app, cli=cli, tmp_path=tmp_path)
    assert_views(app, rennes, METROPOLE)
