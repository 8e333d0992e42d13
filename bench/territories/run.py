"""Territories benchmark: all of France as organisations (`make bench-territories`).

Measures, on the bench database (its own: dropped and created again each round):
1. the bulk loader on a database as ``make serve`` leaves it — each of the
   3 rounds drops the bench database, creates it again (``ckan db upgrade``),
   loads the demo département (35) with ``ckan opendatalocale territories
   load`` as ``make serve`` does, then times ``loader.load_in_transaction``
   loading every territory of the COG (≈36 400 régions, départements, EPCI
   and communes, parents first), then a rerun with nothing to change (it must
   report 0 changes). No VACUUM nor ANALYZE before or between the timed
   loads: the planner knows only what the loader itself gathers (or the 350
   organisations autovacuum may have seen). Median of each, counts per level;
2. for comparison, the naive way: ``organization_create`` through CKAN's
   action API for a sample of new organisations under ``departement-35``,
   once France is loaded, extrapolated to the whole of France — with this
   extension's organisation schemas, and with core's (whose hierarchy check
   loads every organisation);
3. the organisation pages and API with France loaded and a few hundred
   datasets in communes of Ille-et-Vilaine (so the counts are not all zero),
   requested anonymously through a test client of the real app (the whole
   WSGI stack of ``make_app``): median and p95 over several runs after one
   warm-up. Parts 2 and 3 run on the last round's database, part 3 after an
   ANALYZE (as autovacuum gives within a minute of a load in production).

A benchmark, not a test: it prints figures and checks nothing about time
(targets of issue 14: first load < 60 s (aim < 10 s), rerun < 5 s, pages
< 300 ms).

Usage: python bench/territories/run.py COG_DATA_FOLDER
(the data folder of @etalab/decoupage-administratif, see `make cog`;
environment: CKAN_SQLALCHEMY_URL — the database DROPPED and created again —,
CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import logging
import os
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3            # fresh database + département 35, then France, then a rerun
DEMO_DEPARTEMENT = "35"  # what make serve loads
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
    model.Session.remove()  # no ORM transaction left open around it
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            conn.exec_driver_sql(statement)


def clear_search_cache() -> None:
    """The search count cache in Redis (it outlives the dropped database)."""
    from ckan.lib.redis import connect_to_redis
    redis = connect_to_redis()
    for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
        redis.delete(key)


def ckan_command(*arguments: str) -> float:
    """Run ``ckan -c test.ini ARGUMENTS`` (the bench database from the
    environment); its duration in seconds. Exits with its output on failure."""
    command = [str(Path(sys.executable).with_name("ckan")), "-c", str(ROOT / "test.ini"),
               *arguments]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def fresh_database(engine) -> None:
    """Drop the bench database (its sessions ended: ours disposed first, any
    other terminated by ``DROP DATABASE … WITH (FORCE)``), create it again and
    migrate it: a database as ``make serve`` creates it, without statistics."""
    import ckan.model as model
    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))
    import ensure_database
    model.Session.remove()
    engine.dispose()
    ensure_database.main(engine.url.render_as_string(hide_password=False), recreate=True)
    ckan_command("db", "upgrade")


def planner_view(engine) -> str:
    """What the planner believes of ``"group"`` before the load of France
    (the département's load analysed it: about 350 organisations)."""
    with engine.connect() as conn:
        tuples = conn.exec_driver_sql(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = '\"group\"'::regclass").scalar()
    return ('the planner believes "group" holds '
            + ("an unknown number of rows" if tuples < 0 else f"{tuples} rows"))


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


def bench_loader(engine, source: str, cog_data, wanted: list) -> None:
    from ckanext.opendatalocale.territories import loader

    print(f"\n== 1. Loading all of France: {len(wanted)} territories, {ROUNDS} rounds, "
          f"each on a database created just before with département {DEMO_DEPARTEMENT} "
          f"loaded (no VACUUM, no ANALYZE) ==", flush=True)
    first, rerun = [], []
    for round_ in range(1, ROUNDS + 1):
        start = time.perf_counter()
        fresh_database(engine)
        created = time.perf_counter() - start
        demo = ckan_command("opendatalocale", "territories", "load", "--source", source,
                            "--departement", DEMO_DEPARTEMENT)
        print(f"round {round_}: database created and migrated in {created:.1f} s, "
              f"département {DEMO_DEPARTEMENT} loaded in {demo:.1f} s (ckan command); "
              f"{planner_view(engine)}", flush=True)
        seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
        first.append(seconds)
        print(f"round {round_}: France      {seconds:6.1f} s  ({changes_line(changes)})",
              flush=True)
        seconds, changes = stopwatch(loader.load_in_transaction, engine, cog_data, wanted)
        rerun.append(seconds)
        verdict = "ok" if changes.total == 0 and not changes.moved_ids else "UNEXPECTED CHANGES"
        print(f"round {round_}: rerun       {seconds:6.1f} s  ({changes.total} changes: "
              f"{verdict}; {changes_line(changes)})", flush=True)
    print(f"France, first load: median {statistics.median(first):6.1f} s   "
          f"(rounds {', '.join(f'{t:.1f}' for t in first)}; target < 60 s, aim < 10 s)")
    print(f"rerun:              median {statistics.median(rerun):6.1f} s   "
          f"(rounds {', '.join(f'{t:.1f}' for t in rerun)}; target < 5 s)")
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
    """The same as without this extension (patched in this process only):
    core's create and show schemas, and core's ``organization_show`` listing
    the parents (this extension's lists them itself, so core's show schema
    would find no parent to check). Core's ``no_loops_in_hierarchy`` then runs
    when organization_create shows the new organisation, and loads every
    organisation to do so."""
    from ckan.logic import schema
    from ckanext.opendatalocale.territories.logic import action
    from ckanext.opendatalocale.territories.plugin import TerritoriesPlugin
    with mock.patch.multiple(
            TerritoriesPlugin,
            create_group_schema=lambda self: schema.default_create_group_schema(),
            show_group_schema=lambda self: schema.default_show_group_schema()), \
            mock.patch.object(action, "_show_with_parents",
                              lambda next_action, context, data_dict:
                              next_action(context, data_dict)):
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
        bench_loader(engine, source, cog_data, wanted)
        clear_search_cache()
        ensure_sysadmin()
        bench_naive(len(wanted))
        create_datasets(cog_data)
        # fresh planner statistics, as autovacuum gives within a minute of a
        # load in production; the timed loads above ran without
        print("(ANALYZE of the whole database before the pages, as autovacuum "
              "would do in production)", flush=True)
        autocommit_sql(engine, "ANALYZE")
    # a client of the whole WSGI stack (CKAN's middleware sets the language),
    # as CKAN's own test client does; each request gets its own context
    bench_pages(Client(app, flask_app.response_class), config["ckan.site_url"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
