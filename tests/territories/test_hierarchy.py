"""The tree is the sysadmins' by every path, and a tree by every path: no
loop, no self-loop, one parent. Territory names and codes are facts.

These tests only try changes that must be refused: they share one tree,
built once for the module (a territory load takes seconds)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
from ckan.tests import factories, helpers

from .conftest import org
from .test_pages import csrf, soup

RENNES, EPCI, OTHER_EPCI, DEPARTEMENT = ("commune-35238", "epci-243500139",
                                         "epci-243500774", "departement-35")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def tree(region_53_once):
    """For Rennes, an admin of the commune, of its EPCI, of its
    département, and a sysadmin."""
    people = {"sysadmin": factories.Sysadmin(password=PASSWORD)["name"]}
    for who, organization in (("commune admin", RENNES), ("EPCI admin", EPCI),
                              ("département admin", DEPARTEMENT)):
        people[who] = factories.User(password=PASSWORD)["name"]
        helpers.call_action("organization_member_create", id=organization,
                            username=people[who], role="admin")
    return people


def hierarchy() -> list:
    """Every hierarchy link and every territory's name, title and code."""
    return [sorted(model.Session.execute(sa.text(q)).all()) for q in (
        "SELECT group_id, table_id, state FROM member WHERE table_name = 'group'",
        'SELECT id, name, title FROM "group"',
        "SELECT group_id, key, value FROM group_extra WHERE state = 'active'")]


def as_user(user, action, **data):
    return helpers.call_action(action, {"user": user, "ignore_auth": False}, **data)


ADMINS = ["commune admin", "EPCI admin", "département admin"]

# (what, action and data): every way core offers to change Rennes's parent
ATTEMPTS = {
    "member_create: a second parent": ("member_create", dict(
        id=RENNES, object=OTHER_EPCI, object_type="group", capacity="parent")),
    "member_create: a self-loop": ("member_create", dict(
        id=RENNES, object=RENNES, object_type="group", capacity="parent")),
    "member_create: a loop": ("member_create", dict(
        id=EPCI, object=RENNES, object_type="group", capacity="parent")),
    "member_create: a child": ("member_create", dict(
        id=OTHER_EPCI, object=RENNES, object_type="group", capacity="parent")),
    "member_delete: detach": ("member_delete", dict(
        id=RENNES, object=EPCI, object_type="group")),
    "organization_patch groups": ("organization_patch", dict(
        id=RENNES, groups=[{"name": OTHER_EPCI}])),
    "organization_patch no groups": ("organization_patch", dict(id=RENNES, groups=[])),
    "organization_patch self": ("organization_patch", dict(
        id=RENNES, groups=[{"name": RENNES}])),
    "group_update groups": ("group_update", lambda: dict(
        org(RENNES), groups=[{"name": OTHER_EPCI}])),
    "organization_patch title and name": ("organization_patch", dict(
        id=RENNES, title="Paris", name="commune-75056", territory_code="75056")),
    "organization_patch own EPCI's title": ("organization_patch", dict(
        id=EPCI, title="Grand Rennes")),
}


@pytest.mark.parametrize("who", ADMINS)
def test_territory_admins_cannot_change_the_tree_or_its_facts(tree, who):
    # one test per admin for every attempt: the tree is shared, each test
    # costs seconds of plugin loading
    before = hierarchy()
    for attempt, (action, data) in ATTEMPTS.items():
        try:
            as_user(tree[who], action, **(data() if callable(data) else data))
        except logic.NotAuthorized:
            pass
        assert hierarchy() == before, attempt
        assert [g["name"] for g in org(RENNES)["groups"]] == [EPCI], attempt


@pytest.mark.parametrize("action, data", [
    ("member_create", dict(id=RENNES, object=OTHER_EPCI, object_type="group",
                           capacity="parent")),
    ("member_delete", dict(id=RENNES, object=EPCI, object_type="group")),
], ids=["member_create", "member_delete"])
def test_core_member_actions_are_refused_with_a_reason(tree, action, data):
    with pytest.raises(logic.NotAuthorized) as refused:
        as_user(tree["EPCI admin"], action, **data)
    assert "hierarchy" in str(refused.value)


@pytest.mark.parametrize("child, parent, message", [
    (RENNES, RENNES, "loop"),
    (EPCI, RENNES, "loop"),  # Rennes is below its EPCI
    (DEPARTEMENT, RENNES, "loop"),  # two levels down
    (RENNES, OTHER_EPCI, "already has a parent"),
])
def test_a_sysadmin_cannot_make_a_loop_or_a_second_parent_with_member_create(
        tree, child, parent, message):
    before = hierarchy()
    with pytest.raises(logic.ValidationError) as refused:
        as_user(tree["sysadmin"], "member_create", id=child, object=parent,
                object_type="group", capacity="parent")
    assert message in str(refused.value.error_dict["object"])
    assert hierarchy() == before


@pytest.mark.parametrize("action", ["organization_patch", "group_update"])
def test_a_sysadmin_cannot_make_a_loop_by_the_organisation_api(tree, action):
    before = hierarchy()
    with pytest.raises(logic.ValidationError) as refused:
        as_user(tree["sysadmin"], action, **dict(org(DEPARTEMENT), groups=[{"name": RENNES}]))
    assert "loop" in str(refused.value.error_dict)
    assert hierarchy() == before


def test_memberships_of_users_do_not_reach_the_tree(tree):
    """``organization_member_create`` / ``group_member_create`` add users
    only: an organisation's name given as the user is not found."""
    before = hierarchy()
    for action in ("organization_member_create", "group_member_create"):
        with pytest.raises(logic.ValidationError):
            as_user(tree["EPCI admin"], action, id=RENNES, username=OTHER_EPCI, role="admin")
    assert hierarchy() == before


def logged_in(app, user):
    client = app.test_client()
    page = client.get("/user/login")
    client.post("/user/login", data={"login": user, "password": PASSWORD,
                                     "_csrf_token": csrf(page.body)})
    return client


def form_fields(page) -> dict:
    """What a browser would post from the organisation form as it is."""
    form = page.select_one("#organization-edit-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")
              if i.get("type") not in ("file", "checkbox")}
    fields.update({t["name"]: t.get_text() for t in form.select("textarea[name]")})
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        fields[select["name"]] = chosen.get("value", "") if chosen else ""
    return fields


@pytest.mark.parametrize("who, territory", [
    ("commune admin", RENNES), ("EPCI admin", RENNES), ("EPCI admin", EPCI),
    ("département admin", RENNES)])
def test_the_form_shows_the_facts_read_only_and_a_forged_post_keeps_them(
        app, tree, who, territory):
    client = logged_in(app, tree[who])
    page = soup(client.get(f"/organization/edit/{territory}"))
    assert page.select_one("#field-name").has_attr("readonly")
    assert page.select_one("#field-url").has_attr("readonly")
    assert not page.select("#field-parent, #field-territory-code")
    before = hierarchy()
    shown = dict(form_fields(page), save="")
    forged = dict(shown, title="Paris", name="commune-75056", territory_code="75056",
                  population="1", groups__0__name=OTHER_EPCI)
    # the form as shown has no parent field: saved, it must not detach the territory
    for fields in (shown, forged):
        response = client.post(f"/organization/edit/{territory}", data=fields,
                               follow_redirects=False)
        assert response.status_code == 302, response.body
        assert hierarchy() == before


def test_a_sysadmin_sees_the_facts_as_fields(app, tree):
    client = logged_in(app, tree["sysadmin"])
    page = soup(client.get(f"/organization/edit/{RENNES}"))
    assert not page.select_one("#field-name").has_attr("readonly")
    assert page.select_one("#field-parent")["value"] == EPCI


def test_a_plain_group_cannot_be_hung_under_a_territory(tree):
    """A group under a territory would give the territory's admins rights on
    it: its creator (anyone may create groups by default) is refused."""
    creator = factories.User()["name"]
    before = hierarchy()
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("group_create", {"user": creator, "ignore_auth": False},
                            name="groupe-voirie", groups=[{"name": RENNES}])
    group = helpers.call_action("group_create", {"user": creator}, name="groupe-voirie")
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("group_patch", {"user": creator, "ignore_auth": False},
                            id=group["id"], groups=[{"name": EPCI}])
    helpers.call_action("group_patch", {"user": creator, "ignore_auth": False},
                        id=group["id"], description="Voirie")  # other edits still work
    after = hierarchy()
    links_after = [link for link in after[0] if link not in before[0]]
    assert links_after == [] and helpers.call_action(
        "group_show", id="groupe-voirie")["groups"] == []
