"""The index side: CKAN's own indexing paths (actions, bulk updates, the
``search-index`` commands, ckanext-harvest's direct calls) all reach the
PostgreSQL index, and ``get_index`` serves ``package_show``'s cache."""
from __future__ import annotations

import json

import pytest

import ckan.lib.search as search
import ckan.lib.search.common as search_common
from ckan.cli.cli import ckan as ckan_cli
from ckan.common import config
from ckan.lib.search import SearchError, SearchIndexError
from ckan.lib.search.index import PackageSearchIndex
from ckan.tests import factories, helpers

from .conftest import act, execute, indexed, indexed_names, name_set, package_search


@pytest.fixture
def org(clean_db):
    return factories.Organization(name="org-a")


def conn():
    return search_common.make_connection()


# -- actions -----------------------------------------------------------------------
class TestActionsKeepTheIndexInStep:
    def test_create_indexes(self, org):
        dataset = factories.Dataset(name="cree", title="Jeu créé", owner_org=org["id"])
        (doc,) = indexed(fl="id name site_id state capacity")
        assert doc == {"id": dataset["id"], "name": "cree",
                       "site_id": config["ckan.site_id"], "state": "active",
                       "capacity": "public"}

    def test_update_reindexes(self, org):
        factories.Dataset(name="jeu", title="Ancien titre", owner_org=org["id"])
        act("package_patch", id="jeu", title="Piscines municipales",
            tags=[{"name": "sport"}])
        assert name_set(package_search(q="piscine")) == {"jeu"}
        assert package_search(q="title:ancien")["count"] == 0
        assert name_set(package_search(fq="tags:sport")) == {"jeu"}

    def test_rename_reindexes_under_the_same_document(self, org):
        dataset = factories.Dataset(name="ancien-nom", owner_org=org["id"])
        act("package_patch", id=dataset["id"], name="nouveau-nom")
        assert indexed_names() == {"nouveau-nom"}
        assert name_set(package_search(q="name:nouveau-nom")) == {"nouveau-nom"}
        assert package_search(q="name:ancien-nom")["count"] == 0

    def test_resource_changes_reindex(self, org):
        dataset = factories.Dataset(name="jeu", owner_org=org["id"])
        act("resource_create", package_id=dataset["id"], url="http://x/a.geojson",
            format="GeoJSON", name="Contours des quartiers")
        assert name_set(package_search(fq="res_format:GeoJSON")) == {"jeu"}
        assert name_set(package_search(q="quartiers")) == {"jeu"}

    def test_delete_removes(self, org):
        factories.Dataset(name="a-supprimer", owner_org=org["id"])
        factories.Dataset(name="a-garder", owner_org=org["id"])
        act("package_delete", id="a-supprimer")
        assert indexed_names() == {"a-garder"}
        assert package_search(q="name:a-supprimer", include_deleted=True)["count"] == 0

    def test_purge_removes(self, org):
        factories.Dataset(name="a-purger", owner_org=org["id"])
        act("dataset_purge", id="a-purger")
        assert indexed_names() == set()

    def test_private_flag_is_indexed(self, org):
        factories.Dataset(name="jeu", owner_org=org["id"], private=True)
        assert package_search(user=None, include_private=True)["count"] == 0
        act("package_patch", id="jeu", private=False)
        assert name_set(package_search(user=None)) == {"jeu"}

    def test_a_failing_index_write_aborts_with_search_index_error(self, org):
        with pytest.raises(SearchIndexError):
            conn().add([{"name": "sans-identifiant"}])


# -- core's bulk updates (PackageSearchIndex reached by name) -----------------------
class TestBulkUpdates:
    @pytest.fixture
    def datasets(self, org):
        return [factories.Dataset(name=f"jeu-{n}", owner_org=org["id"])["id"]
                for n in range(3)]

    def test_bulk_update_private_then_public(self, org, datasets):
        act("bulk_update_private", datasets=datasets[:2], org_id=org["id"])
        assert name_set(package_search(user=None)) == {"jeu-2"}
        assert name_set(package_search(fq="capacity:private", include_private=True)) == {
            "jeu-0", "jeu-1"}
        act("bulk_update_public", datasets=datasets[:1], org_id=org["id"])
        assert name_set(package_search(user=None)) == {"jeu-0", "jeu-2"}

    def test_bulk_update_delete(self, org, datasets):
        act("bulk_update_delete", datasets=datasets[1:], org_id=org["id"])
        assert name_set(package_search()) == {"jeu-0"}
        assert indexed_names() == {"jeu-0"}

    def test_bulk_update_keeps_package_show_cache_right(self, org, datasets):
        act("bulk_update_private", datasets=datasets[:1], org_id=org["id"])
        assert act("package_show", id="jeu-0")["private"] is True


# -- package_show's cache ------------------------------------------------------------
class TestPackageShowCache:
    def test_get_index_by_name_and_id(self, org):
        dataset = factories.Dataset(name="jeu", title="Titre", owner_org=org["id"])
        by_name = search.show("jeu")
        by_id = search.show(dataset["id"])
        assert by_name["id"] == by_id["id"] == dataset["id"]
        assert json.loads(by_name["validated_data_dict"])["title"] == "Titre"
        assert json.loads(by_name["data_dict"])["name"] == "jeu"
        assert by_name["metadata_modified"].startswith(
            dataset["metadata_modified"][:19])

    def test_get_index_of_an_unknown_dataset(self, org):
        with pytest.raises(SearchError):
            search.show("inconnu")

    def test_stored_dict_is_what_ckan_builds(self, org):
        dataset = factories.Dataset(
            name="complet", owner_org=org["id"], tags=[{"name": "sport"}],
            extras=[{"key": "frequence", "value": "annuelle"}],
            resources=[{"url": "http://x/a.csv", "format": "CSV", "name": "Données"}])
        fresh = helpers.call_action("package_show", context={"use_cache": False},
                                    id=dataset["id"])
        cached = json.loads(search.show("complet")["validated_data_dict"])
        assert cached == json.loads(json.dumps(fresh))

    def _replace_stored_title(self, name, title, metadata_modified=None):
        """Rewrite the indexed document through the connection, as a stale
        or foreign index would hold it."""
        doc = search.show(name)
        validated = json.loads(doc["validated_data_dict"])
        validated["title"] = title
        doc["validated_data_dict"] = json.dumps(validated)
        if metadata_modified:
            doc["metadata_modified"] = metadata_modified
        conn().add([doc])

    def test_package_show_serves_the_stored_dict(self, org):
        factories.Dataset(name="jeu", title="Titre réel", owner_org=org["id"])
        self._replace_stored_title("jeu", "Titre du cache")
        assert act("package_show", id="jeu")["title"] == "Titre du cache"
        assert helpers.call_action("package_show", context={"use_cache": False},
                                   id="jeu")["title"] == "Titre réel"

    def test_package_show_ignores_a_stale_stored_dict(self, org):
        factories.Dataset(name="jeu", title="Titre réel", owner_org=org["id"])
        self._replace_stored_title("jeu", "Titre périmé",
                                   metadata_modified="2001-01-01T00:00:00Z")
        assert act("package_show", id="jeu")["title"] == "Titre réel"

    def test_package_show_after_update_is_fresh(self, org):
        factories.Dataset(name="jeu", title="Avant", owner_org=org["id"])
        act("package_patch", id="jeu", title="Après")
        assert act("package_show", id="jeu")["title"] == "Après"
        assert json.loads(search.show("jeu")["validated_data_dict"])["title"] == "Après"


# -- autocomplete ----------------------------------------------------------------------
class TestAutocomplete:
    @pytest.fixture
    def datasets(self, org):
        factories.Dataset(name="budget-primitif", title="Budget primitif 2026",
                          owner_org=org["id"])
        factories.Dataset(name="comptes", title="Comptes administratifs et budgets annexes",
                          owner_org=org["id"])
        factories.Dataset(name="ecoles", title="Écoles", owner_org=org["id"])

    @pytest.mark.usefixtures("datasets")
    def test_action(self):
        result = helpers.call_action("package_autocomplete", q="budg")
        assert {r["name"] for r in result} == {"budget-primitif", "comptes"}
        by_name = {r["name"]: r for r in result}
        assert by_name["budget-primitif"]["match_field"] == "name"
        assert by_name["comptes"]["match_field"] == "title"
        assert by_name["comptes"]["match_displayed"] == (
            "Comptes administratifs et budgets annexes (comptes)")

    @pytest.mark.usefixtures("datasets")
    def test_action_is_case_insensitive_and_limited(self):
        assert {r["name"] for r in helpers.call_action(
            "package_autocomplete", q="BUDGET")} == {"budget-primitif", "comptes"}
        assert len(helpers.call_action("package_autocomplete", q="budg", limit=1)) == 1

    @pytest.mark.usefixtures("datasets")
    def test_api_2(self, app):
        response = app.get("/api/2/util/dataset/autocomplete",
                           query_string={"incomplete": "primit"})
        assert [r["name"] for r in response.json["ResultSet"]["Result"]] == [
            "budget-primitif"]

    @pytest.mark.usefixtures("datasets")
    @pytest.mark.parametrize("text", ["\\", "a:b", "(", "100%", "_", "%", '"', " "])
    def test_special_characters_match_nothing(self, text):
        """No title or name contains these: nothing to suggest (a value that
        analyses to nothing, like a lone quote or a space, matches no n-gram
        in Solr)."""
        assert helpers.call_action("package_autocomplete", q=text) == []


# -- core's group and organisation counts ----------------------------------------------
def test_group_and_organisation_dataset_counts(org):
    org_b = factories.Organization(name="org-b")
    factories.Group(name="transports")
    factories.Dataset(name="d1", owner_org=org["id"], groups=[{"name": "transports"}])
    factories.Dataset(name="d2", owner_org=org["id"], groups=[{"name": "transports"}])
    factories.Dataset(name="d3", owner_org=org_b["id"])
    organizations = {o["name"]: o["package_count"] for o in helpers.call_action(
        "organization_list", all_fields=True)}
    assert organizations == {"org-a": 2, "org-b": 1}
    groups = {g["name"]: g["package_count"] for g in helpers.call_action(
        "group_list", all_fields=True)}
    assert groups == {"transports": 2}
    assert helpers.call_action("organization_show", id="org-a")["package_count"] == 2


# -- the search-index command ----------------------------------------------------------
class TestSearchIndexCommand:
    @pytest.fixture
    def datasets(self, org):
        factories.Dataset(name="premier", title="Premier jeu", owner_org=org["id"])
        factories.Dataset(name="second", title="Second jeu", owner_org=org["id"])

    def _rename_in_database_only(self, name, title):
        execute("UPDATE package SET title = :t WHERE name = :n", t=title, n=name)

    @pytest.mark.usefixtures("datasets")
    def test_rebuild(self, cli):
        self._rename_in_database_only("premier", "Patinoire")
        assert package_search(q="patinoire")["count"] == 0
        result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert "Indexing dataset 2/2" in result.output
        assert name_set(package_search(q="patinoire")) == {"premier"}
        assert indexed_names() == {"premier", "second"}

    @pytest.mark.usefixtures("datasets")
    def test_rebuild_with_clear(self, cli):
        conn().add([_foreign_document("orphelin")])
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-c", "-q"])
        assert result.exit_code == 0, result.output
        # our site's documents are cleared and rebuilt, another site's kept
        assert indexed_names(f'+site_id:"{config["ckan.site_id"]}"') == {"premier", "second"}
        assert indexed_names('+site_id:"autre-site"') == {"orphelin"}

    @pytest.mark.usefixtures("datasets")
    def test_rebuild_one_dataset(self, cli):
        self._rename_in_database_only("premier", "Patinoire")
        self._rename_in_database_only("second", "Gymnase")
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "premier"])
        assert result.exit_code == 0, result.output
        assert name_set(package_search(q="patinoire")) == {"premier"}
        assert package_search(q="gymnase")["count"] == 0

    @pytest.mark.usefixtures("datasets")
    def test_clear_one_then_check_list_unindexed_and_rebuild_only_missing(self, cli):
        result = cli.invoke(ckan_cli, ["search-index", "clear", "second"])
        assert result.exit_code == 0, result.output
        assert indexed_names() == {"premier"}

        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert result.exit_code == 0, result.output
        assert "Packages not indexed = 1 out of 2" in result.output
        assert "second" in result.output

        result = cli.invoke(ckan_cli, ["search-index", "list-unindexed"])
        assert result.exit_code == 0, result.output
        assert "Found 1 unindexed package(s)." in result.output

        self._rename_in_database_only("premier", "Patinoire")
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-o"])
        assert result.exit_code == 0, result.output
        assert indexed_names() == {"premier", "second"}
        # only the missing one was indexed: "premier" keeps its old text
        assert package_search(q="patinoire")["count"] == 0

        result = cli.invoke(ckan_cli, ["search-index", "list-unindexed"])
        assert "Found 0 unindexed package(s)." in result.output

    @pytest.mark.usefixtures("datasets")
    def test_clear_all(self, cli):
        conn().add([_foreign_document("orphelin")])
        result = cli.invoke(ckan_cli, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert package_search()["count"] == 0
        assert indexed_names() == {"orphelin"}  # another site's document stays

    @pytest.mark.usefixtures("datasets")
    def test_show(self, cli):
        result = cli.invoke(ckan_cli, ["search-index", "show", "premier"])
        assert result.exit_code == 0, result.output
        assert "Premier jeu" in result.output
        assert "Second jeu" not in result.output
        result = cli.invoke(ckan_cli, ["search-index", "show", "inconnu"])
        assert result.exit_code != 0

    @pytest.mark.usefixtures("datasets")
    def test_list_orphans(self, cli):
        conn().add([_own_orphan("fantome")])
        result = cli.invoke(ckan_cli, ["search-index", "list-orphans"])
        assert result.exit_code == 0, result.output
        assert "Found 1 orphaned package(s)." in result.output

    def test_rebuild_unknown_dataset_fails(self, cli, org):
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "inconnu"])
        assert result.exit_code != 0
        assert "Couldn't find" in result.output


class TestSearchIndexFunctions:
    @pytest.fixture
    def datasets(self, org):
        factories.Dataset(name="premier", title="Premier jeu", owner_org=org["id"])
        factories.Dataset(name="second", title="Second jeu", owner_org=org["id"])

    @pytest.mark.usefixtures("datasets")
    def test_clear_rebuild_only_missing(self):
        search.clear("premier")
        assert indexed_names() == {"second"}
        search.rebuild(only_missing=True)
        assert indexed_names() == {"premier", "second"}

    @pytest.mark.usefixtures("datasets")
    def test_clear_all_and_rebuild(self):
        search.clear_all()
        assert indexed_names() == set()
        search.rebuild()
        assert indexed_names() == {"premier", "second"}
        search.commit()

    @pytest.mark.usefixtures("datasets")
    def test_check(self, capsys):
        search.clear("second")
        search.check()
        assert "Packages not indexed = 1 out of 2" in capsys.readouterr().out

    @pytest.mark.usefixtures("datasets")
    def test_get_all_entity_ids(self):
        ids = search.PackageSearchQuery().get_all_entity_ids(max_results=10)
        assert len(ids) == 2
        assert search.PackageSearchQuery().get_all_entity_ids(max_results=1)[0] in ids

    @pytest.mark.usefixtures("datasets")
    def test_rebuild_removes_deleted_datasets(self):
        act("package_delete", id="second")
        search.rebuild()
        assert indexed_names() == {"premier"}


# -- what ckanext-harvest does -----------------------------------------------------------
class TestHarvestStyle:
    def test_index_package_directly(self, org):
        dataset = factories.Dataset(name="moissonne", owner_org=org["id"])
        search.clear("moissonne")
        assert indexed_names() == set()
        pkg_dict = helpers.call_action("package_show", context={"use_cache": False},
                                       id=dataset["id"])
        PackageSearchIndex().index_package(pkg_dict)
        assert name_set(package_search(q="name:moissonne")) == {"moissonne"}

    def test_index_package_of_a_deleted_dataset_removes_it(self, org):
        dataset = factories.Dataset(name="moissonne", owner_org=org["id"])
        pkg_dict = helpers.call_action("package_show", context={"use_cache": False},
                                       id=dataset["id"])
        pkg_dict["state"] = "deleted"
        PackageSearchIndex().index_package(pkg_dict)
        assert indexed_names() == set()

    def test_delete_by_harvest_source(self, org):
        site_id = config["ckan.site_id"]
        for name, source in [("h1", "source-1"), ("h2", "source-1"), ("h3", "source-2")]:
            factories.Dataset(name=name, owner_org=org["id"],
                              extras=[{"key": "harvest_source_id", "value": source}])
        factories.Dataset(name="local", owner_org=org["id"])
        assert name_set(package_search(fq='+harvest_source_id:"source-1"')) == {"h1", "h2"}
        search_common.make_connection().delete(
            q=f'+harvest_source_id:"source-1" +site_id:"{site_id}"')
        assert indexed_names() == {"h3", "local"}

    def test_delete_by_id(self, org):
        factories.Dataset(name="jeu", owner_org=org["id"])
        (doc,) = indexed(fl="index_id")
        conn().delete(id=doc["index_id"])
        assert indexed_names() == set()

    def test_invalid_delete_query_raises_search_index_error(self, org):
        with pytest.raises(SearchIndexError):
            conn().delete(q="harvest_source_id:(")

    def test_commit_and_optimize_are_accepted(self, org):
        factories.Dataset(name="jeu", owner_org=org["id"])
        conn().commit()
        conn().optimize()
        assert indexed_names() == {"jeu"}


# -- several CKAN sites, one database --------------------------------------------------
def _foreign_document(name):
    """A document indexed by another CKAN site sharing the index."""
    return {"id": f"id-{name}", "index_id": f"autre-site-{name}", "site_id": "autre-site",
            "name": name, "title": "Jeu d'un autre portail", "entity_type": "package",
            "dataset_type": "dataset", "state": "active", "capacity": "public",
            "permission_labels": ["public"], "metadata_modified": "2026-01-01T00:00:00Z",
            "metadata_created": "2026-01-01T00:00:00Z",
            "validated_data_dict": json.dumps({"name": name}),
            "data_dict": json.dumps({"name": name})}


def _own_orphan(name):
    """A document of this site whose dataset no longer exists."""
    doc = _foreign_document(name)
    doc.update(site_id=config["ckan.site_id"], index_id=f"orphan-{name}")
    return doc


def test_other_sites_documents_are_invisible(org):
    factories.Dataset(name="local", title="Jeu local", owner_org=org["id"])
    conn().add([_foreign_document("distant")])
    assert name_set(package_search(q="jeu")) == {"local"}
    assert name_set(package_search(q="*:*")) == {"local"}
    assert len(search.PackageSearchQuery().get_all_entity_ids()) == 1
    with pytest.raises(SearchError):
        search.show("distant")


def test_long_texts_are_indexed(org):
    """Notes as long as the security plugin allows (100 000 characters) are
    indexed and searchable to the end."""
    words = " ".join(f"mot{n}" for n in range(12000))
    notes = "Délibération " + words + " conclusion"
    assert 90_000 < len(notes) <= 100_000
    factories.Dataset(name="long", title="Compte rendu intégral", owner_org=org["id"],
                      notes=notes)
    assert name_set(package_search(q="deliberation")) == {"long"}
    assert name_set(package_search(q="mot11999")) == {"long"}
    assert name_set(package_search(q="conclusion")) == {"long"}


def _random_words(count: int, length: int, seed: int, first: int = ord("a"),
                  letters: int = 26) -> str:
    import random
    rng = random.Random(seed)
    return " ".join("".join(chr(first + rng.randrange(letters)) for _ in range(length))
                    for _ in range(count))


def test_text_beyond_what_a_tsvector_holds_is_cut_not_a_failure(org):
    """Every text may be at its limit: 100 000 characters of notes and of each
    resource description, here in two-ideograph words (near 5 bytes of
    tsvector per character: 2 MB, where a tsvector holds 1 MB). The dataset
    is indexed, its title and notes searchable, the text beyond the budget
    is not."""
    resources = [{"url": f"https://example.org/{i}.csv",
                  "description": _random_words(33_000, 2, seed=i, first=0x4E00,
                                               letters=20_000)} for i in range(5)]
    factories.Dataset(name="volumineux", title="Procès-verbaux", owner_org=org["id"],
                      notes=_random_words(11_000, 8, seed=99) + " finale",
                      resources=resources)
    assert name_set(package_search(q="proces")) == {"volumineux"}
    assert name_set(package_search(q="finale")) == {"volumineux"}
    last_word = resources[-1]["description"].rsplit(" ", 1)[1]
    assert name_set(package_search(q=last_word)) == set()


def test_a_title_whose_sort_key_outgrows_a_btree_key_is_indexed_and_sorted(org):
    """500 squared katakana (1 500 bytes, a title CKAN stores) decompose into
    some 2 000 characters (6 000 bytes): the sort key is cut, not refused by
    PostgreSQL's btree (2 704 bytes at most)."""
    import random
    rng = random.Random(1)
    title = "".join(chr(rng.randrange(0x3300, 0x3358)) for _ in range(500))
    factories.Dataset(name="katakana", title=title, owner_org=org["id"])
    factories.Dataset(name="autre", title="Aa", owner_org=org["id"])
    result = package_search(q="*:*", sort="title_string desc")
    assert [r["name"] for r in result["results"]] == ["katakana", "autre"]
    assert result["results"][0]["title"] == title
