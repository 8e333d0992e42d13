"""Consolidation benchmark (`make bench-consolidation`): a département's ten
consolidations built from all its communes' files.

ROUNDS rounds, each on databases created just before (CKAN's database
opendatalocale_bench_consolidation and its DataStore, dropped, created and
migrated; Redis database 10 emptied; the storage emptied), each in its own
process (``measure.py``: the set-up — the département's territories, one
public dataset per commune and SCDL type with one uploaded CSV, their
checks and loads —, then RUNS runs of each measure). Target of issue 17: a
département's consolidation (350 communes × 10 types) in < 30 s;
département 22 (Côtes-d'Armor) has 344 communes.

A benchmark, not a test: it prints figures (medians) and asserts nothing
about time; it does check that every commune's file went into its
consolidation, that the ten consolidated files are conformant and loaded,
and that a rebuild with nothing changed writes nothing.

Usage: python bench/consolidation/run.py COG_DATA [DEPARTEMENT] [ROUNDS] [RUNS]
(defaults 22, 1, 3)
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

SERVER = "postgresql://postgres@127.0.0.1:5432"
READER = "postgresql://datastore_ro@127.0.0.1:5432"
DB = "opendatalocale_bench_consolidation"
REDIS_DB = "10"
WORK = Path("/tmp/bench-consolidation")
TARGET_S = 30


def env() -> dict:
    return {**os.environ, "CKAN_SQLALCHEMY_URL": f"{SERVER}/{DB}",
            "CKAN_DATASTORE_WRITE_URL": f"{SERVER}/{DB}_datastore",
            "CKAN_DATASTORE_READ_URL": f"{READER}/{DB}_datastore",
            "CKAN_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "CKAN_STORAGE_PATH": str(WORK / "storage")}


def run(command: list) -> subprocess.CompletedProcess:
    done = subprocess.run(list(map(str, command)), cwd=ROOT, env=env(), capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n"
                 f"{done.stdout}\n{done.stderr[-4000:]}")
    return done


def fresh() -> None:
    import ensure_database
    import ensure_datastore
    main, write, read = (f"{SERVER}/{DB}", f"{SERVER}/{DB}_datastore",
                         f"{READER}/{DB}_datastore")
    ensure_database.main(main, recreate=True)
    ensure_database.main(write, recreate=True)
    ensure_datastore.ensure(main, write, read)
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "storage").mkdir(parents=True)
    subprocess.run(["redis-cli", "-n", REDIS_DB, "FLUSHDB"], capture_output=True)
    run([ROOT / ".venv" / "bin" / "ckan", "-c", ROOT / "test.ini", "db", "upgrade"])


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    cog_data = sys.argv[1]
    departement = sys.argv[2] if len(sys.argv) > 2 else "22"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    print(f"Consolidation benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"département {departement}, {rounds} round(s) of {runs} runs, "
          f"{os.cpu_count()} CPUs", flush=True)
    results = []
    for number in range(1, rounds + 1):
        print(f"round {number}: fresh databases…", flush=True)
        fresh()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "consolidation" / "measure.py"), cog_data,
             departement, str(runs)], cwd=ROOT, env=env(), stdout=subprocess.PIPE, text=True)
        out, _ = process.communicate()
        if process.returncode:
            sys.exit(f"round {number} failed ({process.returncode})")
        figures = json.loads(out.strip().splitlines()[-1])
        results.append(figures)
        communes = figures["communes_below"]
        short = {t: f for t, (f, _r) in figures["consolidated"].items() if f != communes}
        if short:
            sys.exit(f"files missing from their consolidation: {short} (of {communes})")
        if set(figures["consolidated_statuses"]) != {"success"}:
            sys.exit(f"consolidated files not all conformant: {figures['consolidated_statuses']}")
        if figures["unchanged_wrote"]:
            sys.exit(f"{figures['unchanged_wrote']} datasets rewritten with nothing changed")
        rows = sum(r for _f, r in figures["consolidated"].values())
        if figures["table_rows"] != rows:
            sys.exit(f"DataStore tables hold {figures['table_rows']} rows, files {rows}")

    first = [s for r in results for s in r["first_build_s"]]
    checked = [s for r in results for s in r["checked_loaded_s"]]
    unchanged = [s for r in results for s in r["unchanged_s"]]
    one = [s for r in results for s in r["one_change_s"]]
    last = results[-1]
    rows = sum(r for _f, r in last["consolidated"].values())
    print()
    print(f"département {departement}: {last['communes']} communes × 10 types, "
          f"{last['communes_below']} of them below it in the tree (the others in EPCI "
          f"seated elsewhere): {last['communes_below'] * 10} conformant files, {rows} rows "
          "consolidated")
    print(f"set-up (not timed below): datasets {last['setup_datasets_s']} s, their "
          f"{last['setup_jobs']['jobs']} jobs {last['setup_jobs_s']} s")
    print(f"first build of the 10 consolidations: median {median(first):.1f} s "
          f"(runs {', '.join(f'{s:.1f}' for s in first)}; target < {TARGET_S} s)")
    print(f"  then their check and DataStore load: median {median(checked):.1f} s")
    print(f"  total to 10 conformant tables: median "
          f"{median([a + b for a, b in zip(first, checked)]):.1f} s")
    print(f"rebuild with nothing changed: median {median(unchanged):.1f} s, nothing written")
    print(f"one commune's new délibérations → consolidated, checked and loaded: median "
          f"{median(one):.1f} s")
    print(f"peak RSS of the measuring process: {max(r['peak_rss_mb'] for r in results)} MB")
    print("per type (files, rows): " + ", ".join(
        f"{t} {f}/{r}" for t, (f, r) in sorted(last["consolidated"].items())))


if __name__ == "__main__":
    main()
