"""DCAT catalogue benchmark: ``/catalog.ttl`` and its siblings with SCDL datasets.

On its own bench database (emptied first, like bench/report), with CKAN's test.ini:

1. set-up: loads département 35 from the COG with the bulk loader (its
   région, EPCI and ≈330 communes as organisations), then creates N SCDL
   datasets (default 1 000) through the real ``package_create`` as a
   sysadmin, spread over the communes, types cycling over délibérations,
   subventions, budget and équipements, each with one linked CSV whose
   ``schema`` is the canonical URL of the type's default version, frequency
   ANNUAL, Licence Ouverte 2.0, temporal coverage from 2025-01-01 (files
   created with their dataset are not validated: every dataset is non-valide);
2. measures, through the whole WSGI stack of ``make_app`` (anonymous
   requests, body read in full), median and p95 over several runs after one
   warm-up: the catalogue's page 1 (100 datasets, ``ckanext.dcat.datasets_per_page``)
   and page 5 in Turtle, a filtered page (the délibérations of Rennes
   Métropole's communes), page 1 in JSON-LD and RDF/XML, and
   page 1 with ckanext-dcat's stock profile (``euro_dcat_ap_3``) for
   comparison when it runs on this portal; then the cost per dataset of
   page 1 and the number of SQL statements of one page-1 request.

A benchmark, not a test: it prints figures and asserts nothing about time.

Usage: python bench/dcat/run.py COG_DATA_FOLDER [N]
(the data folder of @etalab/decoupage-administratif, see `make cog`;
environment: CKAN_SQLALCHEMY_URL pointing at the bench database
opendatalocale_bench_dcat, CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[2]
DATASETS = 1000            # SCDL datasets created (argv[2] overrides)
RUNS = 10                  # timed requests of each page, after one warm-up
DEPARTEMENT = "35"
TYPES = ("deliberations", "subventions", "budget", "equipements")
SYSADMIN = "bench-sysadmin"
FILTER = "dataset_type:deliberations AND vocab_territories:epci-243500139"
STOCK_PROFILE = "euro_dcat_ap_3"
PAGES = [
    ("/catalog.ttl page 1", "/catalog.ttl"),
    ("/catalog.ttl?page=5", "/catalog.ttl?page=5"),
    ("/catalog.ttl?fq=deliberations of an EPCI",
     "/catalog.ttl?" + urlencode({"fq": FILTER}, quote_via=quote)),
    ("/catalog.jsonld page 1", "/catalog.jsonld"),
    ("/catalog.rdf page 1", "/catalog.rdf"),
    (f"/catalog.ttl page 1, {STOCK_PROFILE}", f"/catalog.ttl?profiles={STOCK_PROFILE}"),
]
RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
DCAT, HYDRA = "http://www.w3.org/ns/dcat#", "http://www.w3.org/ns/hydra/core#"
# CKAN tables this bench writes to (users are kept), and the validations
TABLES = ("package_tag, resource, resource_view, package_extra, package_member, tag, member, "
          "package, group_extra, \"group\", activity_detail, activity, "
          "opendatalocale_search_index, opendatalocale_search_document, "
          "opendatalocale_validation")


# -- helpers ------------------------------------------------------------------------

def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def autocommit_sql(engine, *statements: str) -> None:
    import ckan.model as model
    model.Session.remove()  # an open ORM transaction would block TRUNCATE
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            conn.exec_driver_sql(statement)


def reset(engine) -> None:
    """Empty what the bench writes, the search count cache and the jobs queue."""
    from ckan.lib import jobs
    from ckan.lib.redis import connect_to_redis
    autocommit_sql(engine, f"TRUNCATE {TABLES} CASCADE")
    redis = connect_to_redis()
    for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
        redis.delete(key)
    jobs.get_queue().empty()


def ensure_sysadmin() -> None:
    import ckan.model as model
    from ckan.logic import get_action
    if model.User.get(SYSADMIN) is None:
        get_action("user_create")({"ignore_auth": True}, {
            "name": SYSADMIN, "email": "bench-sysadmin@example.org",
            "password": "bench-password-123"})
    model.User.get(SYSADMIN).sysadmin = True
    model.Session.commit()


# -- 1. set-up -----------------------------------------------------------------------

def load_departement(engine, source: str) -> list[str]:
    """Département 35 as organisations; the names of its communes."""
    from ckanext.opendatalocale.territories import cog, loader

    cog_data = cog.read(source)
    changes = loader.load_in_transaction(engine, cog_data,
                                         cog_data.scope(departement=DEPARTEMENT))
    with engine.connect() as conn:
        communes = conn.exec_driver_sql(
            "SELECT name FROM \"group\" WHERE is_organization AND state = 'active' "
            "AND name LIKE 'commune-%%' ORDER BY name").scalars().all()
    print(f"territories: {changes.created} organisations created, "
          f"{len(communes)} communes", flush=True)
    return communes


def create_datasets(count: int, communes: list[str]) -> None:
    from ckan.lib import jobs
    from ckan.logic import get_action

    from ckanext.opendatalocale.scdl.catalogue import catalogue

    schemas = {kind: catalogue().get(kind).latest.schema_url for kind in TYPES}
    start = time.perf_counter()
    for n in range(count):
        kind = TYPES[n % len(TYPES)]
        name = f"bench-{kind}-{n:05d}"
        get_action("package_create")({"ignore_auth": True, "user": SYSADMIN}, {
            "type": kind, "name": name, "title": f"{kind.capitalize()} {n}",
            "notes": "Jeu de données du banc d'essai DCAT.",
            "owner_org": communes[(n * 7) % len(communes)],
            "frequency": "ANNUAL", "license_id": "lov2", "temporal_start": "2025-01-01",
            "resources": [{"name": f"{name}.csv", "url": f"https://example.org/{name}.csv",
                           "format": "CSV", "schema": schemas[kind]}]})
    seconds = time.perf_counter() - start
    print(f"set-up: {count} package_create in {seconds:.1f} s "
          f"({seconds / count * 1000:.0f} ms each); validation jobs queued: "
          f"{jobs.get_queue().count}", flush=True)


# -- 2. measures ---------------------------------------------------------------------

def described(url: str, body: bytes) -> str:
    """The datasets of a page and hydra:totalItems, read back with rdflib."""
    from rdflib import RDF, Graph, URIRef
    graph = Graph().parse(data=body, format=RDF_FORMATS[url.split("?")[0].rsplit(".", 1)[1]])
    total = next(graph.objects(None, URIRef(HYDRA + "totalItems")), 0)
    datasets = set(graph.subjects(RDF.type, URIRef(DCAT + "Dataset")))
    return f"{len(datasets)} datasets of {total}"


def failure(flask_app, client, base_url: str, url: str, error: Exception) -> str:
    """Why a page cannot run: the exception the test app propagates, and the
    status a visitor gets (asked again with exceptions handled, unlogged)."""
    flask_app.config["PROPAGATE_EXCEPTIONS"] = False
    logging.disable(logging.ERROR)
    try:
        status = client.get(url, base_url=base_url).status_code
    finally:
        logging.disable(logging.NOTSET)
        flask_app.config["PROPAGATE_EXCEPTIONS"] = None
    return (f"status {status} ({type(error).__module__}.{type(error).__name__}: "
            f"{str(error)[:100]})")


def bench_pages(flask_app, client, base_url: str) -> dict[str, float]:
    print(f"\n== 2. Catalogue pages (whole WSGI stack, anonymous), {RUNS} runs after "
          "1 warm-up ==", flush=True)
    print(f"{'what':44s} | {'median ms':>9s} | {'p95 ms':>8s} | note\n" + "-" * 100)
    medians = {}
    for label, url in PAGES:
        def get(url=url):
            response = client.get(url, base_url=base_url)
            return response.status_code, response.get_data()
        try:
            status, body = get()
        except Exception as error:  # the stock profile may not run here
            print(f"{label:44s} | cannot run: "
                  f"{failure(flask_app, client, base_url, url, error)}", flush=True)
            continue
        if status != 200:
            reason = body.decode("utf-8", "replace").strip()[:100]
            print(f"{label:44s} | cannot run: status {status} ({reason})", flush=True)
            continue
        times, statuses = [], set()
        for _ in range(RUNS):
            start = time.perf_counter()
            statuses.add(get()[0])
            times.append((time.perf_counter() - start) * 1000)
        median, p95 = median_p95(times)
        medians[url] = median
        notes = [f"{len(body) / 1024:.0f} KiB", described(url, body)]
        if statuses != {200}:
            notes.append(f"STATUS {sorted(statuses)}")
        print(f"{label:44s} | {median:9.1f} | {p95:8.1f} | {'; '.join(notes)}", flush=True)
    return medians


def count_statements(client, base_url: str, url: str) -> Counter:
    """SQL statements sent to PostgreSQL by one request, by text."""
    import ckan.model as model
    from sqlalchemy import event

    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))
    event.listen(model.meta.engine, "before_cursor_execute", listener)
    try:
        client.get(url, base_url=base_url).get_data()
    finally:
        event.remove(model.meta.engine, "before_cursor_execute", listener)
    return Counter(statements)


# -- main ----------------------------------------------------------------------------

def main(source: str, count: int) -> None:
    # never the databases and Redis dbs of the tests, the other benches and `make serve`
    database = os.environ.get("CKAN_SQLALCHEMY_URL", "").rsplit("/", 1)[-1]
    redis_db = os.environ.get("CKAN_REDIS_URL", "").rsplit("/", 1)[-1]
    if database in ("", "opendatalocale", "opendatalocale_test", "opendatalocale_regress",
                    "opendatalocale_bench") or not redis_db.isdigit() or int(redis_db) < 5:
        sys.exit("set CKAN_SQLALCHEMY_URL to opendatalocale_bench_dcat and CKAN_REDIS_URL "
                 "to Redis db 5 (see the usage above)")
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    app = make_app(load_config(str(ROOT / "test.ini")))
    # each package_create warns that test.ini's default views are not loaded
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    flask_app = getattr(app, "_wsgi_app", app)
    engine = model.meta.engine
    with engine.connect() as conn:
        postgres = conn.exec_driver_sql("SHOW server_version").scalar()
    print(f"DCAT catalogue benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, PostgreSQL {postgres}, {os.cpu_count()} cores, "
          f"database {engine.url.database}")
    print(f"\n== 1. Set-up: département {DEPARTEMENT}, {count} SCDL datasets ==", flush=True)
    start = time.perf_counter()
    with flask_app.test_request_context():
        reset(engine)
        ensure_sysadmin()
        communes = load_departement(engine, source)
        create_datasets(count, communes)
        autocommit_sql(engine, "ANALYZE")
    print(f"set-up in all: {time.perf_counter() - start:.1f} s", flush=True)

    # a client of the whole WSGI stack (CKAN's middleware sets the language)
    client = Client(app, flask_app.response_class)
    base_url = config["ckan.site_url"]
    per_page = int(config.get("ckanext.dcat.datasets_per_page") or 100)
    medians = bench_pages(flask_app, client, base_url)
    print(f"\n== 3. Page 1 ({per_page} datasets per page) ==")
    if "/catalog.ttl" in medians:
        print(f"per dataset: {medians['/catalog.ttl'] / per_page:.2f} ms "
              f"(median of page 1 / {per_page})")
    statements = count_statements(client, base_url, "/catalog.ttl")
    print(f"SQL statements of one /catalog.ttl page-1 request: {sum(statements.values())} "
          f"({len(statements)} distinct); the most repeated:")
    for statement, times in statements.most_common(3):
        print(f"  {times:4d} x {statement[:110]}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else DATASETS)
