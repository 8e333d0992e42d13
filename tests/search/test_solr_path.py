"""With ``opendatalocale_search`` unloaded, CKAN's Solr path is untouched:
``make_connection`` (under every name CKAN and extensions imported it) gives
a real pysolr connection to ``solr_url`` again."""
from __future__ import annotations

import pysolr
import pytest

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.plugins as plugins
from ckanext.opendatalocale.search.backend import PostgresSolr

PLUGIN = "opendatalocale_search"
# no other plugin goes with it (the observatoire reads a summary of its own)


def unload_backend() -> None:
    plugins.unload(PLUGIN)


def reload_backend() -> None:
    plugins.load(PLUGIN)

SOLR_URL = "http://solr.example.invalid:8983/solr/ckan"


@pytest.mark.ckan_config("solr_url", SOLR_URL)
def test_unloading_the_plugin_gives_back_solr():
    assert isinstance(common.make_connection(), PostgresSolr)
    unload_backend()
    try:
        assert not plugins.plugin_loaded(PLUGIN)
        for module in (common, search_index, search_query):
            connection = module.make_connection()
            assert isinstance(connection, pysolr.Solr), module.__name__
            assert connection.url == SOLR_URL
        assert isinstance(common.make_connection(decode_dates=False), pysolr.Solr)
    finally:
        reload_backend()
    assert plugins.plugin_loaded(PLUGIN)
    for module in (common, search_index, search_query):
        assert isinstance(module.make_connection(), PostgresSolr), module.__name__


@pytest.mark.ckan_config("solr_url", SOLR_URL)
def test_without_the_plugin_searches_go_to_solr():
    """Nothing answers at solr_url: CKAN's own Solr error shows the request
    went to Solr, not to PostgreSQL."""
    unload_backend()
    try:
        with pytest.raises(common.SolrConnectionError):
            search.PackageSearchQuery().run({"q": "*:*"})
    finally:
        reload_backend()
    result = search.PackageSearchQuery().run({"q": "*:*"})
    assert result["count"] >= 0


def test_plugin_keeps_every_index_and_query_path_on_postgresql():
    """The classes CKAN core reaches by name use the same connection."""
    assert isinstance(search_index.make_connection(), PostgresSolr)
    assert isinstance(search_query.make_connection(), PostgresSolr)
    assert search.index_for("Package").__class__ is search_index.PackageSearchIndex


def test_names_imported_before_the_plugin_loaded_are_rebound(monkeypatch):
    """ckanext-harvest does ``from ckan.lib.search.common import make_connection``
    at import time (for ``harvest_source_clear``): a module that bound CKAN's
    Solr function before the plugin installed itself reaches PostgreSQL too."""
    import sys
    import types

    from ckanext.opendatalocale.search import swap

    harvest_like = types.ModuleType("ckanext.harvest_like.logic.action.update")
    harvest_like.make_connection = swap._solr_make_connection
    monkeypatch.setitem(sys.modules, harvest_like.__name__, harvest_like)
    swap.install()
    assert harvest_like.make_connection is swap.make_connection
    assert isinstance(harvest_like.make_connection(), PostgresSolr)
