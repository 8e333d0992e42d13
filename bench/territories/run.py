"""Territories benchmark: all of France as organisations (`make bench-territories`).

Measures, on the bench database (shared with bench/search/run.py, emptied first):
1. the bulk loader (``territories.loader.load_in_transaction``) loading every
   territory of the COG (≈36 400 régions, départements, EPCI and communes,
   parents first) into an empty territory set, then rerunning with nothing to
   change (it must report 0 changes) — 3 rounds, territory organisations
   deleted in SQL between rounds; median of each, counts per level;
2. for comparison, the naive way: ``organization_create`` through CKAN's
   action API for a sample of new organisations under ``departement-35``,
   once France is loaded, extrapolated to the whole of France — with this
   extension's organisation schemas, and with core's (whose hierarchy check
   loads every organisation);
3. the organisation pages and API with France loaded and a few hundred
   datasets in communes of Ille-et-Vilaine (so the counts are not all zero),
   requested anonymously through a test client of the real app (the whole
   WSGI stack of ``make_app``): median and p95 over several runs after one
   warm-up.

A benchmark, not a test: it prints figures and checks nothing about time
(targets of the issue: first load < 60 s, rerun < 30 s, pages < 300 ms).

Usage: python bench/territories/run.py COG_DATA_FOLDER
(the data folder of @etalab/decoupage-administratif, see `make cog`;
environment: CKAN_SQLALCHEMY_URL, CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import logging
import os
import random
import re
import statistics
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3            # first load + rerun, each round from an empty territory set
NAIVE_SAMPLE = 20     # organisations created one by one through the action API
DATASETS = 200        # datasets spread over communes of département 35
RUNS = 15             # timed requests per page, after one warm-up
SYSADMIN = "bench-sysadmin"
RENNES_METROPOLE = "243500139"
PAGES = [
    ("organisation index", "/organization/"),
    ("organisation index, page 50", "/organization/?page=50"),
    ("commune (Rennes)", "/organization/commune-35238"),
    ("EPCI (Rennes Métropole)", f"/organization/epci-{RENNES_METROPOLE}"),
    ("département (Ille-et-Vilaine)", "/organization/departement-35"),
    ("API organization_show (Rennes)", "/api/3/action/organization_show?id=commune-35238"),
]
# CKAN tables this bench (and bench/search) writes to; users are kept
TABLES = ("package_tag, resource, resource_view, package_extra, package_member, tag, member, "
          "package, group_extra, \"group\", activity_detail, activity, "
          "opendatalocale_search_index, opendatalocale_search_document")


# -- helpers ------------------------------------------------------------------------

def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def once():
    """A logging filter letting each distinct message through once."""
    seen: set[str] = set()

    def first_time(record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in seen:
            return False
        seen.add(message)
        return True

    return first_time


def stopwatch(fn, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def autocommit_sql(engine, *statements: str) -> None:
    import ckan.model as model
    model.Session.remove()  # an open ORM transaction would block TRUNCATE / DELETE
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            conn.exec_driver_sql(statement)


def reset(engine) -> None:
    """Empty what the benches write (organisations, datasets, index, activity)
    and the search count cache in Redis."""
    from ckan.lib.redis import connect_to_redis
    autocommit_sql(engine, f"TRUNCATE {TABLES} CASCADE")
    redis = connect_to_redis()
    for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
        redis.delete(key)


def delete_territories(engine) -> None:
    """Every organisation, its extras and hierarchy links, in plain SQL; then
    VACUUM ANALYZE, so that each round starts like a fresh database."""
    autocommit_sql(
        engine,
        "DELETE FROM member WHERE table_name = 'group' OR group_id IN "
        "(SELECT id FROM \"group\" WHERE is_organization)",
        "DELETE FROM group_extra WHERE group_id IN "
        "(SELECT id FROM \"group\" WHERE is_organization)",
        "DELETE FROM \"group\" WHERE is_organization",
        "VACUUM ANALYZE member, group_extra, \"group\"")


def ensure_sysadmin() -> str:
    import ckan.model as model
    from ckan.logic import get_action
    if model.User.get(SYSADMIN) is None:
        get_action("user_create")({"ignore_auth": True}, {
            "name": SYSADMIN, "email": "bench-sysadmin@example.org",
            "password": "bench-password-123"})
    user = model.User.get(SYSADMIN)
    user.sysadmin = True
    model.Session.commit()
    return SYSADMIN


def sysadmin_context() -> dict:
    return {"ignore_auth": True, "user": SYSADMIN}


# -- 1. the loader -------------------------------------------------------------------

def changes_line(changes) -> str:
    fields = asdict(changes)
    fields.pop("names")
    fields["moved_ids"] = len(fields["moved_ids"])
    return ", ".join(f"{k} {v}" for k, v in fields.items())


def bench_loader(engine, cog_data, wanted: list) -> None:
    from ckanext.opendatalocale.territories import loader

    print(f"\n== 1. Loading all of France: {len(wanted)} territories, "
          f"{ROUNDS} rounds ==", flush=True)
    first, rerun = [], []
    for round_ in range(1, ROUNDS + 1):
        delete_territories(engine)
        seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
        first.append(seconds)
        print(f"round {round_}: first load {seconds:6.1f} s  ({changes_line(changes)})",
              flush=True)
        seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
        rerun.append(seconds)
        verdict = "ok" if changes.total == 0 and not changes.moved_ids else "UNEXPECTED CHANGES"
        print(f"round {round_}: rerun      {seconds:6.1f} s  ({changes.total} changes: "
              f"{verdict}; {changes_line(changes)})", flush=True)
    print(f"first load: median {statistics.median(first):6.1f} s   (target < 60 s)")
    print(f"rerun:      median {statistics.median(rerun):6.1f} s   (target < 30 s)")
    print_levels(engine)


def print_levels(engine) -> None:
    import ckan.model as model
    model.Session.remove()
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.value, count(*) FROM group_extra e JOIN \"group\" g ON g.id = e.group_id "
            "WHERE e.key = 'territory_level' AND e.state = 'active' AND g.state = 'active' "
            "GROUP BY e.value").all()
    counts = dict(rows)
    levels = ("region", "departement", "epci", "commune")
    print("organisations per level: " + ", ".join(f"{lv} {counts.get(lv, 0)}" for lv in levels)
          + f"; total {sum(counts.values())}")


# -- 2. the naive loop ---------------------------------------------------------------

def create_as_configured(name: str, title: str) -> None:
    """organization_create as a sysadmin calls it, with this extension's
    schemas (one SQL query to check the parent, a light show schema)."""
    from ckan.logic import get_action
    get_action("organization_create")(sysadmin_context(), {
        "name": name, "title": title, "groups": [{"name": "departement-35"}]})


def create_with_core_schemas(name: str, title: str) -> None:
    """The same with core's create and show schemas, as without this
    extension (patched in this process only): core's ``no_loops_in_hierarchy``
    runs when organization_create shows the new organisation, and loads every
    organisation to do so."""
    from ckan.logic import schema
    from ckanext.opendatalocale.territories.plugin import TerritoriesPlugin
    with mock.patch.multiple(
            TerritoriesPlugin,
            create_group_schema=lambda self: schema.default_create_group_schema(),
            show_group_schema=lambda self: schema.default_show_group_schema()):
        create_as_configured(name, title)


def bench_naive(territory_count: int) -> None:
    from ckan.logic import get_action

    print(f"\n== 2. Naive loop: organization_create x {NAIVE_SAMPLE} under "
          f"departement-35, France loaded ==", flush=True)
    variants = [("with this extension's schemas", "ext", create_as_configured),
                ("with core's schemas", "core", create_with_core_schemas)]
    for label, prefix, create in variants:
        names = [f"bench-naive-{prefix}-{i:02d}" for i in range(NAIVE_SAMPLE)]
        times = [stopwatch(create, name, f"Organisation naïve {i}")[0]
                 for i, name in enumerate(names)]
        median, p95 = median_p95(times)
        hours = median * territory_count / 3600
        print(f"{label:30s} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
              f"   -> {territory_count} organisations: {hours:5.1f} h", flush=True)
        for name in names:
            get_action("organization_purge")(sysadmin_context(), {"id": name})


# -- 3. pages and API ----------------------------------------------------------------

def create_datasets(cog_data) -> None:
    """DATASETS datasets, half in communes of Rennes Métropole (Rennes always
    among them), half in other communes of département 35."""
    from ckan.logic import get_action

    rng = random.Random(35)
    metropole = sorted(m["code"] for m in cog_data.epci[RENNES_METROPOLE]["membres"])
    others = sorted(code for code, c in cog_data.communes.items()
                    if c.get("departement") == "35" and code not in metropole)
    print(f"\n== 3. Pages and API: {DATASETS} datasets in communes of département 35 ==",
          flush=True)
    start = time.perf_counter()
    for n in range(DATASETS):
        if n % 10 == 0:
            code = "35238"
        else:
            code = rng.choice(metropole if n % 2 else others)
        get_action("package_create")(sysadmin_context(), {
            "name": f"bench-jeu-{n:03d}", "title": f"Jeu de données {n}",
            "notes": "Jeu de données du banc d'essai des territoires.",
            "owner_org": f"commune-{code}"})
    seconds = time.perf_counter() - start
    print(f"(set-up: {DATASETS} package_create in {seconds:.1f} s, "
          f"{seconds / DATASETS * 1000:.0f} ms each)", flush=True)


def bench_pages(client, base_url: str) -> None:
    print(f"\nanonymous requests, {RUNS} runs each after 1 warm-up (target: median < 300 ms)")
    print(f"{'what':34s} | {'median ms':>9s} | {'p95 ms':>8s} | note")
    print("-" * 78)
    for label, url in PAGES:
        warm = client.get(url, base_url=base_url)
        times, statuses = [], set()
        for _ in range(RUNS):
            seconds, response = stopwatch(client.get, url, base_url=base_url)
            times.append(seconds * 1000)
            statuses.add(response.status_code)
        median, p95 = median_p95(times)
        notes = [] if statuses == {200} and warm.status_code == 200 else \
            [f"STATUS {warm.status_code}/{sorted(statuses)}"]
        if median >= 300:
            notes.append("SLOW (target < 300 ms)")
        if "epci-" in url:  # the communes listed, with their dataset counts
            html = warm.get_data(as_text=True)
            communes = set(re.findall(r'/organization/(commune-\w+)"', html))
            counted = sum(int(n) for n in re.findall(r'class="badge[^"]*">(\d+)<', html))
            notes.append(f"{len(communes)} communes listed, {counted} datasets counted")
        print(f"{label:34s} | {median:9.1f} | {p95:8.1f} | {'; '.join(notes)}", flush=True)


# -- main ----------------------------------------------------------------------------

def main(source: str) -> None:
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    from ckanext.opendatalocale.territories import cog

    print(f"Territories benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, machine: {os.cpu_count()} cores")
    app = make_app(load_config(str(ROOT / "test.ini")))
    # core warns on every organisation page that DefaultGroupForm's
    # db_to_form_schema is deprecated: once is enough, not 100 lines
    logging.getLogger("ckan.lib.maintain").addFilter(once())
    flask_app = getattr(app, "_wsgi_app", app)
    cog_data = cog.read(source)
    wanted = cog_data.scope()
    engine = model.meta.engine
    with flask_app.test_request_context():
        reset(engine)
        ensure_sysadmin()
        bench_loader(engine, cog_data, wanted)
        bench_naive(len(wanted))
        create_datasets(cog_data)
        # fresh planner statistics, as autovacuum gives within a minute of a
        # load in production (the last round's VACUUM ANALYZE saw empty tables)
        autocommit_sql(engine, "ANALYZE")
    # a client of the whole WSGI stack (CKAN's middleware sets the language),
    # as CKAN's own test client does; each request gets its own context
    bench_pages(Client(app, flask_app.response_class), config["ckan.site_url"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
