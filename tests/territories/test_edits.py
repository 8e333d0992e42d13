"""What admins and sysadmins change in the territory tree, and what stays
(the rights themselves: test_rights.py)."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from .conftest import org
from .test_rights import allowed, make_people


@pytest.fixture
def people(bretagne):
    return make_people()


def test_the_tree_is_kept_when_a_cascading_admin_edits_a_commune(people):
    user = people["users"]["EPCI admin"]
    helpers.call_action("organization_patch", {"user": user, "ignore_auth": False},
                        id="commune-35238", description="Capitale de la Bretagne",
                        territory_code="99999", population="1", obligation="false",
                        groups=[{"name": "epci-243500774"}])
    rennes = org("commune-35238")
    assert rennes["description"] == "Capitale de la Bretagne"
    assert (rennes["territory_code"], rennes["population"], rennes["obligation"]) == \
        ("35238", "230890", "true")
    assert [g["name"] for g in rennes["groups"]] == ["epci-243500139"]
    # and its members are still there
    assert {u["name"] for u in rennes["users"]} >= {people["users"]["commune editor"],
                                                    people["users"]["commune admin"]}


def test_a_commune_admin_edits_description_and_members(people):
    admin = people["users"]["commune admin"]
    helpers.call_action("organization_patch", {"user": admin, "ignore_auth": False}, id="commune-35238",
                        description="Ville de Rennes")
    newcomer = factories.User()["name"]
    helpers.call_action("organization_member_create", {"user": admin, "ignore_auth": False},
                        id="commune-35238", username=newcomer, role="editor")
    rennes = org("commune-35238")
    assert rennes["description"] == "Ville de Rennes"
    assert newcomer in {u["name"] for u in rennes["users"]}
    assert [g["name"] for g in rennes["groups"]] == ["epci-243500139"]


def test_a_sysadmin_moves_a_commune_but_not_into_a_loop(people):
    sysadmin = people["users"]["sysadmin"]
    helpers.call_action("organization_patch", {"user": sysadmin, "ignore_auth": False}, id="commune-35238",
                        groups=[{"name": "epci-243500774"}])
    assert [g["name"] for g in org("commune-35238")["groups"]] == ["epci-243500774"]
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("organization_patch", {"user": sysadmin, "ignore_auth": False}, id="region-53",
                            groups=[{"name": "commune-35238"}])
    assert "loop" in str(error.value.error_dict)
    assert org("region-53")["groups"] == []


def test_a_moved_commune_takes_its_datasets_along_in_the_index(people):
    sysadmin = people["users"]["sysadmin"]
    dataset = factories.Dataset(owner_org=people["org"]["id"])

    def below(name):
        found = helpers.call_action("package_search", fq=f'vocab_territories:"{name}"')
        return dataset["id"] in {d["id"] for d in found["results"]}
    assert below("epci-243500139") and not below("epci-243500774")
    helpers.call_action("organization_patch", {"user": sysadmin, "ignore_auth": False},
                        id="commune-35238", groups=[{"name": "epci-243500774"}])
    assert below("epci-243500774") and not below("epci-243500139")
    # and the cascade follows: the new EPCI's admin may edit it, the old one's not
    assert allowed(people["users"]["another EPCI's admin"], "package_update",
                   {"id": dataset["id"]})
    assert not allowed(people["users"]["EPCI admin"], "package_update", {"id": dataset["id"]})
