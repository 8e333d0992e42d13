"""Who may do what in the territory tree: a commune's editors in their
commune, the admins and editors of an EPCI or a département on behalf of
the communes below (``roles_that_cascade_to_sub_groups = admin editor``),
the tree itself only by sysadmins and the loader (what they change:
test_edits.py, test_hierarchy.py, test_moves.py)."""
from __future__ import annotations

import pytest

import ckan.logic as logic
import ckan.model as model
from ckan.tests import factories, helpers

from .conftest import org


def make_people():
    """A user per row of the matrix, and a dataset with a resource in Rennes."""
    def member(org_name, role):
        user = factories.User()
        helpers.call_action("organization_member_create", {"ignore_auth": True},
                            id=org_name, username=user["name"], role=role)
        return user["name"]

    users = {
        "anonymous": None,
        "commune editor": member("commune-35238", "editor"),
        "commune admin": member("commune-35238", "admin"),
        "another commune's editor": member("commune-35051", "editor"),
        "EPCI member": member("epci-243500139", "member"),
        "EPCI editor": member("epci-243500139", "editor"),
        "EPCI admin": member("epci-243500139", "admin"),
        "département admin": member("departement-35", "admin"),
        "another EPCI's admin": member("epci-243500774", "admin"),
        "sysadmin": factories.Sysadmin()["name"],
    }
    rennes = org("commune-35238")
    dataset = factories.Dataset(owner_org=rennes["id"], private=True,
                                resources=[{"url": "https://example.org/budget.csv"}])
    return {"users": users, "org": rennes, "dataset": dataset}


@pytest.fixture(scope="module")
def people(region_53_once):
    """Built once: the tests of this module check rights and searches and
    change nothing another test reads (changes: test_edits.py)."""
    return make_people()


def allowed(user, auth, data) -> bool:
    context = {"user": user or "", "model": model}
    try:
        helpers.call_auth(auth, context, **data)
        return True
    except logic.NotAuthorized:
        return False


DATASET_WORK = ["create dataset", "update dataset", "delete dataset", "create resource",
                "update resource", "delete resource"]
EVERYTHING = DATASET_WORK + ["manage members", "edit the commune", "delete the commune"]

# (user, what they may do in Rennes — everything else is refused)
MATRIX = [
    ("anonymous", []),
    ("commune editor", DATASET_WORK),
    ("commune admin", DATASET_WORK + ["manage members", "edit the commune"]),
    ("another commune's editor", []),
    ("EPCI member", []),
    ("EPCI editor", DATASET_WORK),
    ("EPCI admin", DATASET_WORK + ["manage members", "edit the commune"]),
    ("département admin", DATASET_WORK + ["manage members", "edit the commune"]),
    ("another EPCI's admin", []),
    ("sysadmin", EVERYTHING),
]


@pytest.mark.parametrize("who, may", MATRIX, ids=[row[0] for row in MATRIX])
def test_the_rights_matrix(people, who, may):
    user = people["users"][who]
    dataset, rennes = people["dataset"], people["org"]
    resource = dataset["resources"][0]
    checks = {
        "create dataset": ("package_create", {"owner_org": rennes["id"], "name": "x"}),
        "update dataset": ("package_update", {"id": dataset["id"]}),
        "delete dataset": ("package_delete", {"id": dataset["id"]}),
        "create resource": ("resource_create", {"package_id": dataset["id"]}),
        "update resource": ("resource_update", {"id": resource["id"]}),
        "delete resource": ("resource_delete", {"id": resource["id"]}),
        "manage members": ("organization_member_create",
                           {"id": rennes["id"], "username": "someone", "role": "editor"}),
        "edit the commune": ("organization_update", {"id": rennes["id"]}),
        "delete the commune": ("organization_delete", {"id": rennes["id"]}),
    }
    found = {what: allowed(user, auth, data) for what, (auth, data) in checks.items()}
    assert found == {what: what in may for what in EVERYTHING}


def test_nobody_but_sysadmins_creates_organisations(people):
    for who in ("commune admin", "EPCI admin", "département admin"):
        assert not allowed(people["users"][who], "organization_create", {"name": "x"})
    assert allowed(people["users"]["sysadmin"], "organization_create", {"name": "x"})


def test_an_epci_editor_publishes_for_a_commune(people):
    user = people["users"]["EPCI editor"]
    created = helpers.call_action("package_create", {"user": user, "ignore_auth": False},
                                  name="deliberations-rennes", title="Délibérations",
                                  owner_org="commune-35238")
    assert created["organization"]["name"] == "commune-35238"
    helpers.call_action("package_patch", {"user": user, "ignore_auth": False}, id=created["id"],
                        notes="Mis à jour par la métropole")
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("package_create", {"user": user, "ignore_auth": False}, name="ailleurs",
                            owner_org="commune-22016")


@pytest.mark.parametrize("who, sees", [
    ("anonymous", False), ("commune editor", True), ("another commune's editor", False),
    ("EPCI member", False), ("EPCI editor", True), ("EPCI admin", True),
    ("département admin", True), ("another EPCI's admin", False), ("sysadmin", True),
])
def test_private_datasets_are_searchable_by_those_who_may_edit_them(people, who, sees):
    user = people["users"][who]
    found = helpers.call_action("package_search", {"user": user or "", "ignore_auth": False},
                                q="*:*", include_private=True)
    assert (people["dataset"]["id"] in {d["id"] for d in found["results"]}) is sees


def test_permission_labels_stay_few_whatever_the_territory(people):
    from ckan.lib.plugins import get_permission_labels
    labels = get_permission_labels()
    region_admin = factories.User()
    helpers.call_action("organization_member_create", {"ignore_auth": True},
                        id="region-53", username=region_admin["name"], role="admin")
    user_labels = labels.get_user_dataset_labels(model.User.get(region_admin["name"]))
    # a région admin reaches hundreds of communes with a handful of labels
    assert len(user_labels) <= 4
    dataset_labels = labels.get_dataset_labels(model.Package.get(people["dataset"]["id"]))
    assert {f"cascade-{org('region-53')['id']}", f"cascade-{org('epci-243500139')['id']}",
            f"member-{people['org']['id']}"} <= set(dataset_labels)
