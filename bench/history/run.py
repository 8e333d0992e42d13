"""The observatoire over time at the scale of France (`make bench-history`).

On its own bench database (DROPPED and created again each round), ROUNDS
rounds of:

1. set-up, as bench/report does it: a database created just before, every
   territory of the COG (≈36 400 organisations) and 100 000 synthetic SCDL
   datasets (bench/report/run.py's generator, the same seed);
2. today's snapshot taken for real (``history.take``: France, the régions,
   départements and EPCI, ten types each), timed;
3. ten years of daily history before it, written with COPY as the
   snapshots would have left it: for each territory and type, the counts
   rising from nothing to today's over one change per publishing commune
   and one more per status change (at most one a day: France changes
   almost daily), the days between changes costing no row, and the 3 650
   days in the list of snapshot days. No VACUUM nor ANALYZE;
4. measures: the tables' size on disk, the next days' snapshots on top of
   ten years (a new day, the same day again), and through the whole WSGI
   stack (anonymous, body read): the territory pages with their charts and
   "since last month", the history API and CSV over ten years — median and
   p95 over RUNS runs after one warm-up.

A benchmark, not a test: it prints figures and asserts nothing about time
(target of the issue: a territory page < 300 ms; ten years of France small).

Usage: python bench/history/run.py COG_DATA_FOLDER
(environment: CKAN_SQLALCHEMY_URL pointing at the bench database — dropped
and created again —, CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import importlib.util
import io
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 2
RUNS = 9
YEARS = 10
SEED = 2026
TERRITORY_TARGET_MS = 300

_spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench/report/run.py")
report_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report_bench)  # type: ignore[union-attr]
report_bench.RUNS = RUNS

PAGES = [
    ("GET /observatoire (France)", "/observatoire"),
    ("GET région 53", "/observatoire/region-53"),
    ("GET département 35", "/observatoire/departement-35"),
    ("GET EPCI Rennes Métropole", "/observatoire/epci-243500139"),
    ("GET EPCI, deliberations, obliged", "/observatoire/epci-243500139?type=deliberations"
                                         "&obligation_only=true"),
    ("API history dép. 35, 10 years",
     "/api/3/action/scdl_compliance_history?territory=departement-35"),
    ("API history France, 10 years", "/api/3/action/scdl_compliance_history"),
    ("GET history.csv dép. 35", "/observatoire/departement-35/history.csv"),
    ("GET opendatafrance.csv dép. 35", "/observatoire/departement-35/opendatafrance.csv"),
]


def ten_years(engine, today, rng: random.Random) -> int:
    """Rows of ten years before ``today``'s snapshot, as the daily snapshots
    would have written them; returns how many."""
    from ckanext.opendatalocale.scdl import status as st
    first = today - timedelta(days=365 * YEARS)
    statuses = len(st.STATUSES)
    with engine.connect() as conn:
        current = conn.exec_driver_sql(
            "SELECT territory_id, dataset_type, communes, obliged, population, "
            "population_covered, by_status, obliged_by_status "
            "FROM opendatalocale_report_snapshot WHERE day_from = %(day)s",
            {"day": today}).all()
    rows = []
    quiet = []
    for territory, kind, communes, obliged, population, covered, by_status, obliged_by in current:
        publishing = communes - by_status[0]
        if not publishing:
            quiet.append((territory, kind))  # absent for ten years: one period
            continue
        changes = min(2 * publishing, (today - first).days - 1)
        days = sorted(rng.sample(range(1, (today - first).days), changes))
        starts = [first] + [first + timedelta(days=d) for d in days]
        for n, start in enumerate(starts):
            share = n / len(starts)  # 0 the first period, rising towards today's
            kept = [round(v * share) for v in by_status[1:]]
            kept_obliged = [round(v * share) for v in obliged_by[1:]]
            end = starts[n + 1] if n + 1 < len(starts) else today
            rows.append((territory, kind, start, end, communes, obliged, population,
                         round(covered * share),
                         "{" + ",".join(map(str, [communes - sum(kept), *kept])) + "}",
                         "{" + ",".join(map(str, [obliged - sum(kept_obliged),
                                                  *kept_obliged])) + "}"))
    assert all(len(r[8].split(",")) == statuses for r in rows)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        report_bench.copy(cursor, "opendatalocale_report_snapshot",
                          ["territory_id", "dataset_type", "day_from", "day_to", "communes",
                           "obliged", "population", "population_covered", "by_status",
                           "obliged_by_status"], rows)
        buffer = io.StringIO()
        for territory, kind in quiet:
            buffer.write(f"{territory}\t{kind}\n")
        buffer.seek(0)
        cursor.execute("CREATE TEMPORARY TABLE quiet (territory_id text, dataset_type text)")
        cursor.copy_expert("COPY quiet FROM STDIN", buffer)
        cursor.execute("UPDATE opendatalocale_report_snapshot s SET day_from = %(first)s "
                       "FROM quiet q WHERE s.territory_id = q.territory_id "
                       "AND s.dataset_type = q.dataset_type AND s.day_from = %(today)s",
                       {"first": first, "today": today})
        cursor.execute("INSERT INTO opendatalocale_report_snapshot_day (day, taken_at) "
                       "SELECT d::date, d FROM generate_series(%(first)s::date, "
                       "%(today)s::date - 1, interval '1 day') d",
                       {"first": first, "today": today})
        raw.commit()
    finally:
        raw.close()
    return len(rows)


def sizes(engine) -> tuple[int, float, float]:
    """Rows, MiB of the snapshots (table and indexes), MiB of the day list."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM opendatalocale_report_snapshot").scalar()
        table = conn.exec_driver_sql(
            "SELECT pg_total_relation_size('opendatalocale_report_snapshot')").scalar()
        day = conn.exec_driver_sql(
            "SELECT pg_total_relation_size('opendatalocale_report_snapshot_day')").scalar()
    return rows, table / 2**20, day / 2**20


def bench_snapshots(today) -> list[tuple[str, float, float, str]]:
    import ckan.model as model
    from ckanext.opendatalocale.report import history
    results = []
    now = datetime.now(timezone.utc)
    for label, day in (("snapshot: the next day", today + timedelta(days=1)),
                       ("snapshot: that day again", today + timedelta(days=1)),
                       ("snapshot: the day after", today + timedelta(days=2))):
        seconds, taken = report_bench.stopwatch(history.take, day, now=now)
        model.Session.commit()
        results.append((label, seconds * 1000, seconds * 1000,
                        f"{taken.written} rows written, {taken.territories} territories"))
        print(f"  {label:36s} {seconds * 1000:8.0f} ms  ({taken.written} rows written)",
              flush=True)
    return results


def main(source: str) -> None:
    if "opendatalocale_test" in os.environ.get("CKAN_SQLALCHEMY_URL", "opendatalocale_test"):
        sys.exit("set CKAN_SQLALCHEMY_URL to the bench database (see `make bench-history`)")
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app

    from ckanext.opendatalocale.report import history
    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.territories import cog

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)
    engine = model.meta.engine
    report_bench.check_database(engine)
    print(f"Observatoire history benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, {os.cpu_count()} cores, database {engine.url.database} "
          "(dropped and created again each round)")
    types = [entry.slug for entry in catalogue().entries]
    cog_data = cog.read(source)
    wanted = cog_data.scope()
    report_bench.PAGES = PAGES
    rounds = []
    for round_ in range(1, ROUNDS + 1):
        print(f"\n== round {round_}/{ROUNDS} ==", flush=True)
        with flask_app.test_request_context():
            seconds, _ = report_bench.stopwatch(report_bench.fresh_database, engine)
            print(f"database dropped, created and migrated in {seconds:.1f} s", flush=True)
            report_bench.load_france(engine, cog_data, wanted)
            report_bench.generate(engine, types)
            today = history.today()
            seconds, taken = report_bench.stopwatch(history.take, today)
            model.Session.commit()
            results = [("snapshot: today, empty history", seconds * 1000, seconds * 1000,
                        f"{taken.written} rows, {taken.territories} territories")]
            print(f"today's snapshot: {taken.territories} territories, {taken.written} rows, "
                  f"in {seconds:.1f} s", flush=True)
            seconds, written = report_bench.stopwatch(ten_years, engine, today,
                                                      random.Random(SEED))
            rows, table_mib, day_mib = sizes(engine)
            print(f"ten years written in {seconds:.1f} s: {rows} rows, {table_mib:.1f} MiB "
                  f"(indexes included) + {day_mib:.2f} MiB of days", flush=True)
            results.append(("size: ten years of France", table_mib, table_mib,
                            f"MiB (not ms): {rows} rows for {YEARS * 365} days"))
        results += report_bench.bench_pages(app, flask_app, config["ckan.site_url"])
        with flask_app.test_request_context():
            results += bench_snapshots(history.today())
        rounds.append(results)
    report_bench.print_table(rounds)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
