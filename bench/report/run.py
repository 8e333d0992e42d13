"""Observatoire benchmark: the report at the scale of France (`make bench-report`).

On its own bench database (DROPPED and created again each round), with CKAN's
test.ini, ROUNDS rounds of:

1. set-up: a database created just before (``ckan db upgrade``, as ``make
   serve`` leaves it), then every territory of the COG (≈36 400 régions,
   départements, EPCI and communes) loaded as organisations with the bulk
   loader, which also rewrites ``opendatalocale_territory``, the
   one-row-per-territory relation the report reads (and analyses what it
   wrote: the loader's own statistics, nothing else);
2. set-up: 100 000 synthetic SCDL datasets written with COPY into CKAN's
   ``package`` table and, for the public ones, into the observatoire's
   summary ``opendatalocale_report_dataset`` (what the plugin's hooks write
   for each change: conformity, declared frequency, last change): skewed
   over communes (large communes publish more, most small ones nothing), the
   ten SCDL types, 10 % private, every status represented, modification
   dates over three years. No search index is written: the report reads
   none. No VACUUM nor ANALYZE: the planner knows only what the loader
   gathered;
3. measures ``compliance.build`` directly (pure server time: two SQL queries
   and the roll-up) for France, a région, a département, an EPCI and the
   communes of a département; in the last round, the observatoire pages, a
   CSV export and the API action through the whole WSGI stack of
   ``make_app`` (anonymous requests, body read in full): median and p95
   over several runs after one warm-up. Also checks that the France totals
   look right and that private datasets are not counted.

A benchmark, not a test: it prints figures and asserts nothing about time
(targets of the issue: France < 1 s median, a territory page < 300 ms median).

Usage: python bench/report/run.py COG_DATA_FOLDER
(the data folder of @etalab/decoupage-administratif, see `make cog`;
environment: CKAN_SQLALCHEMY_URL pointing at the bench database — dropped
and created again —, CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import io
import math
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
DATASETS = 100_000
ROUNDS = 3                 # each on a database created just before
RUNS = 15                  # timed runs of each measure, after one warm-up
PRIVATE_SHARE = 0.10       # private datasets: they must not count
YEARS = 3                  # metadata_modified spread over the last YEARS years
SEED = 2026
FRANCE_TARGET_MS = 1000
TERRITORY_TARGET_MS = 300
ONE_TYPE = "deliberations"
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


def check_database(engine) -> None:
    """Never run on the test database (a test run may be using it)."""
    name = engine.url.database
    if name == "opendatalocale_test" or not os.environ.get("CKAN_SQLALCHEMY_URL"):
        sys.exit(f"refusing to run on database {name!r}: set CKAN_SQLALCHEMY_URL to the "
                 "bench database (see `make bench-report`)")


# -- 1. France ------------------------------------------------------------------------

def ckan_command(*arguments: str) -> None:
    """``ckan -c test.ini ARGUMENTS`` (the bench database from the environment)."""
    command = [str(Path(sys.executable).with_name("ckan")), "-c", str(ROOT / "test.ini"),
               *arguments]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def fresh_database(engine) -> None:
    """Drop the bench database (our sessions ended first), create it again
    and migrate it: a database as ``make serve`` creates it, without
    statistics; the search count cache in Redis emptied too."""
    import ckan.model as model
    from ckan.lib.redis import connect_to_redis
    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))
    import ensure_database
    model.Session.remove()
    engine.dispose()
    ensure_database.main(engine.url.render_as_string(hide_password=False), recreate=True)
    ckan_command("db", "upgrade")
    redis = connect_to_redis()
    for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
        redis.delete(key)


def load_france(engine, cog_data, wanted) -> None:
    from ckanext.opendatalocale.territories import loader

    seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
    with engine.connect() as conn:
        levels = dict(conn.exec_driver_sql(
            "SELECT level, count(*) FROM opendatalocale_territory GROUP BY level").all())
    print(f"loader: {len(wanted)} territories in {seconds:.1f} s ({changes.created} "
          "organisations created); opendatalocale_territory: " + ", ".join(
              f"{level} {levels.get(level, 0)}"
              for level in ("region", "departement", "epci", "commune")), flush=True)


# -- 2. datasets: CKAN's package rows and the observatoire's summary -------------------

def publishers(communes: list[tuple[str, str, int]], rng: random.Random
               ) -> list[tuple[tuple[str, str, int], float]]:
    """The communes that publish, each with its weight: the chance to publish
    grows with the population (10 % at 100 inhabitants, 22 % at 1 000, 95 %
    from 100 000), the number of datasets with its square root."""
    chosen = []
    for commune in communes:
        population = max(commune[2], 1)
        if rng.random() < min(0.95, 0.02 * population ** 0.35):
            chosen.append((commune, math.sqrt(population)))
    return chosen


def datasets(communes, types, rng: random.Random):
    """DATASETS synthetic datasets: (package row, summary row or None)."""
    from ckanext.opendatalocale.scdl import catalogue

    expected = {e.slug: e.expected_frequency for e in catalogue().entries}
    chosen = publishers(communes, rng)
    owners = rng.choices([c for c, _w in chosen], weights=[w for _c, w in chosen], k=DATASETS)
    kinds = rng.choices(types, weights=[TYPE_WEIGHTS.get(t, 5) for t in types], k=DATASETS)
    words = list(CONFORMITY)
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # CKAN's naive UTC
    span = timedelta(days=365 * YEARS)
    for n, ((org_id, _org_name, _population), kind) in enumerate(zip(owners, kinds)):
        pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        name = f"bench-{kind}-{n:06d}"
        private = rng.random() < PRIVATE_SHARE
        # more recent than old: u² puts ≈ 58 % within the year
        modified = now - span * rng.random() ** 2
        created = modified - timedelta(days=rng.randrange(0, 400))
        conformity = rng.choices(words, weights=list(CONFORMITY.values()))[0]
        frequency = (expected[kind] if rng.random() < 0.7 else
                     rng.choices(list(OTHER_FREQUENCIES),
                                 weights=list(OTHER_FREQUENCIES.values()))[0])
        package = (pid, name, f"{kind.capitalize()} {n}", kind, org_id, "active",
                   "t" if private else "f", modified.isoformat(), created.isoformat())
        summary = None if private else (pid, name, org_id, kind, conformity,
                                        modified.isoformat() + "+00:00", frequency)
        yield package, summary


def generate(engine, types: list[str]) -> None:
    start = time.perf_counter()
    with engine.connect() as conn:
        communes = conn.exec_driver_sql(
            "SELECT id, name, population FROM opendatalocale_territory "
            "WHERE level = 'commune' AND merged_into IS NULL ORDER BY name").all()
    rows = list(datasets([tuple(c) for c in communes], types, random.Random(SEED)))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        copy(cursor, "package", ["id", "name", "title", "type", "owner_org", "state",
                                 "private", "metadata_modified", "metadata_created"],
             (package for package, _summary in rows))
        copy(cursor, "opendatalocale_report_dataset",
             ["package_id", "name", "owner_org", "dataset_type", "conformity",
              "metadata_modified", "frequency"],
             (summary for _package, summary in rows if summary))
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as conn:
        owners, private = conn.exec_driver_sql(
            "SELECT count(DISTINCT owner_org), count(*) FILTER (WHERE private) "
            "FROM package").one()
    print(f"{DATASETS} datasets ({private} private) in {owners} of {len(communes)} communes, "
          f"written in {time.perf_counter() - start:.1f} s (no ANALYZE)", flush=True)


# -- 3. measures -----------------------------------------------------------------------

def bench_builds(types: list[str]) -> list[tuple[str, float, float, str]]:
    import ckan.model as model
    from ckanext.opendatalocale.report import compliance

    print(f"compliance.build, {RUNS} runs after 1 warm-up:", flush=True)
    results = []
    for label, root, kinds, level in BUILDS:
        def build(root=root, kinds=kinds, level=level):
            return compliance.build(root, kinds or types, level=level)
        times, report = repeat(build, after=model.Session.remove)
        median, p95 = median_p95(times)
        target = FRANCE_TARGET_MS if root is None else TERRITORY_TARGET_MS
        notes = [f"{len(report.rows)} rows"]
        if median >= target:
            notes.append(f"SLOW (target < {target} ms)")
        results.append((label, median, p95, "; ".join(notes)))
        print(f"  {label:36s} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return results


def bench_pages(app, flask_app, base_url: str) -> list[tuple[str, float, float, str]]:
    from werkzeug.test import Client

    print(f"pages and API (whole WSGI stack, anonymous), {RUNS} runs after 1 warm-up:",
          flush=True)
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
        print(f"  {label:36s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
              f"status {sorted(statuses)}", flush=True)
    return results


# -- sanity checks ----------------------------------------------------------------------

def sanity(engine, types: list[str]) -> None:
    """France's totals for one type, every status present, private datasets
    not counted (against CKAN's own package table)."""
    import ckan.model as model
    from ckanext.opendatalocale.report import compliance
    from ckanext.opendatalocale.scdl import status as st

    report = compliance.build(None, types)
    model.Session.remove()
    one = report.totals[ONE_TYPE]
    print(f"sanity: France, {ONE_TYPE}: {one.communes} communes, "
          f"{one.publishing} publishing, {one.conformant} conformant; by status: "
          + ", ".join(f"{s} {n}" for s, n in one.by_status.items()))
    everywhere = {s: sum(c.by_status[s] for c in report.totals.values()) for s in st.STATUSES}
    missing = [s for s, n in everywhere.items() if not n]
    print("sanity: every status occurs (all types): "
          + ("yes" if not missing else "NO, missing " + ", ".join(missing)))
    publishing = sum(c.publishing for c in report.totals.values())
    pairs = ("SELECT count(*) FROM (SELECT DISTINCT owner_org, type FROM package "
             "WHERE state = 'active' AND {private} AND type = ANY(%(types)s)) pairs")
    params = {"types": types}
    public = scalar(engine, pairs.format(private="NOT private"), params)
    with_private = scalar(engine, pairs.format(private="true"), params)
    verdict = "ok" if public == publishing and with_private > public else "MISMATCH"
    print(f"sanity: private datasets not counted: sum of publishing over types "
          f"{publishing}, public (commune, type) pairs in CKAN's package table {public}, "
          f"with private ones {with_private}: {verdict}", flush=True)


# -- report -----------------------------------------------------------------------------

def print_table(rounds: list[list[tuple[str, float, float, str]]]) -> None:
    print(f"\n== Observatoire, France: {DATASETS} datasets — "
          f"{datetime.now().isoformat(timespec='minutes')}, {os.cpu_count()} cores ==")
    print(f"targets: France < {FRANCE_TARGET_MS} ms, territory < {TERRITORY_TARGET_MS} ms; "
          f"per round: median (p95) in ms of {RUNS} runs after 1 warm-up, on a database "
          "created just before; then the median of the rounds' medians")
    print(f"{'what':36s} | per round | median | note")
    print("-" * 100)
    for what, *_rest in rounds[-1]:
        found = [r for results in rounds for r in results if r[0] == what]
        cells = ", ".join(f"{m:.1f} ({p:.0f})" for _w, m, p, _n in found)
        median = statistics.median(m for _w, m, _p, _n in found)
        print(f"{what:36s} | {cells} | {median:.1f} | {found[-1][3]}")


def main(source: str) -> None:
    if "opendatalocale_test" in os.environ.get("CKAN_SQLALCHEMY_URL", "opendatalocale_test"):
        sys.exit("set CKAN_SQLALCHEMY_URL to the bench database (see `make bench-report`)")
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app

    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.territories import cog

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)
    engine = model.meta.engine
    check_database(engine)
    with engine.connect() as conn:
        postgres = conn.exec_driver_sql("SHOW server_version").scalar()
    print(f"Observatoire benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, PostgreSQL {postgres}, {os.cpu_count()} cores, "
          f"database {engine.url.database} (dropped and created again each round)")
    types = [entry.slug for entry in catalogue().entries]
    cog_data = cog.read(source)
    wanted = cog_data.scope()
    rounds = []
    for round_ in range(1, ROUNDS + 1):
        print(f"\n== round {round_}/{ROUNDS} ==", flush=True)
        with flask_app.test_request_context():
            seconds, _ = stopwatch(fresh_database, engine)
            print(f"database dropped, created and migrated in {seconds:.1f} s", flush=True)
            load_france(engine, cog_data, wanted)
            generate(engine, types)
            results = bench_builds(types)
            sanity(engine, types)
        if round_ == ROUNDS:
            results += bench_pages(app, flask_app, config["ckan.site_url"])
        rounds.append(results)
    print_table(rounds)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
