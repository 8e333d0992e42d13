"""Validation benchmark (`make bench-validation`): ours and Validata's on the
same délibérations files of 100 000 and 1 000 000 rows, in the same run.

Prints rows per second and peak memory (maximum resident set size) of each
validator, each run in its own process so that the figures are its own.
Validata runs in its own venv (VALIDATA_PYTHON, default /tmp/validata/bin/python,
created if missing), as it cannot share CKAN's.

Usage: python bench/validation/run.py [ROWS ...]
"""
from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "parity"))

OURS = """
import resource, sys, time
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file
schema = catalogue().get("deliberations").latest.table_schema()
start = time.perf_counter()
report = validate_file(sys.argv[1], schema)
seconds = time.perf_counter() - start
print(report.rows, report.valid, report.error_count, seconds,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_file(path: Path, rows: int) -> None:
    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.scdl.templates import example_row
    schema = catalogue().get("deliberations").latest.table_schema()
    names = [f["name"] for f in schema["fields"]]
    example = dict(zip(names, example_row(schema)))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(names)
        for n in range(rows):
            example["DELIB_ID"] = f"DEL{n:07d}"
            writer.writerow([example[name] for name in names])


def measure(command: list[str]) -> tuple[float, float, str]:
    """Seconds and peak memory (MB) of a command, from the OS."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                            text=True)
    seconds = time.perf_counter() - start
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, result.stdout


def main(sizes: list[int]) -> None:
    from validata import validata_python  # bench/parity/validata.py
    from ckanext.opendatalocale.scdl import catalogue
    schema_path = catalogue().get("deliberations").latest.path
    python = validata_python()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"deliberations-{rows}.csv"
            make_file(path, rows)
            size_mb = path.stat().st_size / 1e6
            print(f"\n=== délibérations, {rows} rows ({size_mb:.0f} MB) ===", flush=True)
            seconds, peak, out = measure([sys.executable, "-c", OURS, str(path)])
            checked, valid = out.split()[:2]
            print(f"ours      {rows / seconds:9.0f} rows/s   peak {peak:6.0f} MB   "
                  f"({checked} rows, valid={valid})", flush=True)
            seconds, peak, out = measure([
                python, "-c", "import sys; from validata_core.domain.cli import cli; "
                "sys.exit(cli())", str(path), "--schema", str(schema_path)])
            print(f"validata  {rows / seconds:9.0f} rows/s   peak {peak:6.0f} MB", flush=True)


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [100_000, 1_000_000])
