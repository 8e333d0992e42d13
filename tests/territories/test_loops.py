"""A loop in the hierarchy cannot be made through the suite (see
test_hierarchy.py), but one written straight into the database — by a
script, an old extension, a restored dump — must not crash or hang a page:
every tree query of the suite is bounded, and ``organization_show`` no
longer nests the parents of parents (core recursed without end)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.opendatalocale.territories import tree

from .conftest import org

RENNES, CESSON, EPCI = "commune-35238", "commune-35051", "epci-243500139"


def link_in_sql(child: str, parent: str) -> None:
    model.Session.execute(sa.text(
        "INSERT INTO member (id, group_id, table_id, table_name, capacity, state) "
        "SELECT gen_random_uuid()::text, c.id, p.id, 'group', 'parent', 'active' "
        'FROM "group" c, "group" p WHERE c.name = :c AND p.name = :p'),
        {"c": child, "p": parent})
    # as a load after it would: the territory table takes the loop in
    model.Session.execute(sa.text(tree.REFRESH_TABLE))
    model.Session.commit()


@pytest.fixture
def loops(bretagne):
    """Rennes ⇄ Rennes Métropole, and Cesson-Sévigné its own parent, with a
    dataset in each commune (indexed again under the loops)."""
    datasets = [factories.Dataset(owner_org=org(name)["id"], title=f"Budget {name}")
                for name in (RENNES, CESSON)]
    link_in_sql(EPCI, RENNES)
    link_in_sql(CESSON, CESSON)
    for dataset in datasets:
        search.rebuild(dataset["id"])
    return datasets


def test_pages_answer_despite_loops(app, loops):
    for url in (f"/organization/{RENNES}", f"/organization/{EPCI}", f"/organization/{CESSON}",
                "/organization/", "/dataset/", f"/dataset/{loops[0]['name']}",
                f"/dataset/{loops[1]['name']}", "/observatoire", f"/observatoire/{EPCI}",
                f"/observatoire/{CESSON}", "/observatoire/departement-35"):
        assert app.get(url, status=None).status_code == 200, url


def test_organization_show_lists_the_direct_parents_once(loops):
    assert [g["name"] for g in org(RENNES)["groups"]] == [EPCI]
    assert {g["name"] for g in org(EPCI)["groups"]} == {"departement-35", RENNES}
    assert sorted(g["name"] for g in org(CESSON)["groups"]) == sorted([EPCI, CESSON])


def test_tree_queries_end_and_name_each_territory_once(loops):
    rennes, cesson = org(RENNES)["id"], org(CESSON)["id"]
    above_rennes = [a["name"] for a in tree.ancestors(rennes)]
    assert sorted(above_rennes) == sorted(set(above_rennes))
    assert RENNES not in above_rennes and EPCI in above_rennes
    assert CESSON not in [a["name"] for a in tree.ancestors(cesson)]
    assert CESSON not in [c["name"] for c in tree.children(cesson)]
    assert set(tree.datasets_below([rennes])) >= {loops[0]["id"]}
    # and a loop is no way out of the refusals
    assert tree.would_loop(rennes, org(EPCI)["id"])


def test_searches_answer_for_the_admins_caught_in_the_loop(loops):
    admin = factories.User()
    helpers.call_action("organization_member_create", id=EPCI, username=admin["name"],
                        role="admin")
    found = helpers.call_action("package_search", {"user": admin["name"], "ignore_auth": False},
                                q="*:*", include_private=True)
    assert {d["id"] for d in loops} <= {d["id"] for d in found["results"]}
