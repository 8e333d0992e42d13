"""Repair benchmark (`make bench-repair`).

1. The corpus: every file of ``tests/scdl/corpus`` (the parity corpus) and
   of ``tests/scdl/repair_corpus`` (``make_corpus.py``) validated, repaired,
   and the repaired file validated: the share of invalid files that become
   valid, the share of their errors repaired, and the changes on valid files
   (0 expected: a valid file is not repaired).
2. One file of ROWS rows (1 000 000 by default: subventions as French Excel
   writes them, semicolons, Windows-1252, dates 08/04/2024, decimal commas)
   validated, then repaired with the validator's report given (as the portal
   has it), the repaired file validated inside the repair: seconds and peak
   memory of each, each in its own process, median of ROUNDS rounds.

Usage: python bench/repair/run.py [ROWS] [ROUNDS]   (ROWS 0: the corpus only)
"""
from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [ROOT / "tests" / "scdl" / "corpus", ROOT / "tests" / "scdl" / "repair_corpus"]

VALIDATE = """
import json, resource, sys, time
from ckanext.opendatalocale.scdl.catalogue import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file
schema = catalogue().get("subventions").latest.table_schema()
start = time.perf_counter()
report = validate_file(sys.argv[1], schema)
seconds = time.perf_counter() - start
json.dump(report.as_dict(), open(sys.argv[2], "w"))
print(json.dumps({"seconds": seconds, "rows": report.rows, "errors": report.error_count}))
"""

REPAIR = """
import json, resource, sys, time
from ckanext.opendatalocale.scdl.catalogue import catalogue
from ckanext.opendatalocale.scdl.repair import repair
from ckanext.opendatalocale.scdl.validation import Report
schema = catalogue().get("subventions").latest.table_schema()
report = Report.from_dict(json.load(open(sys.argv[2])))
start = time.perf_counter()
result = repair(sys.argv[1], schema, sys.argv[3], report=report)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": result.rows, "changes": sum(result.counts.values()),
                  "valid": result.report.valid, "errors": result.report.error_count}))
"""


def corpus(folder: Path) -> dict:
    """The figures of one corpus."""
    sys.path.insert(0, str(ROOT))
    from ckanext.opendatalocale.scdl.catalogue import catalogue
    from ckanext.opendatalocale.scdl.repair import repair
    from ckanext.opendatalocale.scdl.validation import validate_file
    figures = {"files": 0, "valid": 0, "valid_changed": 0, "invalid": 0, "became_valid": 0,
               "errors_before": 0, "errors_after": 0, "unusable": 0}
    for path in sorted(folder.glob("*/*")):
        if path.suffix not in (".csv", ".xlsx"):
            continue
        schema = catalogue().get(path.parent.name).latest.table_schema()
        before = validate_file(path, schema)
        result = repair(path, schema, report=before)
        if result.output:
            result.output.unlink()
        figures["files"] += 1
        if before.valid:
            figures["valid"] += 1
            figures["valid_changed"] += int(result.repaired)
            continue
        figures["invalid"] += 1
        figures["unusable"] += int(before.unusable)
        figures["became_valid"] += int(result.report.valid)
        figures["errors_before"] += before.error_count
        figures["errors_after"] += result.report.error_count
    return figures


def show(title: str, figures: dict) -> None:
    invalid = figures["invalid"]
    repaired = figures["errors_before"] - figures["errors_after"]
    print(f"{title}: {figures['files']} files, {figures['valid']} valid "
          f"({figures['valid_changed']} changed by the repair), {invalid} invalid "
          f"({figures['unusable']} unreadable by the validator)")
    print(f"  invalid files that become valid: {figures['became_valid']}/{invalid} "
          f"= {figures['became_valid'] / invalid:.0%}")
    print(f"  errors repaired: {repaired}/{figures['errors_before']} "
          f"= {repaired / figures['errors_before']:.0%}")


def make_file(path: Path, rows: int) -> None:
    source = ROOT / "tests" / "scdl" / "repair_corpus" / "subventions" / "excel-fr.csv"
    with source.open(encoding="cp1252", newline="") as f:
        table = list(csv.reader(f, delimiter=";"))
    header, body = table[0], table[1:]
    with path.open("w", encoding="cp1252", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for n in range(rows):
            writer.writerow(body[n % len(body)])


def measure(script: str, *args: str) -> dict:
    """The script's own figures, with its peak memory (MB) from the OS."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", script, *args],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(result.stderr)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["peak_mb"] = int(result.stderr.strip().splitlines()[-1]) / 1024
    return figures


def main(rows: int, rounds: int) -> None:
    both: dict = {}
    for folder in CORPORA:
        figures = corpus(folder)
        show(folder.relative_to(ROOT).as_posix(), figures)
        both = {k: both.get(k, 0) + v for k, v in figures.items()}
    show("both", both)
    if not rows:
        return
    with tempfile.TemporaryDirectory(prefix="bench-repair-") as tmp:
        big, report, out = Path(tmp, "big.csv"), Path(tmp, "report.json"), Path(tmp, "out.csv")
        make_file(big, rows)
        size = big.stat().st_size / 1e6
        validated, repaired_runs = [], []
        for _ in range(rounds):
            validated.append(measure(VALIDATE, str(big), str(report)))
            repaired_runs.append(measure(REPAIR, str(big), str(report), str(out)))
        v = statistics.median(r["seconds"] for r in validated)
        r = statistics.median(x["seconds"] for x in repaired_runs)
        print(f"{rows} rows ({size:.0f} MB), median of {rounds}:")
        print(f"  validate: {v:.1f} s, {rows / v:,.0f} rows/s, peak "
              f"{max(x['peak_mb'] for x in validated):.0f} MB, "
              f"{validated[0]['errors']} errors")
        print(f"  repair (two passes, write, validate the result): {r:.1f} s "
              f"= {r / v:.2f} x validate, peak {max(x['peak_mb'] for x in repaired_runs):.0f} MB, "
              f"{repaired_runs[0]['changes']} changes, valid after: {repaired_runs[0]['valid']}")
        print("  rounds (validate, repair):",
              [(round(a["seconds"], 1), round(b["seconds"], 1))
               for a, b in zip(validated, repaired_runs)])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 3)
