"""One round of the consolidation benchmark, in CKAN's app (run by run.py).

On the databases run.py has just created (environment: CKAN_SQLALCHEMY_URL,
CKAN_DATASTORE_*, CKAN_REDIS_URL, CKAN_STORAGE_PATH; config test.ini, our
plugins as ``make serve`` has them):

1. set-up: the département's territories loaded from the COG (the bulk
   loader, as ``ckan opendatalocale territories load``); for each of its
   communes and each of the ten SCDL types, a public dataset with one
   uploaded CSV (``package_create`` then ``resource_create``, as the form
   does), rows in proportion to the commune's population; then every job
   those uploads queued (their checks, their DataStore loads) run;
2. measures, each RUNS times:
   - **first build**: the département's consolidations turned on
     (``scdl_consolidation_update``), then the job the worker runs
     (``build.build_dirty``): ten files written from the communes'
     conformant files, ten datasets created — then, timed apart, the check
     and the DataStore load of those ten files (the jobs that follow);
     between runs the ten datasets are purged, so each run builds anew;
   - **nothing changed**: every type marked to rebuild, the job run: ten
     unions made again, nothing written (checked: no dataset modified);
   - **one commune's new file**: a commune replaces its délibérations
     (``resource_patch`` with an upload), then every job that follows, as
     the worker would run them: the commune file's check, the
     délibérations consolidation rebuilt, checked and loaded.

Jobs are run in this process, one after the other (``Job.perform``), not by
the forking worker (whose fork reloads CKAN's config for each job): what is
timed is the jobs' own work.

Prints one JSON line.

Usage: python bench/consolidation/measure.py COG_DATA DEPARTEMENT RUNS
"""
from __future__ import annotations

import csv
import io
import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 2026


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# rows of a commune's file of each type: (fixed part, one more row per N inhabitants, cap)
ROWS = {
    "deliberations": (20, 60, 1500), "budget": (150, 200, 3000),
    "subventions": (5, 500, 400), "equipements": (5, 300, 500),
    "catalogue": (3, 5000, 60), "prenoms": (10, 50, 800),
    "menus-collectifs": (20, 0, 20), "plats-menus-collectifs": (40, 0, 40),
    "irve": (1, 3000, 80), "dae": (2, 1500, 100),
}


def rows_of(slug: str, population: int, rng: random.Random) -> int:
    fixed, per, cap = ROWS[slug]
    base = fixed + (population // per if per else 0)
    return max(1, min(cap, int(base * rng.uniform(0.7, 1.3))))


def free_text_field(table_schema: dict) -> str | None:
    """The field each row varies (the file is no copy of one line): a
    unique one if any, else the first text field without constraints."""
    for field in table_schema["fields"]:
        if field.get("constraints", {}).get("unique"):
            return field["name"]
    for field in table_schema["fields"]:
        if field.get("type", "string") == "string" and not field.get("constraints") \
                and not field.get("format"):
            return field["name"]
    return None


def file_of(slug: str, table_schema: dict, commune: str, count: int, salt: str = "") -> bytes:
    from ckanext.opendatalocale.scdl.templates import example_row
    names = [f["name"] for f in table_schema["fields"]]
    example = example_row(table_schema)
    varied = free_text_field(table_schema)
    at = names.index(varied) if varied else None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for i in range(count):
        row = list(example)
        if at is not None:
            row[at] = f"{commune}-{salt}{i:05d}"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def drain() -> dict:
    """Every queued job run here, including those the jobs queue; how many,
    and how many failed."""
    import ckan.model as model
    from ckan.lib import jobs
    queue = jobs.get_queue()
    done = failed = 0
    while True:
        job_ids = queue.job_ids
        if not job_ids:
            return {"jobs": done, "failed": failed}
        for job_id in job_ids:
            job = queue.fetch_job(job_id)
            queue.remove(job_id)
            if job is None:
                continue
            try:
                job.perform()
            except Exception as e:   # noqa: BLE001 — counted and shown
                failed += 1
                print(f"job {job.description[:80]} failed: {e!r}", file=sys.stderr)
            finally:
                model.Session.remove()
            done += 1


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    cog_data, departement, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(str(ROOT / "test.ini")))

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from werkzeug.datastructures import FileStorage

    from ckanext.opendatalocale.consolidation import build
    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.territories import cog, loader

    if "opendatalocale_test" in model.meta.engine.url.database:
        sys.exit("refusing to run on a test database")
    figures: dict = {"departement": departement}
    rng = random.Random(SEED)

    # 1. set-up -------------------------------------------------------------------
    start = time.perf_counter()
    territories = cog.read(cog_data)
    wanted = territories.scope(departement=departement)
    loader.load_in_transaction(model.meta.engine, territories, wanted)
    model.Session.expire_all()
    communes = [t for t in wanted if t.level == "commune"
                and t.name.startswith(f"commune-{departement}")]
    figures["communes"] = len(communes)
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

    def context() -> dict:
        return {"user": site, "ignore_auth": True}

    schemas = {slug: catalogue().get(slug).latest.table_schema() for slug in catalogue().slugs}
    rows_per_type = {slug: 0 for slug in schemas}
    first_deliberations = None
    for commune in communes:
        for slug, table_schema in schemas.items():
            count = rows_of(slug, commune.population or 0, rng)
            rows_per_type[slug] += count
            dataset = tk.get_action("package_create")(context(), {
                "type": slug, "name": f"{slug}-{commune.name}", "owner_org": commune.name,
                "title": f"{catalogue().get(slug).title.get('fr', slug)} — {commune.title}"})
            content = file_of(slug, table_schema, commune.code, count)
            created = tk.get_action("resource_create")(context(), {
                "package_id": dataset["id"], "name": f"{slug}.csv", "format": "CSV",
                "upload": FileStorage(io.BytesIO(content), f"{slug}.csv",
                                      content_type="text/csv")})
            if slug == "deliberations" and first_deliberations is None:
                first_deliberations = (created["id"], commune.code, count)
    figures["setup_datasets_s"] = round(time.perf_counter() - start, 1)
    seconds, jobs = timed(drain)
    figures["setup_jobs_s"] = round(seconds, 1)
    figures["setup_jobs"] = jobs
    figures["rows_per_type"] = rows_per_type
    print(f"  set-up: {len(communes)} communes × {len(schemas)} types, "
          f"{sum(rows_per_type.values())} rows; datasets {figures['setup_datasets_s']} s, "
          f"{jobs['jobs']} jobs ({jobs['failed']} failed) {figures['setup_jobs_s']} s",
          file=sys.stderr, flush=True)

    territory = f"departement-{departement}"
    admin = {"user": site, "ignore_auth": True}

    def state() -> list[dict]:
        return tk.get_action("scdl_consolidation_show")(dict(admin), {
            "territory": territory})["consolidations"]

    # the communes below the département in the organisation tree: a commune
    # of an EPCI seated in another département is below that one
    figures["communes_below"] = tk.get_action("scdl_consolidation_show")(dict(admin), {
        "territory": territory})["communes"]

    def consolidated() -> list[dict]:
        return [c for c in state() if c["dataset"]]

    # 2a. first build -------------------------------------------------------------
    first, checked, built_rows = [], [], None
    for run in range(runs):
        for c in consolidated():
            tk.get_action("dataset_purge")(dict(admin), {"id": c["dataset"]})
        model.Session.remove()
        tk.get_action("scdl_consolidation_update")(dict(admin), {
            "territory": territory, "enabled": True})
        from ckan.lib import jobs as ckan_jobs
        ckan_jobs.get_queue().empty()   # the job it queued: run here, timed
        seconds, count = timed(build.build_dirty)
        model.Session.remove()
        first.append(seconds)
        seconds, jobs = timed(drain)
        checked.append(seconds)
        done = state()
        built_rows = {c["type"]: (c["files"], c["rows"]) for c in done}
        statuses = []
        for c in done:
            if c["dataset"]:
                dataset = tk.get_action("package_show")({"ignore_auth": True},
                                                        {"id": c["dataset"]})
                resources = dataset["resources"]
                statuses.append(resources[0].get("validation_status") if resources
                                else "no file")
        print(f"  first build {run + 1}: {first[-1]:.1f} s ({count} built), then checked and "
              f"loaded {checked[-1]:.1f} s ({jobs['jobs']} jobs, {jobs['failed']} failed); "
              f"statuses {sorted(set(map(str, statuses)))}", file=sys.stderr, flush=True)
    figures["first_build_s"] = first
    figures["checked_loaded_s"] = checked
    figures["consolidated"] = built_rows
    figures["consolidated_statuses"] = statuses
    tables = [tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": tk.get_action("package_show")({"ignore_auth": True}, {
            "id": c["dataset"]})["resources"][0]["id"], "limit": 0})["total"]
        for c in consolidated()]
    figures["table_rows"] = sum(tables)

    # 2b. nothing changed -----------------------------------------------------------
    before = {c["dataset"]: tk.get_action("package_show")({"ignore_auth": True}, {
        "id": c["dataset"]})["metadata_modified"] for c in consolidated()}
    unchanged = []
    for run in range(runs):
        build.set_enabled(model.Group.get(territory).id, True)
        from ckan.lib import jobs as ckan_jobs
        ckan_jobs.get_queue().empty()
        seconds, _count = timed(build.build_dirty)
        model.Session.remove()
        unchanged.append(seconds)
    after = {c["dataset"]: tk.get_action("package_show")({"ignore_auth": True}, {
        "id": c["dataset"]})["metadata_modified"] for c in consolidated()}
    figures["unchanged_s"] = unchanged
    figures["unchanged_wrote"] = sum(1 for k in before if before[k] != after.get(k))
    print(f"  nothing changed: {[round(s, 1) for s in unchanged]} s, "
          f"{figures['unchanged_wrote']} datasets modified", file=sys.stderr, flush=True)

    # 2c. one commune's new file --------------------------------------------------------
    resource_id, code, count = first_deliberations
    one = []
    for run in range(runs):
        content = file_of("deliberations", schemas["deliberations"], code, count + run + 1,
                          salt=f"v{run}-")
        start = time.perf_counter()
        tk.get_action("resource_patch")(context(), {
            "id": resource_id, "upload": FileStorage(io.BytesIO(content), "deliberations.csv",
                                                     content_type="text/csv")})
        jobs = drain()
        one.append(time.perf_counter() - start)
        [delib] = [c for c in state() if c["type"] == "deliberations"]
        print(f"  one commune's new file {run + 1}: {one[-1]:.1f} s ({jobs['jobs']} jobs); "
              f"délibérations consolidated: {delib['files']} files, {delib['rows']} rows",
              file=sys.stderr, flush=True)
    figures["one_change_s"] = one
    figures["peak_rss_mb"] = round(rss_mb())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
