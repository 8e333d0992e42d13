"""Territories loaded from the fixture COG (tests/territories/cog: real
entries of @etalab/decoupage-administratif 6.0.0, see tools/cog_fixture.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

COG = Path(__file__).parent / "cog"


def load(scope: dict, source: Path = COG):
    """Load a scope of the COG the way the command does, in one transaction."""
    import ckan.model as model
    from ckanext.opendatalocale.territories import cog, loader

    territories = cog.read(source)
    changes = loader.load_in_transaction(model.meta.engine, territories,
                                         territories.scope(**scope))
    model.Session.expire_all()
    return changes


@pytest.fixture
def bretagne(clean_db):
    """Région 53: the départements 22, 35 and 56 of the fixture, their EPCI
    (Côte d'Émeraude spans 22 and 35, Redon Agglomération 35, 44 and 56) and
    communes (Île-de-Bréhat has no EPCI)."""
    return load({"region": "53"})


@pytest.fixture(scope="module")
def region_53_once(reset_db, migrate_db_for):
    """Région 53 loaded once for a module whose tests leave the tree as it
    is (a load takes seconds; CKAN's ``clean_db`` is per test)."""
    from ckan import plugins
    from ..conftest import MIGRATED_PLUGINS
    plugins.load_all()
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
    load({"region": "53"})
    yield
    plugins.unload_non_system_plugins()


def org(name: str) -> dict:
    from ckan.plugins import toolkit as tk
    return tk.get_action("organization_show")({"ignore_auth": True}, {"id": name})
