"""A real harvest: our portal served on 127.0.0.1, harvested into a second
CKAN (its own database, plain CKAN types, ckanext-dcat's stock DCAT-AP
profile) by ckanext-harvest's ``ckan harvester run-test`` with ckanext-dcat's
RDF harvester, in separate processes as a portal would run them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import sqlalchemy as sa
from psycopg2 import sql

from .conftest import SUBVENTIONS_URL, UNKNOWN_SCHEMA

pytestmark = pytest.mark.usefixtures("with_request_context")

CKAN = str(Path(sys.executable).parent / "ckan")
CKANAPI = str(Path(sys.executable).parent / "ckanapi")


RECEIVING_SITE_ID = "receiving-portal"


def _target_urls() -> tuple[str, str]:
    """The receiving portal's database (beside the test database) and Redis:
    the test's own database, where its keys and queues are apart, named by
    its site id (each test worker has one Redis database: tests/conftest.py)."""
    parts = urlsplit(os.environ.get("CKAN_SQLALCHEMY_URL")
                     or "postgresql://postgres@127.0.0.1:5432/opendatalocale_test")
    database = urlunsplit(parts._replace(path=parts.path + "_harvest"))
    return database, os.environ.get("CKAN_REDIS_URL") or "redis://127.0.0.1:6379/1"


def _forget_receiving_keys(url: str) -> None:
    """No harvest job or queue left from an earlier run of the receiving portal."""
    import redis as redis_client
    connection = redis_client.Redis.from_url(url)
    keys = list(connection.scan_iter(f"*{RECEIVING_SITE_ID}*"))
    if keys:
        connection.delete(*keys)


def _fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


PLAIN_CKAN = "opendatalocale_search harvest dcat dcat_rdf_harvester"
WITH_THE_SUITE = ("activity opendatalocale_search scheming_datasets opendatalocale_datasets "
                  "opendatalocale_validation opendatalocale_territories harvest dcat "
                  "dcat_rdf_harvester opendatalocale_dcat")


@pytest.fixture
def receiving_portal(tmp_path, request):
    """A second CKAN (plugins: the test's parameter): its config, database and
    Redis; ``run(*args)`` runs a ``ckan`` command against it. Our search
    backend stands in for Solr, which this machine does not have."""
    plugins = request.param
    database, redis = _target_urls()
    _fresh_database(database)
    _forget_receiving_keys(redis)
    ini = tmp_path / "receiving.ini"
    ini.write_text(f"""[app:main]
use = egg:ckan
SECRET_KEY = receiving-portal-test
ckan.site_id = {RECEIVING_SITE_ID}
ckan.site_url = http://receiving.localhost
sqlalchemy.url = {database}
ckan.redis.url = {redis}
ckan.storage_path = {tmp_path / "storage"}
ckan.plugins = {plugins}
ckan.harvest.mq.type = redis
ckan.harvest.mq.hostname = {urlsplit(redis).hostname}
ckan.harvest.mq.port = {urlsplit(redis).port}
ckan.harvest.mq.redis_db = {urlsplit(redis).path.lstrip("/")}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
""", encoding="utf-8")
    env = {**os.environ, "CKAN_SQLALCHEMY_URL": database, "CKAN_REDIS_URL": redis,
           "CKAN_INI": str(ini),
           "PATH": os.pathsep.join([str(Path(CKAN).parent), os.environ.get("PATH", "")])}

    def run(*args: str, command: str = CKAN) -> str:
        argv = ([command, "-c", str(ini), *args] if command == CKAN
                else [command, *args, "-c", str(ini)])
        done = subprocess.run(argv, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{command} {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    run("db", "init")
    run("db", "upgrade")
    engine = sa.create_engine(database)
    yield run, engine
    engine.dispose()


def harvest(run, live_server: str) -> None:
    run("action", "organization_create", "name=moissonneur", "title=Moissonneur",
        command=CKANAPI)
    run("harvester", "source", "create", "portail-scdl", f"{live_server}/catalog.ttl",
        "dcat_rdf", "Portail SCDL d'Ille-et-Vilaine", "true", "moissonneur")
    run("harvester", "run-test", "portail-scdl")


@pytest.mark.parametrize("receiving_portal", [PLAIN_CKAN], indirect=True)
def test_a_dcat_harvest_brings_the_scdl_datasets_with_their_schema(
        app, portal, live_server, receiving_portal):
    """Into a CKAN without our suite: plain datasets that keep the schema
    URL, territory and publisher in ckanext-dcat's fields."""
    run, engine = receiving_portal
    harvest(run, live_server)

    with engine.connect() as db:
        datasets = {row.title: row for row in db.execute(sa.text(
            "SELECT id, title, type FROM package WHERE state = 'active' "
            "AND type = 'dataset'"))}
        assert set(datasets) == {"subventions-rennes", "subventions-cesson",
                                 "arbres-metropole"}

        def extras(title: str) -> dict[str, str]:
            return dict(db.execute(sa.text(
                "SELECT key, value FROM package_extra WHERE package_id = :id "
                "AND state = 'active'"), {"id": datasets[title].id}).all())

        def resources(title: str) -> list[dict]:
            return [row[0] or {} for row in db.execute(sa.text(
                "SELECT extras FROM resource WHERE package_id = :id AND state = 'active'"),
                {"id": datasets[title].id})]

        rennes = extras("subventions-rennes")
        assert json.loads(rennes["conforms_to"]) == [SUBVENTIONS_URL]
        assert rennes["spatial_uri"] == "http://id.insee.fr/geo/commune/35238"
        assert rennes["publisher_identifier"] == "213502388"
        assert rennes["frequency"].endswith("/frequency/ANNUAL")
        [file] = resources("subventions-rennes")
        extra = json.loads(file) if isinstance(file, str) else file
        assert json.loads(extra["conforms_to"]) == [SUBVENTIONS_URL]

        other = extras("arbres-metropole")
        assert "conforms_to" not in other
        [file] = resources("arbres-metropole")
        extra = json.loads(file) if isinstance(file, str) else file
        assert UNKNOWN_SCHEMA not in json.dumps(extra)


@pytest.mark.parametrize("receiving_portal", [WITH_THE_SUITE], indirect=True)
def test_a_portal_with_the_suite_gets_the_scdl_types_back(
        app, portal, live_server, receiving_portal):
    """Into a CKAN with our suite (its default profile is ours): the SCDL
    type, the schema and version of each file, the frequency and territory."""
    run, engine = receiving_portal
    harvest(run, live_server)
    with engine.connect() as db:
        types = dict(db.execute(sa.text(
            "SELECT title, type FROM package WHERE state = 'active' "
            "AND type <> 'harvest'")).all())
        assert types == {"subventions-rennes": "subventions",
                         "subventions-cesson": "subventions",
                         "arbres-metropole": "dataset"}
        rennes = dict(db.execute(sa.text(
            "SELECT e.key, e.value FROM package_extra e JOIN package p ON p.id = e.package_id "
            "WHERE p.title = 'subventions-rennes' AND e.state = 'active'")).all())
        assert rennes["frequency"] == "ANNUAL"
        assert rennes["territory_code"] == "35238"
        [extra] = [row[0] for row in db.execute(sa.text(
            "SELECT r.extras FROM resource r JOIN package p ON p.id = r.package_id "
            "WHERE p.title = 'subventions-rennes' AND r.state = 'active'"))]
        extra = json.loads(extra) if isinstance(extra, str) else extra
        assert extra["schema"] == SUBVENTIONS_URL
        assert extra["schema_version"] == "2.1.1"
