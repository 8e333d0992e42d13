"""The import in the portal (run by run.py, in CKAN's app, on the databases
run.py created just before): the territories of a département loaded, then
1. the first import of the national file (its communes' proposals created,
   checked and loaded as the worker would: the jobs they queue are run here);
2. the same file again (nothing to do: its SHA-256 is the last import's);
3. another export of the same rows (the lines in another order: other bytes,
   the same rows): the whole file read and cut again, each extract compared,
   nothing written — checked: no dataset modified.
Prints one JSON line."""
from __future__ import annotations

import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def drain() -> int:
    import ckan.model as model
    from ckan.lib import jobs
    queue = jobs.get_queue()
    done = 0
    while queue.job_ids:
        for job_id in queue.job_ids:
            job = queue.fetch_job(job_id)
            queue.remove(job_id)
            if job is not None:
                try:
                    job.perform()
                finally:
                    model.Session.remove()
                done += 1
    return done


def main() -> None:
    national, shuffled, cog_data, departement = sys.argv[1:5]
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(str(ROOT / "test.ini")))
    import ckan.model as model
    import sqlalchemy as sa

    from ckanext.opendatalocale.dotation import imports
    from ckanext.opendatalocale.territories import cog, loader

    if "opendatalocale_test" in model.meta.engine.url.database:
        sys.exit("refusing to run on a test database")
    territories = cog.read(cog_data)
    loader.load_in_transaction(model.meta.engine, territories,
                               territories.scope(departement=departement))
    model.Session.expire_all()
    figures: dict = {}

    def one(path: str) -> tuple[float, dict]:
        start = time.perf_counter()
        import_id = imports.start("irve", path, None, None, "2026-12-01", queue=False)
        state = imports.run(import_id)
        return time.perf_counter() - start, state

    def modified() -> dict:
        return dict(model.Session.execute(sa.text(
            "SELECT id, metadata_modified FROM package WHERE type = 'irve'")).all())

    seconds, state = one(national)
    figures["first_s"] = seconds
    figures["first_counts"] = {k: state["counts"].get(k) for k in (
        "created", "rows_kept", "rows_elsewhere", "collectivites_elsewhere")}
    start = time.perf_counter()
    figures["first_jobs"] = drain()
    figures["first_jobs_s"] = time.perf_counter() - start
    before = modified()
    seconds, state = one(national)
    figures["same_file_s"], figures["same_file_counts"] = seconds, state["counts"]
    seconds, state = one(shuffled)
    figures["reexport_s"] = seconds
    figures["reexport_counts"] = {k: state["counts"].get(k) for k in (
        "created", "updated", "proposed", "unchanged")}
    figures["reexport_jobs"] = drain()
    figures["written_after_first"] = sum(1 for k, v in modified().items() if before.get(k) != v)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    random.seed(0)
    main()
