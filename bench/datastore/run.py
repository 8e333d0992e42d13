"""DataStore loading benchmark (`make bench-datastore`): ours and ckanext-xloader's
on the same délibérations file, in the same run.

A file of ROWS valid délibérations (``generate.py``, written once to
/tmp/bench-datastore/deliberations-ROWS.csv; its first 1 000 rows validated
before anything else) loaded into CKAN's DataStore by:

- ours: ``ckanext.opendatalocale.tables.load.load(resource_id)``, as the jobs
  worker runs it (typed columns from the Table Schema, one COPY, the
  full-text column, the indexes rebuilt, ANALYZE) — ``load_ours.py``, in
  CKAN's app on test.ini with our plugins;
- ckanext-xloader 2.6.0, in its own virtualenv (bench/datastore/.venv-xloader,
  created if missing: ``ckan[requirements]==2.11.6`` then
  ``ckanext-xloader==2.6.0``, which raises ckan's pins of certifi, requests
  and urllib3) and its own CKAN (plugins ``datastore xloader``, an ini written
  to /tmp/bench-datastore/xloader.ini, with test.ini's full-text settings of
  the DataStore: the same indexes for both) — ``load_xloader.py``: its COPY path
  (``load_csv`` then ANALYZE and ``create_column_indexes``, as its job's
  ``direct_load``; every column text) and its typed path (``load_table``, types
  guessed by tabulator, rows sent by ``datastore_create``, then ANALYZE),
  stopped after CAP seconds.

Each load runs in its own process (``/usr/bin/time``: its peak RSS is its
own; PostgreSQL's work is in the server, in the seconds but not in the RSS).
Ours and load_csv: ROUNDS rounds, alternated, median; load_table: once.

Databases, created again at each run (never the portal's nor the tests'):
opendatalocale_bench_datastore (+ _datastore) for ours,
opendatalocale_bench_xloader (+ _datastore) for xloader — two DataStores on
the same PostgreSQL server; Redis database 9 for both (distinct site ids).

Usage: python bench/datastore/run.py [ROWS] [ROUNDS] [--cap SECONDS] [--no-load-table]
                                     [--profile]
(defaults 1000000, 3, CAP from DATASTORE_CAP or 1800; --profile: a cProfile of
our loader's last round, its top functions printed)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))

import generate  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
READER = "postgresql://datastore_ro@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/9"
OURS_DB, XLOADER_DB = "opendatalocale_bench_datastore", "opendatalocale_bench_xloader"
WORK = generate.FOLDER
XLOADER_VENV = HERE / ".venv-xloader"
XLOADER_PYTHON = XLOADER_VENV / "bin" / "python"
XLOADER_VERSION = "2.6.0"
CKAN_VERSION = "2.11.6"

XLOADER_INI = """\
# written by bench/datastore/run.py for each run: xloader's own CKAN
[DEFAULT]
debug = false

[app:main]
use = egg:ckan
SECRET_KEY = bench-datastore-not-a-secret
ckan.site_id = opendatalocale-bench-xloader
ckan.site_url = http://127.0.0.1:5999
sqlalchemy.url = {main}
ckan.redis.url = {redis}
solr_url = http://127.0.0.1:8983/solr/ckan
ckan.plugins = datastore xloader
ckan.datastore.write_url = {write}
ckan.datastore.read_url = {read}
{datastore_settings}
ckan.storage_path = {storage}
ckanext.xloader.jobs_db.uri = sqlite:///{work}/xloader_jobs.db

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
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def datastore_settings() -> dict[str, str]:
    """test.ini's full-text settings of the DataStore (language, which columns
    get an index, its method), given to xloader's CKAN too: both loaders
    write tables of the same portal, and its settings decide the indexes."""
    import configparser
    parser = configparser.RawConfigParser(strict=False)
    parser.read(ROOT / "test.ini")
    return {k: v for k, v in parser["app:main"].items()
            if k.startswith("ckan.datastore.default_fts")}


def urls(name: str) -> tuple[str, str, str]:
    """CKAN's database, its DataStore written and read."""
    return f"{SERVER}/{name}", f"{SERVER}/{name}_datastore", f"{READER}/{name}_datastore"


def ours_env() -> dict:
    main, write, read = urls(OURS_DB)
    return {**os.environ, "CKAN_SQLALCHEMY_URL": main, "CKAN_REDIS_URL": REDIS,
            "CKAN_DATASTORE_WRITE_URL": write, "CKAN_DATASTORE_READ_URL": read,
            "CKAN_STORAGE_PATH": str(WORK / "storage-ours")}


def xloader_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    return env


def run(command: list, env: dict | None = None) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n"
                 f"{done.stdout}\n{done.stderr}")


def ensure_xloader_venv() -> None:
    if XLOADER_PYTHON.exists() and subprocess.run(
            [XLOADER_PYTHON, "-c", "import ckanext.xloader.loader"],
            capture_output=True).returncode == 0:
        return
    print(f"creating {XLOADER_VENV.relative_to(ROOT)} (ckan {CKAN_VERSION}, "
          f"ckanext-xloader {XLOADER_VERSION})…", flush=True)
    run(["python3", "-m", "venv", XLOADER_VENV])
    pip = [XLOADER_VENV / "bin" / "pip", "install", "-q"]
    run([*pip, "--upgrade", "pip", "setuptools", "wheel"])
    # ckan's pins first, then xloader (its newer certifi, requests, urllib3 win)
    run([*pip, f"ckan[requirements]=={CKAN_VERSION}"])
    run([*pip, f"ckanext-xloader=={XLOADER_VERSION}"])


def fresh_databases() -> Path:
    """Both CKANs' databases and DataStores dropped, created and migrated;
    the xloader ini written; the storages emptied. Returns the ini."""
    import ensure_database
    import ensure_datastore
    for name in (OURS_DB, XLOADER_DB):
        main, write, read = urls(name)
        ensure_database.main(main, recreate=True)
        ensure_database.main(write, recreate=True)
        ensure_datastore.ensure(main, write, read)
    for folder in ("storage-ours", "storage-xloader"):
        shutil.rmtree(WORK / folder, ignore_errors=True)
        (WORK / folder).mkdir(parents=True)
    subprocess.run(["redis-cli", "-n", "9", "FLUSHDB"], capture_output=True)
    run([ROOT / ".venv" / "bin" / "ckan", "-c", ROOT / "test.ini", "db", "upgrade"],
        env=ours_env())
    main, write, read = urls(XLOADER_DB)
    ini = WORK / "xloader.ini"
    settings = "\n".join(f"{k} = {v}" for k, v in datastore_settings().items())
    ini.write_text(XLOADER_INI.format(main=main, write=write, read=read, redis=REDIS,
                                      storage=WORK / "storage-xloader", work=WORK,
                                      datastore_settings=settings))
    (WORK / "xloader_jobs.db").unlink(missing_ok=True)
    run([XLOADER_VENV / "bin" / "ckan", "-c", ini, "db", "upgrade"], env=xloader_env())
    return ini


def measure(command: list, env: dict, limit: float | None = None) -> dict:
    """The script's JSON line, with its peak RSS (MB) and CPU seconds from
    /usr/bin/time; the process group killed after ``limit`` seconds."""
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", *map(str, command)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return {"killed": True, "stderr": err[-3000:]}
    lines = out.strip().splitlines()
    if process.returncode or not lines:
        return {"failed": process.returncode, "stderr": err[-5000:], "stdout": out[-2000:]}
    figures = json.loads(lines[-1])
    peak_kb, user, system = err.strip().splitlines()[-1].split()
    figures.update(peak_mb=int(peak_kb) / 1024, cpu_s=float(user) + float(system))
    figures["warnings"] = [line for line in err.splitlines()
                           if " ERROR " in line or "Traceback" in line][:5]
    return figures


def types_of(figures: dict) -> str:
    counts = Counter(kind for _name, kind in figures.get("columns", []))
    short = {"bigint": "int8", "timestamp without time zone": "timestamp"}
    return ", ".join(f"{short.get(k, k)} ×{n}" for k, n in sorted(counts.items()))


def show_round(what: str, figures: dict, rows: int) -> None:
    if "seconds" not in figures:
        print(f"  {what}: FAILED {json.dumps(figures)[:3000]}", flush=True)
        return
    print(f"  {what}: {figures['seconds']:.1f} s, {figures.get('rows')} rows, "
          f"{rows / figures['seconds']:,.0f} rows/s, peak {figures['peak_mb']:.0f} MB "
          f"(start-up {figures['rss_before_mb']:.0f} MB), client CPU {figures['cpu_s']:.1f} s"
          + (" — CAPPED" if figures.get("capped") else ""), flush=True)
    if figures.get("state") not in (None, "loaded"):
        print(f"    state {figures['state']}: {figures.get('error')}")
    for line in figures.get("warnings", []):
        print(f"    stderr: {line[:200]}")
    if figures.get("phases"):   # each round's own, in case the run is cut short
        print("    phases (s): " + ", ".join(f"{name} {seconds:.1f}" for name, seconds
                                         in figures["phases"].items()), flush=True)


def print_phases(title: str, results: list[dict]) -> None:
    good = [r for r in results if "phases" in r]
    if not good:
        return
    names = list(good[0]["phases"])
    print(f"\n{title} — phases, median of {len(good)} (s):")
    for name in names:
        print(f"  {name:45s} {statistics.median(r['phases'].get(name, 0) for r in good):9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    parser.add_argument("--cap", type=float, default=float(os.environ.get("DATASTORE_CAP",
                                                                          1800)))
    parser.add_argument("--no-load-table", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    path = generate.ensure(args.rows)
    report = generate.check(path)
    if not report.valid:
        sys.exit(f"{path}: its first {generate.CHECKED_ROWS} rows are not valid "
                 f"({report.error_count} errors): delete it and rerun")
    size = path.stat().st_size / 1e6
    ensure_xloader_venv()
    start_load = os.getloadavg()
    started = time.perf_counter()
    ini = fresh_databases()
    import ckan
    postgres = subprocess.run(["psql", f"{SERVER}/postgres", "-Atc", "SHOW server_version"],
                              capture_output=True, text=True).stdout.strip()
    print(f"DataStore benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, ckanext-xloader {XLOADER_VERSION}, PostgreSQL {postgres}, "
          f"{os.cpu_count()} cores, load average {start_load[0]:.1f}")
    print(f"{path} ({args.rows} rows, {size:.0f} MB; first {generate.CHECKED_ROWS} rows "
          f"valid), {args.rounds} round(s)", flush=True)
    print("DataStore settings of both (from test.ini): " + (", ".join(
        f"{k} = {v}" for k, v in datastore_settings().items()) or "CKAN's defaults"),
        flush=True)

    ours_cmd = [ROOT / ".venv" / "bin" / "python", HERE / "load_ours.py", path]
    xloader_cmd = [XLOADER_PYTHON, HERE / "load_xloader.py", ini, path]
    ours, csv_runs = [], []
    for n in range(1, args.rounds + 1):
        print(f"\n== round {n}/{args.rounds} ==", flush=True)
        extra = []
        if args.profile and n == args.rounds:
            extra = ["--profile", WORK / "ours.prof"]
        ours.append(measure([*ours_cmd, n, *extra], ours_env()))
        show_round("ours", ours[-1], args.rows)
        csv_runs.append(measure([*xloader_cmd, "csv"], xloader_env()))
        show_round("xloader load_csv", csv_runs[-1], args.rows)
    table = None
    if not args.no_load_table:
        print(f"\n== xloader load_table (once, cap {args.cap:.0f} s) ==", flush=True)
        table = measure([*xloader_cmd, "table", "--cap", args.cap], xloader_env(),
                        limit=args.cap + 900)
        show_round("xloader load_table", table, args.rows)

    def line(name, results, note=""):
        good = [r for r in results if "seconds" in r and not r.get("capped")]
        if not good:
            capped = [r for r in results if r.get("capped")]
            if capped:
                r = capped[0]
                return (f"| {name} | {r['rows']:,} of {args.rows:,} in the cap | "
                        f"> {args.cap:.0f} | {r['rows'] / r['seconds']:,.0f} (before the cap) | "
                        f"{r['peak_mb']:.0f} | {types_of(r)} |{note}"), None
            return f"| {name} | {'failed' if results else 'not run'} | | | | |", None
        seconds = statistics.median(r["seconds"] for r in good)
        peak = max(r["peak_mb"] for r in good)
        rows = good[0]["rows"]
        return (f"| {name} | {rows:,} | {seconds:.1f} | {args.rows / seconds:,.0f} | "
                f"{peak:.0f} | {types_of(good[0])} |{note}"), seconds

    print(f"\n{args.rows:,} rows ({size:.0f} MB); seconds: median of {args.rounds} "
          f"(load_table: once); peak MB: the largest of the rounds, whole process "
          f"(start-up included); load average {start_load[0]:.1f} → {os.getloadavg()[0]:.1f}\n")
    print("| loader | rows | seconds | rows/s | peak MB | column types |")
    print("|---|---|---|---|---|---|")
    text, ours_s = line("ours (`tables.load.load`)", ours)
    print(text)
    text, csv_s = line("xloader `load_csv` + ANALYZE + indexes", csv_runs)
    print(text)
    table_s = None
    if table is not None:
        text, table_s = line("xloader `load_table` + ANALYZE", [table])
        print(text)
    if ours_s:
        print()
        if csv_s:
            print(f"speed-up of ours: {csv_s / ours_s:.2f} × xloader load_csv")
        if table_s:
            print(f"speed-up of ours: {table_s / ours_s:.2f} × xloader load_table")
        elif table is not None and table.get("capped"):
            print(f"speed-up of ours: > {args.cap / ours_s:.1f} × xloader load_table "
                  f"(capped at {args.cap:.0f} s)")
    indexes = {name: r[0].get("indexes") for name, r in
               (("ours", ours), ("load_csv", csv_runs), ("load_table", [table] if table else []))
               if r and "indexes" in r[0]}
    print(f"indexes on the table: {indexes}")
    for name, results in (("ours", ours), ("xloader load_csv", csv_runs),
                          ("xloader load_table", [table] if table else [])):
        if results and results[0].get("columns"):
            print(f"columns, {name}: " + ", ".join(
                f"{c} {t.replace(' without time zone', '')}" for c, t in results[0]["columns"]))
    print_phases("ours", ours)
    detail = [r for r in ours if r.get("index_seconds")]
    if detail:
        print("  of which, each index rebuilt (last round, s):")
        for what, seconds in sorted(detail[-1]["index_seconds"].items(), key=lambda x: -x[1]):
            print(f"    {seconds:7.1f}  {what}")
    print_phases("xloader load_csv", csv_runs)
    if table is not None:
        print_phases("xloader load_table", [table])
    if args.profile and (WORK / "ours.prof").exists():
        import pstats
        print(f"\nprofile of our loader's last round ({WORK / 'ours.prof'}), top by "
              "cumulative time:")
        pstats.Stats(str(WORK / "ours.prof")).sort_stats("cumulative").print_stats(25)
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
