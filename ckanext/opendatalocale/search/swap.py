"""Put the PostgreSQL backend behind CKAN's one door to Solr.

Everything CKAN (and ckanext-harvest, ckanext-dcat…) does with the search
index goes through ``ckan.lib.search.common.make_connection()``: the index and
query classes reached through ``_INDICES``/``_QUERIES``, the ones reached by
name (``search.PackageSearchQuery()`` in core's group counts and bulk updates,
``from ckan.lib.search.index import PackageSearchIndex`` in ckanext-harvest),
``search-index clear`` and harvest's own delete-by-query. Replacing that
function, and the module attributes that were bound to it at import time,
sends all of them to :class:`PostgresSolr` while CKAN's code stays unchanged.

The replacement asks at every call whether ``opendatalocale_search`` is
loaded: with the plugin off, CKAN's own Solr connection is used untouched.
"""
from __future__ import annotations

import sys

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.plugins as plugins
from ckan.common import config

from .backend import PostgresSolr

__all__ = ["install", "active"]

PLUGIN = "opendatalocale_search"
_solr_make_connection = common.make_connection
_solr_check_schema_version = search.check_solr_schema_version


def active() -> bool:
    return plugins.plugin_loaded(PLUGIN)


def make_connection(decode_dates: bool = True):
    if active():
        return PostgresSolr(decode_dates)
    return _solr_make_connection(decode_dates)


def configured() -> bool:
    """The portal's configuration enables the plugin (it may be unloaded for a
    moment, as CKAN's test harness does between tests)."""
    return PLUGIN in config.get("ckan.plugins", [])


def check_solr_schema_version(schema_file=None) -> bool:
    if (active() or configured()) and schema_file is None:
        return False  # no Solr to check
    return _solr_check_schema_version(schema_file)


def install() -> None:
    """Idempotent: rebinds every imported ``make_connection`` to ours (modules
    imported later get ours from ``ckan.lib.search.common``)."""
    search.check_solr_schema_version = check_solr_schema_version
    for module in list(sys.modules.values()):
        try:
            bound = getattr(module, "make_connection", None) is _solr_make_connection
        except Exception:  # modules with exotic attribute lookup
            continue
        if bound:
            setattr(module, "make_connection", make_connection)
