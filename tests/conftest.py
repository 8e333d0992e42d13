"""Fixtures shared by the whole suite (CKAN's pytest plugin provides the rest:
``app``, ``with_plugins``, ``ckan_config``…)."""
from __future__ import annotations

import pytest

# plugins with alembic migrations, in the order they must be applied
MIGRATED_PLUGINS = ("activity", "opendatalocale_search")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's ``clean_db`` drops plugin tables: migrate them back."""
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)


@pytest.fixture(autouse=True)
def suite_plugins(with_plugins):
    """Every test runs with the plugins of test.ini loaded."""
