"""A check in its own process, with a memory and a time limit.

A hostile file may pass every limit checked before parsing and still make
frictionless or openpyxl grow without bound (a 1 MB header once grew a web
process to 21.8 GB). The check therefore runs in a fresh interpreter
(``python -m`` this module, no CKAN imported, a fork of a threaded web
process being unsafe) whose address space is capped with ``RLIMIT_AS`` and
which is killed at its deadline: whatever the file, the caller gets a report
or a ``CheckAborted`` with a message saying why, and keeps running.

The repair of a file (``scdl.repair``) reads the same hostile files and runs
the same way (``repair_isolated``): it writes the repaired CSV where it is
told and answers what it did.

Protocol: the request (task, path, schema, limits…) as JSON on stdin, the
report (or the repair) as JSON on stdout; exit status 3 when the memory ran
out.
"""
from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import asdict
from typing import Any, Optional

from ckanext.opendatalocale.scdl.limits import Limits
from ckanext.opendatalocale.scdl.messages import file_message
from ckanext.opendatalocale.scdl.wording import ENGLISH, Message, msg
from ckanext.opendatalocale.scdl.validation import Report

__all__ = ["CheckAborted", "OverTime", "validate_isolated", "repair_isolated"]

log = logging.getLogger(__name__)

_OUT_OF_MEMORY = 3


class CheckAborted(Exception):
    """The check was stopped; ``message`` says why."""

    def __init__(self, message: Message):
        super().__init__(ENGLISH.render(message))
        self.message = message


class OverTime(CheckAborted):
    pass


def _python() -> str:
    """This interpreter (under uWSGI, ``sys.executable`` is uwsgi itself)."""
    if os.path.basename(sys.executable).startswith("python"):
        return sys.executable
    return os.path.join(sys.prefix, "bin", "python3")


def validate_isolated(path: str, table_schema: dict[str, Any], *, limits: Limits,
                      seconds: float, memory_bytes: int) -> Report:
    return Report.from_dict(_isolated({"task": "validate", "path": str(path),
                                       "schema": table_schema, "limits": asdict(limits)},
                                      seconds=seconds, memory_bytes=memory_bytes))


def repair_isolated(path: str, table_schema: dict[str, Any], output: str, *,
                    report: Optional[Report], previous: dict[str, str], limits: Limits,
                    seconds: float, memory_bytes: int) -> dict[str, Any]:
    """``Repair.as_dict()`` of the file at ``path``; the repaired CSV is at
    ``output`` when ``repaired`` is true (and nothing is there otherwise)."""
    try:
        return _isolated({"task": "repair", "path": str(path), "schema": table_schema,
                          "output": str(output), "previous": previous,
                          "report": report.as_dict() if report else None,
                          "limits": asdict(limits)}, seconds=seconds,
                         memory_bytes=memory_bytes)
    except CheckAborted:
        if os.path.exists(output):
            os.unlink(output)   # no half-written repair
        raise


def _isolated(request: dict[str, Any], *, seconds: float, memory_bytes: int) -> Any:
    data = json.dumps(dict(request, memory_bytes=memory_bytes, seconds=seconds))
    with tempfile.TemporaryFile() as stderr:
        try:
            done = subprocess.run([_python(), "-m", __name__], input=data.encode(),
                                  stdout=subprocess.PIPE, stderr=stderr, timeout=seconds)
        except subprocess.TimeoutExpired:
            raise OverTime(file_message("timeout", f"{seconds:g}")) from None
        stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - 4000))
        trace = stderr.read().decode("utf-8", "replace")
    if done.returncode == 0:
        return json.loads(done.stdout)
    if done.returncode == _OUT_OF_MEMORY or "MemoryError" in trace:
        raise CheckAborted(file_message("memory", msg("{size} MB",
                                                      size=memory_bytes // 1_000_000)))
    log.error("%s of %s ended with status %s:\n%s", request["task"], request["path"],
              done.returncode, trace)
    raise CheckAborted(file_message("crash", f"code {done.returncode}"))


def _run(request: dict[str, Any]) -> Any:
    limits = Limits(**request["limits"])
    if request["task"] == "repair":
        from ckanext.opendatalocale.scdl.repair import repair
        given = request["report"]
        result = repair(request["path"], request["schema"], request["output"],
                        report=Report.from_dict(given) if given else None,
                        previous=request["previous"], limits=limits)
        return result.as_dict()
    from ckanext.opendatalocale.scdl.validation import validate_file
    return validate_file(request["path"], request["schema"], limits=limits).as_dict()


def _main() -> None:
    request = json.load(sys.stdin)
    memory = request["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # the parent's deadline is the real one; this catches a parent gone
    cpu = int(request["seconds"]) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        output = json.dumps(_run(request), ensure_ascii=False)
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)  # nothing more can be allocated, not even a trace
    sys.stdout.write(output)


if __name__ == "__main__":
    _main()
