"""Who sees what: permission labels, ``include_private``, ``include_drafts``,
``include_deleted``, dataset types and an ``IPermissionLabels`` plugin."""
from __future__ import annotations

import pytest

import ckan.plugins as p
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.plugins import core as plugins_core
from ckan.tests import factories, helpers

from .conftest import act, facet, name_set, package_search

PUBLIC = {"public-a", "public-b"}


@pytest.fixture
def site(clean_db):
    editor = factories.User(name="editrice-a")
    admin = factories.User(name="admin-a")
    member = factories.User(name="lectrice-a")
    outsider = factories.User(name="exterieur")
    sysadmin = factories.Sysadmin(name="sysadmin")
    org_a = factories.Organization(name="org-a", users=[
        {"name": editor["name"], "capacity": "editor"},
        {"name": admin["name"], "capacity": "admin"},
        {"name": member["name"], "capacity": "member"}])
    org_b = factories.Organization(name="org-b")
    factories.Dataset(name="public-a", owner_org=org_a["id"], tags=[{"name": "ouvert"}])
    factories.Dataset(name="public-b", owner_org=org_b["id"], tags=[{"name": "ouvert"}])
    factories.Dataset(name="private-a", owner_org=org_a["id"], private=True,
                      tags=[{"name": "interne-a"}])
    factories.Dataset(name="private-b", owner_org=org_b["id"], private=True,
                      tags=[{"name": "interne-b"}])
    return {"editor": editor, "admin": admin, "member": member, "outsider": outsider,
            "sysadmin": sysadmin, "org_a": org_a, "org_b": org_b}


def seen(user, **params):
    return name_set(package_search(user=user, **params))


class TestPrivateDatasets:
    @pytest.mark.parametrize("include_private", [False, True])
    def test_anonymous_sees_public_datasets_only(self, site, include_private):
        result = package_search(user=None, include_private=include_private,
                                **{"facet.field": ["tags", "organization"]})
        assert name_set(result) == PUBLIC
        assert result["count"] == 2
        assert facet(result, "tags") == {"ouvert": 2}
        assert facet(result, "organization") == {"org-a": 1, "org-b": 1}

    @pytest.mark.parametrize("who", ["editor", "admin", "member"])
    def test_members_see_their_organisation_private_datasets(self, site, who):
        result = package_search(user=site[who], include_private=True,
                                **{"facet.field": ["tags"]})
        assert name_set(result) == PUBLIC | {"private-a"}
        assert result["count"] == 3
        assert facet(result, "tags") == {"ouvert": 2, "interne-a": 1}

    def test_members_without_include_private_see_public_only(self, site):
        assert seen(site["editor"]) == PUBLIC

    def test_non_members_never_see_private_datasets(self, site):
        result = package_search(user=site["outsider"], include_private=True,
                                **{"facet.field": ["tags"]})
        assert name_set(result) == PUBLIC
        assert facet(result, "tags") == {"ouvert": 2}

    def test_sysadmin_sees_everything_with_include_private(self, site):
        assert seen(site["sysadmin"], include_private=True) == PUBLIC | {
            "private-a", "private-b"}
        assert seen(site["sysadmin"]) == PUBLIC

    def test_private_datasets_are_hidden_from_text_and_filters(self, site):
        for params in ({"q": "private"}, {"q": "name:private-b"},
                       {"fq": "tags:interne-b"}, {"q": "*:*", "fq": "capacity:private"}):
            assert seen(site["editor"], include_private=True, **params) <= {"private-a"}
            assert "private-b" not in seen(site["editor"], include_private=True, **params)
            assert seen(None, include_private=True, **params) == set()

    def test_membership_change_is_effective_at_once(self, site):
        assert seen(site["outsider"], include_private=True) == PUBLIC
        helpers.call_action("organization_member_create", id=site["org_b"]["id"],
                            username=site["outsider"]["name"], role="member")
        assert seen(site["outsider"], include_private=True) == PUBLIC | {"private-b"}

    def test_autocomplete_respects_permissions(self, site):
        def autocomplete(user):
            context = {"user": user["name"] if user else "", "ignore_auth": False}
            return {r["name"] for r in helpers.call_action(
                "package_autocomplete", context=context, q="private")}
        assert autocomplete(None) == set()
        assert autocomplete(site["outsider"]) == set()
        assert autocomplete(site["editor"]) == {"private-a"}
        assert autocomplete(site["sysadmin"]) == {"private-a", "private-b"}

    def test_api_as_anonymous(self, site, app):
        response = app.get("/api/3/action/package_search",
                           query_string={"include_private": "true", "rows": 100,
                                         "facet.field": '["tags"]'})
        result = response.json["result"]
        assert {r["name"] for r in result["results"]} == PUBLIC
        assert result["facets"]["tags"] == {"ouvert": 2}


class TestDrafts:
    @pytest.fixture
    def drafts(self, site):
        factories.Dataset(name="brouillon-a", owner_org=site["org_a"]["id"],
                          state="draft", user=site["editor"])
        return site

    def test_drafts_are_hidden_without_include_drafts(self, drafts):
        for who in ("editor", "admin", "sysadmin"):
            assert "brouillon-a" not in seen(drafts[who], include_private=True)

    def test_author_sees_own_draft(self, drafts):
        assert "brouillon-a" in seen(drafts["editor"], include_drafts=True)

    def test_drafts_inside_an_organisation_are_seen_by_its_members(self, drafts):
        # CKAN labels a draft inside an organisation member-<org>
        assert "brouillon-a" in seen(drafts["admin"], include_drafts=True)
        assert "brouillon-a" in seen(drafts["member"], include_drafts=True)

    def test_others_never_see_drafts(self, drafts):
        assert "brouillon-a" not in seen(drafts["outsider"], include_drafts=True,
                                         include_private=True)
        assert "brouillon-a" not in seen(None, include_drafts=True, include_private=True)

    def test_sysadmin_sees_drafts(self, drafts):
        assert seen(drafts["sysadmin"], include_drafts=True) == PUBLIC | {"brouillon-a"}

    @pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True)
    def test_draft_without_organisation_is_seen_by_its_creator_only(self, site):
        factories.Dataset(name="brouillon-perso", state="draft", user=site["outsider"])
        assert "brouillon-perso" in seen(site["outsider"], include_drafts=True)
        assert "brouillon-perso" not in seen(site["editor"], include_drafts=True)
        assert "brouillon-perso" not in seen(None, include_drafts=True)


@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
class TestDeleted:
    @pytest.fixture
    def deleted(self, site):
        act("package_delete", id="public-a")
        act("package_delete", id="private-b")
        return site

    def test_deleted_datasets_stay_indexed_but_hidden(self, deleted):
        for who in ("sysadmin", "editor", "outsider"):
            result = seen(deleted[who], include_private=True)
            assert "public-a" not in result and "private-b" not in result

    def test_include_deleted(self, deleted):
        assert seen(deleted["sysadmin"], include_deleted=True, include_private=True) == {
            "public-a", "public-b", "private-a", "private-b"}
        # a deleted dataset is no longer public: members of its organisation only
        assert seen(deleted["editor"], include_deleted=True, include_private=True) == {
            "public-a", "public-b", "private-a"}
        assert seen(deleted["outsider"], include_deleted=True, include_private=True) == {
            "public-b"}
        assert seen(None, include_deleted=True, include_private=True) == {"public-b"}

    def test_purge_removes_from_the_index(self, deleted):
        act("dataset_purge", id="public-a")
        assert "public-a" not in seen(deleted["sysadmin"], include_deleted=True)


class TestDatasetTypes:
    def test_custom_types_are_searched_like_datasets(self, site):
        factories.Dataset(name="deliberations-2026", type="deliberations",
                          owner_org=site["org_a"]["id"], title="Délibérations 2026")
        factories.Dataset(name="deliberations-privees", type="deliberations",
                          private=True, owner_org=site["org_a"]["id"])
        assert seen(None, fq="+dataset_type:deliberations") == {"deliberations-2026"}
        assert seen(site["editor"], include_private=True,
                    fq="+dataset_type:deliberations") == {
            "deliberations-2026", "deliberations-privees"}
        assert "deliberations-2026" in seen(None, q="deliberation")
        result = package_search(user=None, **{"facet.field": ["dataset_type"]})
        assert facet(result, "dataset_type") == {"dataset": 2, "deliberations": 1}

    def test_search_page_type_filter(self, site):
        """/dataset sends ``+dataset_type:dataset``: other types stay out."""
        factories.Dataset(name="deliberations-2026", type="deliberations",
                          owner_org=site["org_a"]["id"])
        assert seen(None, fq="+dataset_type:dataset") == PUBLIC


@pytest.mark.ckan_config(
    "ckan.plugins", "activity opendatalocale_search example_ipermissionlabels")
class TestPermissionLabelsPlugin:
    """CKAN's example IPermissionLabels plugin: a dataset whose notes start
    with "Proposed:" is seen by its creator and the admins of its
    organisation only, even when public."""

    @pytest.fixture
    def proposed(self, site):
        factories.Dataset(name="proposition", owner_org=site["org_a"]["id"],
                          notes="Proposed: un nouveau jeu", user=site["editor"])
        return site

    def test_creator_and_admins_see_it(self, proposed):
        assert "proposition" in seen(proposed["editor"])
        assert "proposition" in seen(proposed["admin"])
        assert "proposition" in seen(proposed["sysadmin"])

    def test_others_do_not(self, proposed):
        assert "proposition" not in seen(proposed["member"], include_private=True)
        assert "proposition" not in seen(proposed["outsider"], include_private=True)
        assert "proposition" not in seen(None, include_private=True)
        result = package_search(user=None, **{"facet.field": ["organization"]})
        assert facet(result, "organization") == {"org-a": 1, "org-b": 1}


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", True)
def test_collaborators_see_private_datasets(site):
    helpers.call_action("package_collaborator_create", id="private-b",
                        user_id=site["outsider"]["id"], capacity="member")
    assert seen(site["outsider"], include_private=True) == PUBLIC | {"private-b"}
    assert seen(site["editor"], include_private=True) == PUBLIC | {"private-a"}


@pytest.mark.usefixtures("clean_db")
def test_user_with_many_organisations():
    """A territory agent member of many organisations carries one label per
    organisation: every one of them must open its private datasets, and no
    other."""
    agent = factories.User(name="agent")
    member_of, others = [], []
    for n in range(14):
        users = [{"name": agent["name"], "capacity": "member"}] if n < 11 else []
        org = factories.Organization(name=f"commune-{n:02d}", users=users)
        factories.Dataset(name=f"prive-{n:02d}", owner_org=org["id"], private=True)
        (member_of if n < 11 else others).append(f"prive-{n:02d}")
    factories.Dataset(name="public", owner_org=org["id"])
    result = package_search(user=agent, include_private=True,
                            **{"facet.field": ["organization"], "facet.limit": -1})
    assert name_set(result) == set(member_of) | {"public"}
    assert result["count"] == 12
    assert sum(facet(result, "organization").values()) == 12
    assert "commune-12" not in facet(result, "organization")


class TerritoryLabels(p.SingletonPlugin, DefaultPermissionLabels):
    """An IPermissionLabels plugin as DESIGN.md describes for territories: a
    private dataset also carries ``territory-<name>`` for each enclosing
    territory (listed in its notes), and a user gets ``territory-<name>`` for
    each territory named in their "about" text."""

    p.implements(p.IPermissionLabels)

    def get_dataset_labels(self, dataset_obj):
        labels = super().get_dataset_labels(dataset_obj)
        if dataset_obj.private and (dataset_obj.notes or "").startswith("territoires:"):
            labels += [f"territory-{t}" for t in dataset_obj.notes.split(":")[1].split()]
        return labels

    def get_user_dataset_labels(self, user_obj):
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj and (user_obj.about or "").startswith("territoires:"):
            labels += [f"territory-{t}" for t in user_obj.about.split(":")[1].split()]
        return labels


@pytest.mark.usefixtures("clean_db")
# CKAN asks the first IPermissionLabels plugin only: keep ours (territories) out
@pytest.mark.ckan_config("ckan.plugins", "activity opendatalocale_search")
def test_permission_labels_plugin_with_many_labels(monkeypatch):
    """Datasets with more than four labels and users with many: a label
    anywhere in either list opens the dataset."""
    plugin = TerritoryLabels(name="test_territory_labels")
    monkeypatch.setitem(plugins_core._PLUGINS_SERVICE, "test_territory_labels", plugin)
    org = factories.Organization(name="commune-35238")
    territories = "commune-35238 epci-243500139 departement-35 region-53 zone-a zone-b"
    factories.Dataset(name="prive-territoire", owner_org=org["id"], private=True,
                      notes=f"territoires: {territories}")
    # labels: public, creator, 10 territories; the matching one is the last
    # label of the dataset
    agent = factories.User(name="agent-region", about="territoires: " + " ".join(
        [f"autre-{n}" for n in range(9)] + ["zone-b"]))
    stranger = factories.User(name="agent-ailleurs", about="territoires: " + " ".join(
        f"autre-{n}" for n in range(12)))
    few = factories.User(name="agent-departement", about="territoires: departement-35")
    assert seen(agent, include_private=True) == {"prive-territoire"}
    assert seen(few, include_private=True) == {"prive-territoire"}
    assert seen(stranger, include_private=True) == set()
    assert seen(None, include_private=True) == set()
