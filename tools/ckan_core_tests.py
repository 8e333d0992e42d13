"""Run CKAN 2.11.6's own search-related tests against ``opendatalocale_search``.

Usage: python tools/ckan_core_tests.py [pytest options]
(``make test-ckan-core``; CKAN_SQLALCHEMY_URL and CKAN_REDIS_URL choose the
database and Redis, as for ``make test``.)

The tests are read from the installed CKAN package, unchanged; this file is
the pytest plugin that puts them on our backend, as CKAN's own
``test-core.ini`` and data files would put them on Solr:

- ``opendatalocale_search`` is treated as a *system* plugin, like CKAN's
  ``synchronous_search``: loaded with every test's plugins and never unloaded
  between tests (CKAN's harness unloads every other plugin before each test).
  The index and every query then go to PostgreSQL; ``solr_url`` in
  ``test-ckan-core.ini`` points where no Solr listens.
- CKAN's ``reset_db`` drops the plugin's tables with the others: they are
  migrated back after each reset, as ``tests/conftest.py`` does for the suite.
- Two data files of ``lib/search/test_search.py`` are missing from the wheel:
  copies from CKAN's repository live in ``tools/ckan_core_data/``.
- The tests that need a Solr server itself are skipped with their reason
  (:data:`SOLR_ONLY`): ``-rs`` lists them.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "ckan_core_data"
PLUGIN = "opendatalocale_search"

# CKAN's test files that index or search (paths under ckan/tests/)
FILES = [
    "lib/search",
    "logic/action/test_get.py",
    "logic/action/test_create.py",
    "logic/action/test_update.py",
    "logic/action/test_delete.py",
    "controllers/test_package.py",
    "controllers/test_group.py",
    "controllers/test_organization.py",
    "controllers/test_home.py",
    "controllers/test_admin.py",
    "controllers/test_api.py",
    "controllers/test_feed.py",
    "controllers/test_pagination.py",
    "cli/test_search_index.py",
]

# test ids (under ckan/tests/) that need a Solr server itself, and why
SOLR_ONLY = {
    "lib/search/test_search.py::test_allowed_local_params_via_config":
        "runs Solr's own query parsers through local parameters ({!bool must=…}, "
        "{!lucene q.op=AND}), which this backend does not implement",
    "controllers/test_package.py::TestPackageNew::test_new_indexerror":
        "points solr_url at a server that does not answer and expects the "
        "dataset's creation to fail: the backend does not use solr_url",
    "controllers/test_api.py::test_package_search_connection_errors":
        "points solr_url at an unknown host and expects a Search Connection "
        "Error: the backend does not use solr_url",
}


def ckan_tests() -> Path:
    import ckan.tests
    return Path(ckan.tests.__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    import ckan.plugins.core as core
    import ckan.tests.helpers as test_helpers

    find_system_plugins = core.find_system_plugins

    def with_search_backend() -> list[str]:
        return find_system_plugins() + [PLUGIN]

    core.find_system_plugins = with_search_backend

    reset_db = test_helpers.reset_db

    def reset_db_and_index_tables() -> None:
        from ckan.cli.db import _run_migrations
        reset_db()
        _run_migrations(PLUGIN)

    test_helpers.reset_db = reset_db_and_index_tables


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """The index tables, for the tests that run before any database reset."""
    from ckan.cli.db import _run_migrations
    _run_migrations(PLUGIN)


def pytest_collection_modifyitems(config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    base = ckan_tests()
    for item in items:
        path = Path(str(item.path)).resolve()
        module = getattr(item, "module", None)  # test functions have one
        if module is not None and path == base / "lib" / "search" / "test_search.py":
            module.data_dir = str(DATA)  # read by the test at run time
        try:
            local = path.relative_to(base).as_posix()
        except ValueError:
            continue
        name = item.name.split("[")[0]
        owner = getattr(item, "cls", None)
        cls = owner.__name__ + "::" if owner else ""
        reason = SOLR_ONLY.get(f"{local}::{cls}{name}")
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"needs a Solr server: {reason}"))


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    base = ckan_tests()
    args = ["--ckan-ini", str(ROOT / "test-ckan-core.ini"), "-c", os.devnull,
            "--rootdir", str(base.parent.parent), "-p", "no:cacheprovider",
            "-rfEs", "-q", "-p", "no:warnings",
            *[str(base / f) for f in FILES], *argv]
    return pytest.main(args, plugins=[sys.modules[__name__]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
