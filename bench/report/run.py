"""Observatoire benchmark: the report at the scale of France (`make bench-report`).

On the bench database (shared with bench/territories and bench/search, emptied
first), with CKAN's test.ini:

1. set-up: loads every territory of the COG (≈36 400 régions, départements,
   EPCI and communes) as organisations with the bulk loader, which also
   rewrites ``opendatalocale_territory``, the one-row-per-territory relation
   the report reads (filled here if the loader did not);
2. set-up: writes 100 000 synthetic SCDL datasets straight into the narrow
   search index table ``opendatalocale_search_index`` with COPY: skewed over
   communes (large communes publish more, most small ones nothing), the ten
   SCDL types, 10 % private, every status represented (conformity and
   declared frequency in ``facets``, modification dates over three years).
   The report reads only that table, so there are no rows in CKAN's
   ``package`` tables, nor in the wide ``opendatalocale_search_document``
   table (which references the narrow one, not the reverse): package pages
   and ``package_search`` on this database see no usable datasets;
3. measures ``compliance.build`` directly (pure server time: two SQL queries
   and the roll-up) for France, a région, a département, an EPCI and the
   communes of a département; then the observatoire pages, a CSV export and
   the API action through the whole WSGI stack of ``make_app`` (anonymous
   requests, body read in full): median and p95 over several runs after one
   warm-up. Also checks that the France totals look right and that private
   datasets are not counted.

A benchmark, not a test: it prints figures and asserts nothing about time
(targets of the issue: France < 1 s median, a territory page < 300 ms median).

Usage: python bench/report/run.py COG_DATA_FOLDER
(the data folder of @etalab/decoupage-administratif, see `make cog`;
environment: CKAN_SQLALCHEMY_URL pointing at the bench database,
CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
DATASETS = 100_000
RUNS = 15                  # timed runs of each measure, after one warm-up
PRIVATE_SHARE = 0.10       # private datasets: they must not count
YEARS = 3                  # metadata_modified spread over the last YEARS years
SEED = 2026
FRANCE_TARGET_MS = 1000
TERRITORY_TARGET_MS = 300
ONE_TYPE = "deliberations"
# CKAN tables the benches write to; users are kept
TABLES = ("package_tag, resource, resource_view, package_extra, package_member, tag, member, "
          "package, group_extra, \"group\", activity_detail, activity, "
          "opendatalocale_search_index, opendatalocale_search_document")
# (what, root organisation, types: None for all, level)
BUILDS = [
    ("build: France, all types", None, None, None),
    (f"build: France, {ONE_TYPE}", None, [ONE_TYPE], None),
    ("build: région 53 (Bretagne)", "region-53", None, None),
    ("build: département 35", "departement-35", None, None),
    ("build: EPCI Rennes Métropole", "epci-243500139", None, None),
    ("build: dép. 35, level=commune", "departement-35", None, "commune"),
]
PAGES = [
    ("GET /observatoire", "/observatoire"),
    ("GET région 53", "/observatoire/region-53"),
    ("GET département 35", "/observatoire/departement-35"),
    ("GET EPCI Rennes Métropole", "/observatoire/epci-243500139"),
    ("GET EPCI, deliberations+invalide",
     "/observatoire/epci-243500139?type=deliberations&status=invalide"),
    ("GET département 35 .csv", "/observatoire/departement-35.csv"),
    ("API scdl_compliance_show dép. 35",
     "/api/3/action/scdl_compliance_show?territory=departement-35"),
]
# synthetic datasets: conformity word of the validation plugin (None: never
# indexed with one) and the frequency declared, with their weights
CONFORMITY = {"conforme": 40, "invalide": 20, "non-valide": 25, "en-cours": 5, None: 10}
OTHER_FREQUENCIES = {"IRREG": 15, "CONT": 5, "ANNUAL": 5, "MONTHLY": 5}
TYPE_WEIGHTS = {"deliberations": 30, "budget": 15, "subventions": 12, "equipements": 10,
                "catalogue": 8, "prenoms": 7, "menus-collectifs": 5,
                "plats-menus-collectifs": 3, "irve": 5, "dae": 5}


# -- helpers ------------------------------------------------------------------------

def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def stopwatch(fn: Callable, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def repeat(fn: Callable[[], object], after: Callable[[], None] = lambda: None
           ) -> tuple[list[float], object]:
    """Milliseconds of RUNS calls after one warm-up, and the warm-up's result;
    ``after`` runs after each call, outside the timing."""
    first = fn()
    after()
    times = []
    for _ in range(RUNS):
        seconds, _result = stopwatch(fn)
        after()
        times.append(seconds * 1000)
    return times, first


def autocommit_sql(engine, *statements: str) -> None:
    import ckan.model as model
    model.Session.remove()  # an open ORM transaction would block TRUNCATE
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            conn.exec_driver_sql(statement)


def scalar(engine, sql: str, params: Optional[dict] = None):
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql, params or {}).scalar()


def copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ")
                               for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def pg_array(values: list[str]) -> str:
    """A text[] literal for COPY (the values hold no quote, comma or brace)."""
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def check_database(engine) -> None:
    """Never run on the test database (a test run may be using it)."""
    name = engine.url.database
    if name == "opendatalocale_test" or not os.environ.get("CKAN_SQLALCHEMY_URL"):
        sys.exit(f"refusing to run on database {name!r}: set CKAN_SQLALCHEMY_URL to the "
                 "bench database (see `make bench-report`)")


# -- 1. France ------------------------------------------------------------------------

def reset(engine) -> None:
    """Empty what the benches write, and the search count cache in Redis."""
    from ckan.lib.redis import connect_to_redis
    autocommit_sql(engine, f"TRUNCATE {TABLES} CASCADE")
    redis = connect_to_redis()
    for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
        redis.delete(key)


def ensure_territory_rows(engine, expected: int) -> None:
    """``opendatalocale_territory`` (one row per territory, what the report
    reads) is rewritten by the loader; fill it here if it was not."""
    if scalar(engine, "SELECT count(*) FROM opendatalocale_territory") == expected:
        return
    kind = scalar(engine, "SELECT relkind FROM pg_class "
                          "WHERE oid = to_regclass('opendatalocale_territory')")
    if kind == "m":  # a materialised view in earlier versions of the migration
        autocommit_sql(engine, "REFRESH MATERIALIZED VIEW opendatalocale_territory")
    else:
        from ckanext.opendatalocale.territories.tree import REFRESH_TABLE
        with engine.begin() as conn:
            conn.exec_driver_sql(REFRESH_TABLE)
    print("(opendatalocale_territory was not up to date: refreshed)")


def load_france(engine, source: str) -> None:
    from ckanext.opendatalocale.territories import cog, loader

    cog_data = cog.read(source)
    wanted = cog_data.scope()
    print(f"\n== 1. Set-up: all of France, {len(wanted)} territories ==", flush=True)
    seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
    print(f"loader: {seconds:.1f} s ({changes.created} organisations created)", flush=True)
    ensure_territory_rows(engine, len(wanted))
    with engine.connect() as conn:
        levels = dict(conn.exec_driver_sql(
            "SELECT level, count(*) FROM opendatalocale_territory GROUP BY level").all())
    print("opendatalocale_territory: " + ", ".join(
        f"{level} {levels.get(level, 0)}" for level in ("region", "departement", "epci",
                                                         "commune")), flush=True)


# -- 2. datasets in the search index ---------------------------------------------------

def publishers(communes: list[tuple[str, str, int]], rng: random.Random
               ) -> list[tuple[tuple[str, str, int], float]]:
    """The communes that publish, each with its weight: the chance to publish
    grows with the population (10 % at 100 inhabitants, 22 % at 1 000, 95 %
    from 100 000),
    the number of datasets with its square root."""
    chosen = []
    for commune in communes:
        population = max(commune[2], 1)
        if rng.random() < min(0.95, 0.02 * population ** 0.35):
            chosen.append((commune, math.sqrt(population)))
    return chosen


def dataset_rows(communes, types, site_id: str, rng: random.Random):
    """DATASETS rows of the narrow index table."""
    from ckanext.opendatalocale.search.documents import sort_key
    from ckanext.opendatalocale.scdl import catalogue

    expected = {e.slug: e.expected_frequency for e in catalogue().entries}
    chosen = publishers(communes, rng)
    owners = rng.choices([c for c, _w in chosen], weights=[w for _c, w in chosen], k=DATASETS)
    kinds = rng.choices(types, weights=[TYPE_WEIGHTS.get(t, 5) for t in types], k=DATASETS)
    words = list(CONFORMITY)
    now = datetime.now(timezone.utc)
    span = timedelta(days=365 * YEARS)
    for n, ((org_id, org_name, _population), kind) in enumerate(zip(owners, kinds)):
        pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        private = rng.random() < PRIVATE_SHARE
        # more recent than old: u² puts ≈ 58 % within the year
        modified = now - span * rng.random() ** 2
        created = modified - timedelta(days=rng.randrange(0, 400))
        conformity = rng.choices(words, weights=list(CONFORMITY.values()))[0]
        frequency = (expected[kind] if rng.random() < 0.7 else
                     rng.choices(list(OTHER_FREQUENCIES),
                                 weights=list(OTHER_FREQUENCIES.values()))[0])
        facets = [f"frequency={frequency}", f"organization={org_name}"]
        if conformity:
            facets.append(f"scdl_conformity={conformity}")
        title = f"{kind.capitalize()} {n}"
        yield (hashlib.md5(f"{pid}{site_id}".encode()).hexdigest(), pid,
               f"bench-{kind}-{n:06d}", site_id, "active",
               "private" if private else "public", kind, org_id, org_name,
               pg_array([f"member-{org_id}"] if private else ["public"]),
               sort_key(title), modified.isoformat(), created.isoformat(),
               pg_array(sorted(facets)))


def generate(engine, types: list[str], site_id: str) -> None:
    print(f"\n== 2. Set-up: {DATASETS} datasets in the search index ==", flush=True)
    start = time.perf_counter()
    with engine.connect() as conn:
        communes = conn.exec_driver_sql(
            "SELECT id, name, population FROM opendatalocale_territory "
            "WHERE level = 'commune' AND merged_into IS NULL ORDER BY name").all()
    raw = engine.raw_connection()
    try:
        copy(raw.cursor(), "opendatalocale_search_index",
             ["index_id", "id", "name", "site_id", "state", "capacity", "dataset_type",
              "owner_org", "organization", "labels", "title_sort", "metadata_modified",
              "metadata_created", "facets"],
             dataset_rows([tuple(c) for c in communes], types, site_id, random.Random(SEED)))
        raw.commit()
    finally:
        raw.close()
    autocommit_sql(engine, "ANALYZE")
    with engine.connect() as conn:
        owners, private = conn.exec_driver_sql(
            "SELECT count(DISTINCT owner_org), count(*) FILTER (WHERE capacity = 'private') "
            "FROM opendatalocale_search_index").one()
    print(f"{DATASETS} rows ({private} private) in {owners} of {len(communes)} communes, "
          f"written and analysed in {time.perf_counter() - start:.1f} s", flush=True)


# -- 3. measures -----------------------------------------------------------------------

def bench_builds(types: list[str], site_id: str) -> list[tuple[str, float, float, str]]:
    import ckan.model as model
    from ckanext.opendatalocale.report import compliance

    print(f"\n== 3a. compliance.build, {RUNS} runs after 1 warm-up ==", flush=True)
    results = []
    for label, root, kinds, level in BUILDS:
        def build(root=root, kinds=kinds, level=level):
            return compliance.build(root, kinds or types, site_id, level=level)
        times, report = repeat(build, after=model.Session.remove)
        median, p95 = median_p95(times)
        target = FRANCE_TARGET_MS if root is None else TERRITORY_TARGET_MS
        notes = [f"{len(report.rows)} rows"]
        if median >= target:
            notes.append(f"SLOW (target < {target} ms)")
        results.append((label, median, p95, "; ".join(notes)))
        print(f"{label:36s} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return results


def bench_pages(app, flask_app, base_url: str) -> list[tuple[str, float, float, str]]:
    from werkzeug.test import Client

    print(f"\n== 3b. pages and API (whole WSGI stack, anonymous), {RUNS} runs after "
          "1 warm-up ==", flush=True)
    # a client of the whole WSGI stack (CKAN's middleware sets the language);
    # each request gets its own context
    client = Client(app, flask_app.response_class)
    results = []
    for label, url in PAGES:
        statuses = set()

        def get(url=url, statuses=statuses):
            response = client.get(url, base_url=base_url)
            body = response.get_data()  # a streamed CSV is produced here
            statuses.add(response.status_code)
            return len(body)
        times, size = repeat(get)
        median, p95 = median_p95(times)
        target = FRANCE_TARGET_MS if url == "/observatoire" else TERRITORY_TARGET_MS
        notes = [f"{size / 1024:.0f} KiB"]
        if statuses != {200}:
            notes.append(f"STATUS {sorted(statuses)}")
        if median >= target:
            notes.append(f"SLOW (target < {target} ms)")
        results.append((label, median, p95, "; ".join(notes)))
        print(f"{label:36s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
              f"status {sorted(statuses)}", flush=True)
    return results


# -- sanity checks ----------------------------------------------------------------------

def sanity(engine, types: list[str], site_id: str) -> None:
    """France's totals for one type, every status present, private rows not counted."""
    import ckan.model as model
    from ckanext.opendatalocale.report import compliance
    from ckanext.opendatalocale.scdl import status as st

    report = compliance.build(None, types, site_id)
    model.Session.remove()
    one = report.totals[ONE_TYPE]
    print(f"\n== Sanity checks ==\nFrance, {ONE_TYPE}: {one.communes} communes, "
          f"{one.publishing} publishing, {one.conformant} conformant; by status: "
          + ", ".join(f"{s} {n}" for s, n in one.by_status.items()))
    everywhere = {s: sum(c.by_status[s] for c in report.totals.values()) for s in st.STATUSES}
    missing = [s for s, n in everywhere.items() if not n]
    print("every status occurs (all types): "
          + ("yes" if not missing else "NO, missing " + ", ".join(missing)))
    publishing = sum(c.publishing for c in report.totals.values())
    pairs = ("SELECT count(*) FROM (SELECT DISTINCT owner_org, dataset_type "
             "FROM opendatalocale_search_index WHERE site_id = %(site)s AND state = 'active' "
             "AND {capacity} AND dataset_type = ANY(%(types)s)) pairs")
    params = {"site": site_id, "types": types}
    public = scalar(engine, pairs.format(capacity="capacity = 'public'"), params)
    with_private = scalar(engine, pairs.format(capacity="true"), params)
    verdict = "ok" if public == publishing and with_private > public else "MISMATCH"
    print(f"private rows not counted: sum of publishing over types {publishing}, "
          f"public (commune, type) pairs in SQL {public}, with private ones "
          f"{with_private}: {verdict}", flush=True)


# -- report -----------------------------------------------------------------------------

def print_table(rows: list[tuple[str, float, float, str]]) -> None:
    print(f"\n== Observatoire, France: {DATASETS} datasets — "
          f"{datetime.now().isoformat(timespec='minutes')}, {os.cpu_count()} cores ==")
    print(f"targets: France < {FRANCE_TARGET_MS} ms, territory < {TERRITORY_TARGET_MS} ms "
          f"(median of {RUNS} runs after 1 warm-up)")
    print(f"{'what':36s} | {'median ms':>9s} | {'p95 ms':>8s} | note")
    print("-" * 80)
    for what, median, p95, note in rows:
        print(f"{what:36s} | {median:9.1f} | {p95:8.1f} | {note}")


def main(source: str) -> None:
    if "opendatalocale_test" in os.environ.get("CKAN_SQLALCHEMY_URL", "opendatalocale_test"):
        sys.exit("set CKAN_SQLALCHEMY_URL to the bench database (see `make bench-report`)")
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app

    from ckanext.opendatalocale.scdl import catalogue

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)
    engine = model.meta.engine
    check_database(engine)
    with engine.connect() as conn:
        postgres = conn.exec_driver_sql("SHOW server_version").scalar()
    print(f"Observatoire benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, PostgreSQL {postgres}, {os.cpu_count()} cores, "
          f"database {engine.url.database}")
    site_id = config["ckan.site_id"]
    types = [entry.slug for entry in catalogue().entries]
    with flask_app.test_request_context():
        reset(engine)
        load_france(engine, source)
        generate(engine, types, site_id)
        builds = bench_builds(types, site_id)
        sanity(engine, types, site_id)
    pages = bench_pages(app, flask_app, config["ckan.site_url"])
    print_table(builds + pages)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
