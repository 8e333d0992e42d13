"""Helpers and fixtures of the search backend tests.

Everything runs against the real stack: CKAN's actions and search classes,
the ``opendatalocale_search`` plugin loaded from test.ini (by the suite's
autouse ``with_plugins`` fixture), PostgreSQL and Redis.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.model as model
import ckan.plugins as p
from ckan.tests import helpers


# -- searching ---------------------------------------------------------------
def package_search(user: Any = "__ignore_auth__", **params: Any) -> dict[str, Any]:
    """``package_search`` as CKAN's API runs it.

    Without ``user``: with ``ignore_auth`` (no permission labels, like a
    sysadmin). ``user=None``: anonymous. ``user=<user dict or name>``: that
    user, with its permission labels.
    """
    params.setdefault("rows", 1000)
    if user == "__ignore_auth__":
        return helpers.call_action("package_search", **params)
    name = "" if user is None else (user["name"] if isinstance(user, dict) else user)
    return helpers.call_action(
        "package_search", context={"user": name, "ignore_auth": False}, **params)


def act(action: str, **params: Any) -> Any:
    """Call an action as the site user (a sysadmin that exists: the activity
    plugin needs a real user for updates and deletes)."""
    site_user = helpers.call_action("get_site_user")
    return helpers.call_action(action, context={"user": site_user["name"]}, **params)


def names(result: dict[str, Any]) -> list[str]:
    """Dataset names of a package_search result, in result order."""
    return [r["name"] for r in result["results"]]


def name_set(result: dict[str, Any]) -> set[str]:
    return set(names(result))


def facet(result: dict[str, Any], field: str) -> dict[str, int]:
    """``{value: count}`` of one facet field, in the backend's order."""
    return result["facets"][field]


# -- the index, through the connection CKAN uses ----------------------------------
def indexed(fq: str = "", **params: Any) -> list[dict[str, Any]]:
    """Every indexed document matching ``fq`` (no permission filter, no site
    filter), as ``make_connection().search`` returns them: what CKAN, the
    CLI and ckanext-harvest see of the index."""
    params.setdefault("fl", "id name site_id state")
    params.setdefault("rows", 100000)
    if fq:
        params["fq"] = fq
    # looked up at call time: the plugin rebinds ``make_connection`` when it
    # loads (a name imported earlier would still be CKAN's Solr connection)
    return list(search_common.make_connection().search("*:*", **params).docs)


def indexed_names(fq: str = "") -> set[str]:
    return {doc["name"] for doc in indexed(fq)}


def execute(sql: str, **params: Any) -> None:
    """Raw SQL on CKAN's tables; the session's cached objects are expired so
    that CKAN reads the new values."""
    model.Session.execute(sa.text(sql), params)
    model.Session.commit()
    model.Session.expire_all()


def set_dates(dataset_id: str, modified: Optional[datetime] = None,
              created: Optional[datetime] = None) -> None:
    """Give a dataset fixed (naive UTC, as CKAN stores them) modification and
    creation dates in the database, then let CKAN re-index it."""
    if modified is not None:
        execute("UPDATE package SET metadata_modified = :d WHERE id = :id",
                d=modified, id=dataset_id)
    if created is not None:
        execute("UPDATE package SET metadata_created = :d WHERE id = :id",
                d=created, id=dataset_id)
    search.rebuild(dataset_id)


# -- a test-only plugin adding fields at index time ---------------------------
@pytest.fixture
def scdl_index_plugin():
    """Load ``opendatalocale_test_index_fields`` (tests/plugins.py, declared
    under CKAN's ``ckan.test_plugins`` entry points) for one test: CKAN's own
    ``index_package`` then calls its ``before_dataset_index``."""
    plugin = p.load("opendatalocale_test_index_fields")
    assert plugin in list(p.PluginImplementations(p.IPackageController))
    yield plugin
    p.unload("opendatalocale_test_index_fields")
