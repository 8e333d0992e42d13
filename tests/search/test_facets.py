"""Facet counts: ``facet.field``, ``facet.limit``, ``facet.mincount``, their
order, permissions, and the Redis cache of broad searches."""
from __future__ import annotations

import json

import pytest

import ckan.lib.redis as ckan_redis
from ckan.lib.redis import connect_to_redis
from ckan.lib.search import PackageSearchQuery
from ckan.tests import factories, helpers

from .conftest import act, facet, package_search

CACHE_PREFIX = "ckanext-opendatalocale:search:"


@pytest.fixture
def catalogue(clean_db):
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    factories.Group(name="transports")

    def csv(n=1):
        return [{"url": f"http://x/{i}.csv", "format": "CSV"} for i in range(n)]

    factories.Dataset(name="velos", owner_org=org_a["id"], license_id="cc-by",
                      tags=[{"name": "mobilite"}, {"name": "velo"}],
                      groups=[{"name": "transports"}],
                      resources=csv(2) + [{"url": "http://x/v.json", "format": "JSON"}])
    factories.Dataset(name="bus", owner_org=org_b["id"], license_id="odc-odbl",
                      tags=[{"name": "mobilite"}, {"name": "bus"}], resources=csv())
    factories.Dataset(name="budget", owner_org=org_a["id"], license_id="cc-by",
                      tags=[{"name": "finances"}],
                      resources=[{"url": "http://x/b.xls", "format": "XLS"}])
    factories.Dataset(name="ecoles", owner_org=org_a["id"], license_id="cc-by",
                      tags=[{"name": "education"}], resources=csv())
    factories.Dataset(name="prive", owner_org=org_b["id"], private=True,
                      license_id="other-closed",
                      tags=[{"name": "mobilite"}, {"name": "secret-defense"}],
                      resources=[{"url": "http://x/p.pdf", "format": "PDF"}])
    return {"org_a": org_a, "org_b": org_b}


def facets(**params):
    params.setdefault("rows", 0)
    return package_search(**params)


@pytest.mark.usefixtures("catalogue")
class TestCounts:
    def test_exact_counts(self):
        result = facets(**{"facet.field": ["tags", "organization", "res_format",
                                           "license_id", "groups"]})
        assert result["count"] == 4
        assert facet(result, "tags") == {"mobilite": 2, "velo": 1, "bus": 1,
                                         "finances": 1, "education": 1}
        assert facet(result, "organization") == {"org-a": 3, "org-b": 1}
        assert facet(result, "license_id") == {"cc-by": 3, "odc-odbl": 1}
        assert facet(result, "groups") == {"transports": 1}

    def test_a_dataset_is_counted_once_per_value(self):
        """velos has two CSV resources: one dataset with CSV."""
        result = facets(**{"facet.field": ["res_format"]})
        assert facet(result, "res_format") == {"CSV": 3, "JSON": 1, "XLS": 1}

    def test_counts_follow_the_query_and_filters(self):
        result = facets(q="tags:mobilite", **{"facet.field": ["tags", "res_format"]})
        assert facet(result, "tags") == {"mobilite": 2, "bus": 1, "velo": 1}
        assert facet(result, "res_format") == {"CSV": 2, "JSON": 1}
        result = facets(fq="organization:org-a", **{"facet.field": ["license_id"]})
        assert facet(result, "license_id") == {"cc-by": 3}

    def test_search_facets_structure(self):
        result = facets(**{"facet.field": ["organization"]})
        items = {i["name"]: i["count"] for i in result["search_facets"]["organization"]["items"]}
        assert items == {"org-a": 3, "org-b": 1}

    def test_column_and_other_fields(self):
        """Fields kept in columns, in the facet array and in the document
        count alike."""
        result = facets(**{"facet.field": ["owner_org", "dataset_type", "capacity",
                                           "state", "num_resources", "entity_type"]})
        assert sum(facet(result, "owner_org").values()) == 4
        assert facet(result, "dataset_type") == {"dataset": 4}
        assert facet(result, "capacity") == {"public": 4}
        assert facet(result, "state") == {"active": 4}
        assert facet(result, "num_resources") == {"1": 3, "3": 1}
        assert facet(result, "entity_type") == {"package": 4}

    def test_unknown_field_facets_to_nothing(self):
        result = facets(**{"facet.field": ["no_such_field", "tags"]})
        assert facet(result, "no_such_field") == {}
        assert facet(result, "tags")

    def test_facet_false(self):
        result = facets(facet="false", **{"facet.field": ["tags"]})
        assert result["facets"] == {}


@pytest.mark.usefixtures("catalogue")
class TestLimitAndMincount:
    def test_limit(self):
        result = facets(**{"facet.field": ["tags"], "facet.limit": 2})
        assert list(facet(result, "tags")) == ["mobilite", "bus"]

    def test_limit_zero_gives_no_values(self):
        result = facets(**{"facet.field": ["tags"], "facet.limit": 0})
        assert facet(result, "tags") == {}

    def test_negative_limit_is_unlimited(self):
        result = facets(**{"facet.field": ["tags"], "facet.limit": -1})
        assert len(facet(result, "tags")) == 5

    @pytest.mark.ckan_config("search.facets.limit", 3)
    def test_default_limit_comes_from_the_configuration(self):
        result = facets(**{"facet.field": ["tags"]})
        assert len(facet(result, "tags")) == 3

    def test_mincount(self):
        result = facets(**{"facet.field": ["tags"], "facet.mincount": 2})
        assert facet(result, "tags") == {"mobilite": 2}

    def test_mincount_zero_lists_values_of_unmatched_datasets(self):
        """Solr: with facet.mincount=0 every indexed value is listed, with 0
        for those outside the result."""
        result = facets(q="tags:finances", **{"facet.field": ["tags"],
                                              "facet.mincount": 0})
        tags = facet(result, "tags")
        assert tags["finances"] == 1
        assert tags["mobilite"] == 0 and tags["education"] == 0
        assert list(tags)[0] == "finances"


@pytest.mark.usefixtures("clean_db")
def test_order_is_count_then_value():
    """Count descending, then value in byte order (Solr's index order)."""
    org = factories.Organization()
    for name, tags in [("d1", ["bb", "aa", "Zz", "cc"]), ("d2", ["bb", "aa", "Zz"]),
                       ("d3", ["cc", "éé"]), ("d4", ["cc"])]:
        factories.Dataset(name=name, owner_org=org["id"],
                          tags=[{"name": t} for t in tags])
    result = facets(**{"facet.field": ["tags"]})
    assert list(facet(result, "tags").items()) == [
        ("cc", 3), ("Zz", 2), ("aa", 2), ("bb", 2), ("éé", 1)]
    # the order decides which values a limit keeps
    result = facets(**{"facet.field": ["tags"], "facet.limit": 3})
    assert list(facet(result, "tags")) == ["cc", "Zz", "aa"]
    # PackageSearchQuery.run (core code, extensions) sees the same order
    query = PackageSearchQuery()
    query.run({"q": "*:*", "facet.field": ["tags"], "rows": 0})
    assert list(query.facets["tags"]) == ["cc", "Zz", "aa", "bb", "éé"]


@pytest.mark.usefixtures("clean_db")
def test_custom_index_field_facet(scdl_index_plugin):
    org = factories.Organization()
    factories.Dataset(name="ds-a", notes="SCDL conforme", owner_org=org["id"])
    factories.Dataset(name="ds-b", notes="SCDL conforme", owner_org=org["id"])
    factories.Dataset(name="ds-c", notes="Erreurs", owner_org=org["id"])
    result = facets(**{"facet.field": ["scdl_conformity"]})
    assert facet(result, "scdl_conformity") == {"conforme": 2, "non-conforme": 1}


@pytest.mark.usefixtures("clean_db")
def test_extras_facets():
    org = factories.Organization()
    factories.Dataset(name="ds-a", owner_org=org["id"],
                      extras=[{"key": "frequence", "value": "annuelle"}])
    factories.Dataset(name="ds-b", owner_org=org["id"],
                      extras=[{"key": "frequence", "value": "mensuelle"}])
    factories.Dataset(name="ds-c", owner_org=org["id"],
                      extras=[{"key": "frequence", "value": "annuelle"}])
    result = facets(**{"facet.field": ["frequence", "extras_frequence"]})
    assert facet(result, "frequence") == {"annuelle": 2, "mensuelle": 1}
    assert facet(result, "extras_frequence") == {"annuelle": 2, "mensuelle": 1}


# -- permissions -----------------------------------------------------------------
@pytest.fixture
def people(catalogue):
    member = factories.User(name="membre-b")
    outsider = factories.User(name="exterieur")
    helpers.call_action("organization_member_create", id=catalogue["org_b"]["id"],
                        username=member["name"], role="editor")
    return {"member": member, "outsider": outsider}


class TestPrivateDatasetsInFacets:
    FIELDS = {"facet.field": ["tags", "res_format", "license_id", "organization"]}

    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_never_counted_for_users_without_the_label(self, people, who):
        user = people[who] if who else None
        for include_private in (False, True):
            result = package_search(user=user, rows=0, include_private=include_private,
                                    **self.FIELDS)
            assert result["count"] == 4
            assert "secret-defense" not in facet(result, "tags")
            assert facet(result, "tags")["mobilite"] == 2
            assert "PDF" not in facet(result, "res_format")
            assert "other-closed" not in facet(result, "license_id")
            assert facet(result, "organization") == {"org-a": 3, "org-b": 1}

    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_not_even_with_mincount_zero(self, people, who):
        """facet.mincount=0 lists values from the whole index: values of
        datasets the user may not see must not be disclosed, even with 0."""
        user = people[who] if who else None
        result = package_search(user=user, rows=0, include_private=True,
                                **{"facet.mincount": 0}, **self.FIELDS)
        assert "secret-defense" not in facet(result, "tags")
        assert "PDF" not in facet(result, "res_format")
        assert "other-closed" not in facet(result, "license_id")

    def test_counted_for_members(self, people):
        result = package_search(user=people["member"], rows=0, include_private=True,
                                **self.FIELDS)
        assert result["count"] == 5
        assert facet(result, "tags")["secret-defense"] == 1
        assert facet(result, "tags")["mobilite"] == 3
        assert facet(result, "organization") == {"org-a": 3, "org-b": 2}
        # without include_private, members see the public counts
        result = package_search(user=people["member"], rows=0, **self.FIELDS)
        assert "secret-defense" not in facet(result, "tags")

    def test_counted_for_sysadmins(self, people):
        sysadmin = factories.Sysadmin()
        result = package_search(user=sysadmin, rows=0, include_private=True,
                                **self.FIELDS)
        assert result["count"] == 5
        assert facet(result, "res_format") == {"CSV": 3, "JSON": 1, "XLS": 1, "PDF": 1}


# -- the cache ---------------------------------------------------------------------
def _cache_keys():
    return [k.decode() if isinstance(k, bytes) else k
            for k in connect_to_redis().keys(CACHE_PREFIX + "*")]


@pytest.fixture
def empty_cache():
    redis = connect_to_redis()
    for key in redis.keys(CACHE_PREFIX + "*"):
        redis.delete(key)
    yield
    for key in redis.keys(CACHE_PREFIX + "*"):
        redis.delete(key)


def _poison_cache(count):
    """Overwrite every cached answer: a search that returns ``count`` was
    served from the cache."""
    redis = connect_to_redis()
    keys = _cache_keys()
    assert keys, "nothing was cached"
    for key in keys:
        value = json.loads(redis.get(key))
        value["count"] = count
        redis.set(key, json.dumps(value))


@pytest.mark.usefixtures("catalogue", "empty_cache")
@pytest.mark.ckan_config("ckanext.opendatalocale.search.facet_cache_min_count", 1)
class TestCache:
    FIELDS = {"facet.field": ["tags", "organization"]}

    def test_broad_searches_are_served_from_the_cache(self):
        first = facets(**self.FIELDS)
        _poison_cache(999)
        assert facets(**self.FIELDS)["count"] == 999
        # the cache is keyed by the query: another query is computed
        assert facets(fq="tags:mobilite", **self.FIELDS)["count"] == 2
        assert first["count"] == 4

    def test_never_stale_after_an_update(self, catalogue):
        before = facets(**self.FIELDS)
        assert facet(before, "tags")["mobilite"] == 2
        _poison_cache(999)
        act("package_patch", id="budget",
                            tags=[{"name": "finances"}, {"name": "mobilite"}])
        after = facets(**self.FIELDS)
        assert after["count"] == 4
        assert facet(after, "tags")["mobilite"] == 3

    def test_never_stale_after_a_create(self, catalogue):
        facets(**self.FIELDS)
        _poison_cache(999)
        factories.Dataset(name="nouveau", owner_org=catalogue["org_b"]["id"],
                          tags=[{"name": "mobilite"}])
        after = facets(**self.FIELDS)
        assert after["count"] == 5
        assert facet(after, "organization") == {"org-a": 3, "org-b": 2}

    def test_never_stale_after_a_delete(self):
        facets(**self.FIELDS)
        _poison_cache(999)
        act("package_delete", id="velos")
        after = facets(**self.FIELDS)
        assert after["count"] == 3
        assert "velo" not in facet(after, "tags")
        assert facet(after, "tags")["mobilite"] == 1

    def test_never_stale_after_private_to_public(self):
        anonymous = package_search(user=None, rows=0, **self.FIELDS)
        assert "secret-defense" not in facet(anonymous, "tags")
        _poison_cache(999)
        act("package_patch", id="prive", private=False)
        anonymous = package_search(user=None, rows=0, **self.FIELDS)
        assert anonymous["count"] == 5
        assert facet(anonymous, "tags")["secret-defense"] == 1

    def test_never_stale_after_public_to_private(self):
        package_search(user=None, rows=0, **self.FIELDS)
        _poison_cache(999)
        act("package_patch", id="bus", private=True)
        anonymous = package_search(user=None, rows=0, **self.FIELDS)
        assert anonymous["count"] == 3
        assert "bus" not in facet(anonymous, "tags")

    def test_users_do_not_share_cached_counts(self, people):
        member = package_search(user=people["member"], rows=0, include_private=True,
                                **self.FIELDS)
        assert member["count"] == 5
        outsider = package_search(user=people["outsider"], rows=0, include_private=True,
                                  **self.FIELDS)
        assert outsider["count"] == 4
        assert "secret-defense" not in facet(outsider, "tags")

    def test_cache_outage_does_not_break_search(self, monkeypatch, ckan_config):
        """A Redis outage (nothing listens on port 1) slows searches, never
        breaks them."""
        monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:1/0")
        monkeypatch.setattr(ckan_redis, "_connection_pool", None)
        result = facets(**self.FIELDS)
        assert result["count"] == 4
        assert facet(result, "organization") == {"org-a": 3, "org-b": 1}


@pytest.mark.usefixtures("catalogue", "empty_cache")
@pytest.mark.ckan_config("ckanext.opendatalocale.search.facet_cache_min_count", 10)
def test_small_searches_are_not_cached():
    result = facets(**TestCache.FIELDS)
    assert result["count"] == 4
    assert _cache_keys() == []
