"""One split of the national file into one extract per commune of France,
in its own process (run by run.py; its peak RSS is its own). Prints JSON."""
from __future__ import annotations

import json
import resource
import shutil
import sys
import time

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.dotation import sources, split


def main() -> None:
    national, communes_json, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(communes_json, encoding="utf-8") as f:
        codes = [c["code"] for c in json.load(f) if c.get("type") == "commune-actuelle"]
    targets = {code: f"commune-{code.lower()}" for code in codes}
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    done = split(national, sources()["irve"], catalogue().get("irve").latest.table_schema(),
                 targets, out)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "extracts": len(done.extracts),
                      "rows_read": done.rows_read, "rows_kept": done.rows_kept,
                      "written": sum(e.rows for e in done.extracts.values()),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
