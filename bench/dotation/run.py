"""Dotation benchmark (`make bench-dotation`): a national IRVE consolidation
of ROWS rows cut per commune, and imported into a portal.

1. The file, generated once (/tmp/bench-dotation/irve-ROWS.csv): the
   national consolidation's format (the irve-statique schema's columns, then
   its own: datagouv_*, consolidated_*, created_at…; comma, UTF-8), its rows
   spread over the 34 969 communes of the COG (skewed: a commune's chance
   grows with its population), each a point of charge of its own id; and
   another export of the same rows, its lines shuffled (other bytes).
2. **split** (ROUNDS rounds, each in its own process under /usr/bin/time):
   the core's ``split`` of the whole file into one extract per commune of
   France (every commune held) — target < 60 s and < 500 MB.
3. **portal** (once, on databases created just before: CKAN's
   opendatalocale_bench_dotation and its DataStore; Redis 11): the territories
   of département 35 loaded, then the first import (its communes' proposals
   created, then their checks and DataStore loads), the same file again (its
   SHA-256 known: nothing to do), then the other export — read, cut and each
   extract compared, nothing written — target < 20 s and no write.

A benchmark, not a test: it prints figures and checks only that no row was
lost (rows written = rows read) and that the rerun wrote nothing.

Usage: python bench/dotation/run.py COG_DATA [ROWS] [ROUNDS] [DEPARTEMENT]   (1000000, 3, 35)
"""
from __future__ import annotations

import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
from bisect import bisect
from datetime import datetime
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

WORK = Path("/tmp/bench-dotation")
SERVER = "postgresql://postgres@127.0.0.1:5432"
READER = "postgresql://datastore_ro@127.0.0.1:5432"
DB = "opendatalocale_bench_dotation"
REDIS_DB = "11"
DEPARTEMENT = "35"
SEED = 2026


def env() -> dict:
    return {**os.environ, "CKAN_SQLALCHEMY_URL": f"{SERVER}/{DB}",
            "CKAN_DATASTORE_WRITE_URL": f"{SERVER}/{DB}_datastore",
            "CKAN_DATASTORE_READ_URL": f"{READER}/{DB}_datastore",
            "CKAN_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "CKAN_STORAGE_PATH": str(WORK / "storage")}


def generate(rows: int, communes_json: Path) -> tuple[Path, Path]:
    national = WORK / f"irve-{rows}.csv"
    shuffled = WORK / f"irve-{rows}-reexport.csv"
    if national.exists() and shuffled.exists():
        return national, shuffled
    from tests.scdl.test_dotation import IRVE_EXTRAS, irve_row
    with communes_json.open(encoding="utf-8") as f:
        communes = [c for c in json.load(f) if c.get("type") == "commune-actuelle"]
    weights = list(accumulate((c.get("population") or 0) ** 0.7 + 1 for c in communes))
    rng = random.Random(SEED)
    row = irve_row()
    names = list(row) + IRVE_EXTRAS
    base = [row.get(n, "x") for n in names]
    code_at, id_at = names.index("code_insee_commune"), names.index("id_pdc_itinerance")
    lines = []
    # every commune at least once (the split reaches each), then by weight
    codes = [c["code"] for c in communes] + [
        communes[bisect(weights, rng.random() * weights[-1])]["code"]
        for _ in range(rows - len(communes))]
    for n, code in enumerate(codes):
        values = list(base)
        values[code_at], values[id_at] = code, f"FRA68E{n:09d}"
        lines.append(values)
    for path, order in ((national, lines), (shuffled, rng.sample(lines, len(lines)))):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            writer.writerows(order)
    return national, shuffled


def measure(command: list) -> dict:
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, command)], cwd=ROOT,
                          env=env(), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{command} failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["time_rss_mb"] = int(done.stderr.strip().splitlines()[-1]) / 1024
    return figures


def fresh() -> None:
    import ensure_database
    import ensure_datastore
    main, write, read = (f"{SERVER}/{DB}", f"{SERVER}/{DB}_datastore",
                         f"{READER}/{DB}_datastore")
    ensure_database.main(main, recreate=True)
    ensure_database.main(write, recreate=True)
    ensure_datastore.ensure(main, write, read)
    shutil.rmtree(WORK / "storage", ignore_errors=True)
    (WORK / "storage").mkdir(parents=True)
    subprocess.run(["redis-cli", "-n", REDIS_DB, "FLUSHDB"], capture_output=True)
    done = subprocess.run([ROOT / ".venv" / "bin" / "ckan", "-c", ROOT / "test.ini", "db",
                           "upgrade"], cwd=ROOT, env=env(), capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-3000:])


def main() -> None:
    cog_data = Path(sys.argv[1])
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    departement = sys.argv[4] if len(sys.argv) > 4 else DEPARTEMENT
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"Dotation benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"{rows} rows, {rounds} rounds, {os.cpu_count()} CPUs", flush=True)
    national, shuffled = generate(rows, cog_data / "communes.json")
    print(f"national file: {national} ({national.stat().st_size / 1e6:.0f} MB)", flush=True)
    splits = []
    for n in range(rounds):
        figures = measure([sys.executable, HERE / "split_one.py", national,
                           cog_data / "communes.json", WORK / "out"])
        if figures["written"] != figures["rows_read"]:
            sys.exit(f"rows lost: {figures}")
        splits.append(figures)
        print(f"  split {n + 1}: {figures['seconds']:.1f} s, {figures['extracts']} communes, "
              f"peak {figures['time_rss_mb']:.0f} MB", flush=True)
    print(f"portal: fresh databases, département {departement}…", flush=True)
    fresh()
    portal = measure([sys.executable, HERE / "portal.py", national, shuffled, cog_data,
                      departement])
    if portal["written_after_first"] or portal["reexport_counts"]["unchanged"] != \
            portal["first_counts"]["created"]:
        sys.exit(f"the rerun wrote: {portal}")
    print()
    seconds = [s["seconds"] for s in splits]
    print(f"split of {rows} rows into {splits[-1]['extracts']} communes: median "
          f"{statistics.median(seconds):.1f} s (runs {', '.join(f'{s:.1f}' for s in seconds)}; "
          f"target < 60 s), peak RSS {max(s['time_rss_mb'] for s in splits):.0f} MB "
          "(target < 500 MB)")
    print(f"portal of département {departement}: first import {portal['first_s']:.1f} s "
          f"({portal['first_counts']['created']} proposals, "
          f"{portal['first_counts']['rows_kept']} rows; "
          f"{portal['first_counts']['rows_elsewhere']} rows of "
          f"{portal['first_counts']['collectivites_elsewhere']} communes elsewhere), "
          f"then their {portal['first_jobs']} jobs {portal['first_jobs_s']:.1f} s")
    print(f"  the same file again: {portal['same_file_s']:.1f} s (nothing to do)")
    print(f"  another export of the same rows: {portal['reexport_s']:.1f} s, "
          f"{portal['reexport_counts']['unchanged']} unchanged, "
          f"{portal['written_after_first']} datasets written (target < 20 s, no write)")
    print(f"  peak RSS of the portal process: {portal['time_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
