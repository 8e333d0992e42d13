"""A load never depends on the statistics PostgreSQL happens to have: it
gathers them on what it wrote, in its own transaction (a new portal's
database, with none yet, hung over 300 s loading France), and still loads,
with a warning, when its database user may not gather them."""
from __future__ import annotations

import logging
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model

from ckanext.opendatalocale.territories import cog, loader, table

from .conftest import COG

pytestmark = pytest.mark.usefixtures("clean_db")


def estimated_rows(table: str) -> float:
    return model.Session.execute(sa.text(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}).scalar()


def test_the_load_leaves_statistics_of_what_it_wrote():
    territories = cog.read(COG)
    # CKAN's clean_db may leave the plugin's table as an earlier test filled it
    model.Session.execute(sa.text("DELETE FROM opendatalocale_territory"))
    model.Session.execute(sa.text('ANALYZE "group", group_extra, member, '
                                  "opendatalocale_territory"))
    model.Session.commit()
    before = estimated_rows("opendatalocale_territory")
    loader.load_in_transaction(model.meta.engine, territories,
                               territories.scope(region="53"))
    written = model.Session.execute(sa.text(
        "SELECT count(*) FROM opendatalocale_territory")).scalar()
    assert written > 300 and before <= 0  # empty (or never analyzed) before
    assert estimated_rows("opendatalocale_territory") == written
    assert estimated_rows("group_extra") >= written * 4


@pytest.fixture
def limited_engine():
    """The same database through a user who may write CKAN's tables but owns
    none of them (so may not ANALYZE them)."""
    role = "odl_limited_" + uuid.uuid4().hex[:8]
    url = model.meta.engine.url
    with model.meta.engine.connect() as connection:
        connection.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        connection.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES "
                                   f"IN SCHEMA public TO {role}"))
        connection.execute(sa.text("COMMIT"))
    engine = sa.create_engine(url.set(username=role, password=None))
    yield engine
    engine.dispose()
    with model.meta.engine.connect() as connection:
        connection.execute(sa.text(f"REASSIGN OWNED BY {role} TO {url.username}"))
        connection.execute(sa.text(f"DROP OWNED BY {role}"))
        connection.execute(sa.text(f"DROP ROLE {role}"))
        connection.execute(sa.text("COMMIT"))


def test_a_user_who_may_not_analyze_still_loads_with_a_warning(limited_engine, caplog,
                                                               monkeypatch):
    territories = cog.read(COG)
    # CKAN's logging set-up disables the loggers created before it
    monkeypatch.setattr(table.log, "disabled", False)
    with caplog.at_level(logging.WARNING, logger=table.__name__):
        changes = loader.load_in_transaction(limited_engine, territories,
                                             territories.scope(departement="35"))
    assert changes.created > 300
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM opendatalocale_territory")).scalar() == changes.created
    [warning] = [r for r in caplog.records if "may not ANALYZE" in r.getMessage()]
    assert warning.levelname == "WARNING" and "skipping" in warning.getMessage()
