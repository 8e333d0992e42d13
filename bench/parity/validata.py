"""Run Validata (validata-table 0.12.5, the French national validator) on files.

Validata cannot share CKAN's virtualenv (its Flask pins), so it runs in its own:
the interpreter named by ``VALIDATA_PYTHON`` (default ``/tmp/validata/bin/python``).
When that interpreter does not exist, the virtualenv is created there
(``python3.11 -m venv`` — or ``VALIDATA_BASE_PYTHON`` — then
``pip install validata-table==0.12.5``), saying so on stderr.

Headers: Validata's web UI and API compare column names case-sensitively unless
the user ticks « ignorer la casse »; its CLI does the opposite by default (its
``--ignore_header_case`` flag is an argparse ``store_false``: passing it makes the
comparison *case-sensitive*). Here ``case_sensitive=True`` (the default) means
what validata.fr does.

``validate(path, schema)`` and ``validate_many([(path, schema), …])`` run, in
Validata's interpreter, exactly the two calls of its CLI
(``validata_core.domain.cli``: ``transform_args_source`` then
``validation_service.validate_resource``, and ``Report.to_dict()``), for many
files in one process (no 0.7 s start-up per file). They serialise the report
with ``default=str`` because the CLI itself cannot: when an error carries a
date (``compare-columns-value`` on PREF_DATE >= DELIB_DATE in délibérations),
its ``json.dump`` fails half-way and it prints truncated JSON ("Object of type
date is not JSON serializable"). ``validate_cli(path, schema)`` runs the CLI
itself, for comparison.

Both return Validata's report as a dict: ``{"valid", "errors": [{"type",
"fieldName", "rowNumber", "cell", "message", …}], "warnings", "stats"}``. When
Validata cannot read a file at all (its CLI then logs the exception and prints
nothing), the dict is ``{"valid": False, "errors": [{"type": "source-error",
"message": …}], "warnings": [], "stats": {}, "exception": "…"}``.

Usage: python bench/parity/validata.py FILE --schema SCHEMA.json [--ignore-header-case] [--cli]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional, Union

VALIDATA_VERSION = "0.12.5"
DEFAULT_PYTHON = "/tmp/validata/bin/python"
CLI = "import sys; from validata_core.domain.cli import cli; sys.exit(cli())"
BATCH = r"""
import json, logging, sys
logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
from validata_core import validation_service
from validata_core.domain.cli import transform_args_source
results = []
for item in json.load(sys.stdin):
    try:
        resource = transform_args_source(item["source"])
        report = validation_service.validate_resource(
            resource, item["schema"], item["ignore_header_case"])
        results.append({"report": report.to_dict()})
    except Exception as err:
        results.append({"exception": f"{type(err).__name__}: {err}"})
json.dump(results, sys.stdout, ensure_ascii=False, default=str)
"""

PathLike = Union[str, Path]


class ValidataUnavailable(RuntimeError):
    """Validata's virtualenv is missing and could not be created."""


def validata_python() -> Path:
    """Validata's interpreter, its virtualenv created first if need be."""
    python = Path(os.environ.get("VALIDATA_PYTHON", DEFAULT_PYTHON))
    if not python.exists():
        install(python)
    return python


def install(python: Path) -> None:
    venv = python.parent.parent
    base = os.environ.get("VALIDATA_BASE_PYTHON") or shutil.which("python3.11") \
        or shutil.which("python3")
    if not base:
        raise ValidataUnavailable("no python3.11 to create Validata's virtualenv")
    print(f"Validata is not installed at {python}: creating the virtualenv {venv} "
          f"with {base} and installing validata-table=={VALIDATA_VERSION}…",
          file=sys.stderr, flush=True)
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q",
                        f"validata-table=={VALIDATA_VERSION}"], check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        raise ValidataUnavailable(f"could not install Validata in {venv}: {err}") from err
    if not python.exists():
        raise ValidataUnavailable(f"{python} still missing after installation")
    print("Validata installed.", file=sys.stderr, flush=True)


def unreadable(message: str) -> dict:
    return {"valid": False, "warnings": [], "stats": {}, "exception": message,
            "errors": [{"type": "source-error", "message": message}]}


def validate(path: PathLike, schema: PathLike, case_sensitive: bool = True) -> dict:
    """Validata on one file: its report as a dict."""
    return validate_many([(path, schema)], case_sensitive)[0]


def validate_cli(path: PathLike, schema: PathLike, case_sensitive: bool = True,
                 timeout: float = 300) -> dict:
    """Validata's CLI on one file: its report as a dict (ValueError when the CLI
    prints truncated JSON, see above)."""
    command = [str(validata_python()), "-c", CLI, str(path), "--schema", str(schema)]
    if case_sensitive:
        command.append("--ignore_header_case")  # store_false: case-sensitive
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not done.stdout.strip():
        return unreadable(done.stderr.strip() or f"Validata exited with {done.returncode}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as err:
        raise ValueError(f"Validata's CLI printed invalid JSON ({done.stderr.strip()})") from err


def validate_many(pairs: Iterable[tuple[PathLike, PathLike]], case_sensitive: bool = True,
                  timeout: float = 1800) -> list[dict]:
    """Validata on many (file, schema) pairs in one process: their reports, in order."""
    items = [{"source": str(path), "schema": str(schema),
              "ignore_header_case": not case_sensitive} for path, schema in pairs]
    if not items:
        return []
    done = subprocess.run([str(validata_python()), "-c", BATCH], input=json.dumps(items),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not done.stdout.strip():
        raise ValidataUnavailable(f"Validata failed ({done.returncode}): "
                                  f"{done.stderr.strip()[-2000:]}")
    results = json.loads(done.stdout)
    return [r["report"] if "report" in r else unreadable(r["exception"]) for r in results]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--schema", required=True, help="Table Schema (JSON file)")
    parser.add_argument("--ignore-header-case", action="store_true",
                        help="compare column names ignoring case (Validata CLI's default)")
    parser.add_argument("--cli", action="store_true", help="run Validata's CLI itself")
    args = parser.parse_args(argv)
    run = validate_cli if args.cli else validate
    report = run(args.file, args.schema, case_sensitive=not args.ignore_header_case)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
