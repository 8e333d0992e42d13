"""A check in its own process, with a memory and a time limit.

A hostile file may pass every limit checked before parsing and still make
frictionless or openpyxl grow without bound (a 1 MB header once grew a web
process to 21.8 GB). The check therefore runs in a fresh interpreter
(``python -m`` this module, no CKAN imported, a fork of a threaded web
process being unsafe) whose address space is capped with ``RLIMIT_AS`` and
which is killed at its deadline: whatever the file, the caller gets a report
or a ``CheckAborted`` with a message saying why, and keeps running.

Protocol: the request (path, schema, limits) as JSON on stdin, the report as
JSON on stdout; exit status 3 when the memory ran out.
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
from typing import Any

from ckanext.opendatalocale.scdl.limits import Limits
from ckanext.opendatalocale.scdl.messages import file_message
from ckanext.opendatalocale.scdl.wording import ENGLISH, Message, msg
from ckanext.opendatalocale.scdl.validation import Report

__all__ = ["CheckAborted", "OverTime", "validate_isolated"]

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
    request = json.dumps({"path": str(path), "schema": table_schema,
                          "limits": asdict(limits), "memory_bytes": memory_bytes,
                          "seconds": seconds})
    with tempfile.TemporaryFile() as stderr:
        try:
            done = subprocess.run([_python(), "-m", __name__], input=request.encode(),
                                  stdout=subprocess.PIPE, stderr=stderr, timeout=seconds)
        except subprocess.TimeoutExpired:
            raise OverTime(file_message("timeout", f"{seconds:g}")) from None
        stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - 4000))
        trace = stderr.read().decode("utf-8", "replace")
    if done.returncode == 0:
        return Report.from_dict(json.loads(done.stdout))
    if done.returncode == _OUT_OF_MEMORY or "MemoryError" in trace:
        raise CheckAborted(file_message("memory", msg("{size} MB",
                                                      size=memory_bytes // 1_000_000)))
    log.error("Validation of %s ended with status %s:\n%s", path, done.returncode, trace)
    raise CheckAborted(file_message("crash", f"code {done.returncode}"))


def _main() -> None:
    request = json.load(sys.stdin)
    memory = request["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # the parent's deadline is the real one; this catches a parent gone
    cpu = int(request["seconds"]) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        from ckanext.opendatalocale.scdl.validation import validate_file
        report = validate_file(request["path"], request["schema"],
                               limits=Limits(**request["limits"]))
        output = json.dumps(report.as_dict(), ensure_ascii=False)
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)  # nothing more can be allocated, not even a trace
    sys.stdout.write(output)


if __name__ == "__main__":
    _main()
