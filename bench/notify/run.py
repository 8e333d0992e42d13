"""The notifications at the scale of France (`make bench-notify`).

On its own bench database (DROPPED and created again each round), ROUNDS
rounds of:

1. set-up, bench/history's own (its functions, imported as bench/history
   imports bench/report): a database created just before, every territory
   of the COG (≈36 400 organisations), 100 000 synthetic SCDL datasets,
   today's observatoire snapshot and ten years of daily history before it.
   No VACUUM nor ANALYZE;
2. people, written with COPY into CKAN's ``user`` and ``member`` tables
   (the columns of CKAN's model): one editor with an e-mail address for
   every EPCI, département and région (the digest's agents; one in four
   chose the monthly digest, the others the weekly default) and one admin
   with an e-mail address for every commune the law obliges to publish
   (extra ``obligation`` = true: the monthly « manquant » reminder). The
   territory relation the observatoire reads is checked unchanged;
3. a real SMTP server on localhost (aiosmtpd), set as ``smtp.server``;
4. measures, in a request context on ``ckan.site_url`` as the command has:
   the first run of a week that is also the first of a month (the last
   Tuesday the 1st up to today, 08:00 UTC: the weekly and the monthly
   digests are due, and the month's reminders), each phase as
   ``notices.run`` calls it (find_stale, find_missing, find_digests, the
   commit, compose, send) and the total; where compose and send spend their
   time (the calls they make, timed by wrappers: the digests' history and
   live report, ``organization_show``, the mailer…); then a second run the
   same day, an hour later, which must write and send nothing; the size of
   the notification tables.

A benchmark, not a test: it prints figures and checks only that the run is
sane (every mail received by the SMTP server, none failed, the second run
sends nothing).

Usage: python bench/notify/run.py COG_DATA_FOLDER
(environment: CKAN_SQLALCHEMY_URL pointing at the bench database — dropped
and created again —, CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import random
import socket
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 2
SEED = 2026
MONTHLY_SHARE = 0.25  # agents who chose the monthly digest
AGENT_LEVELS = ("epci", "departement", "region")
PHASES = ("find_stale", "find_missing", "find_digests", "commit", "compose", "send")

_spec = importlib.util.spec_from_file_location("bench_history", ROOT / "bench/history/run.py")
history_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(history_bench)  # type: ignore[union-attr]
report_bench = history_bench.report_bench  # bench/report, as bench/history loaded it


# -- 1. set-up: bench/history's -----------------------------------------------------

def set_up(engine, cog_data, wanted, types) -> date:
    """France, the datasets, today's snapshot and ten years of history, by
    bench/history's and bench/report's functions; returns today."""
    import ckan.model as model
    from ckanext.opendatalocale.report import history

    seconds, _ = report_bench.stopwatch(report_bench.fresh_database, engine)
    print(f"database dropped, created and migrated in {seconds:.1f} s", flush=True)
    report_bench.load_france(engine, cog_data, wanted)
    report_bench.generate(engine, types)
    today = history.today()
    seconds, taken = report_bench.stopwatch(history.take, today)
    model.Session.commit()
    print(f"today's snapshot: {taken.territories} territories, {taken.written} rows, "
          f"in {seconds:.1f} s", flush=True)
    seconds, written = report_bench.stopwatch(history_bench.ten_years, engine, today,
                                              random.Random(SEED))
    print(f"ten years of history written in {seconds:.1f} s ({written} rows)", flush=True)
    return today


# -- 2. people --------------------------------------------------------------------------

_TERRITORIES = """
SELECT g.id, g.name, coalesce(nullif(g.title, ''), g.name), l.value,
       coalesce(o.value, '') = 'true'
FROM "group" g
JOIN group_extra l ON l.group_id = g.id AND l.key = 'territory_level' AND l.state = 'active'
LEFT JOIN group_extra o ON o.group_id = g.id AND o.key = 'obligation' AND o.state = 'active'
WHERE g.is_organization AND g.state = 'active'
ORDER BY g.name
"""


def _row(table, values: dict) -> tuple:
    """``values`` in the order of CKAN's model table, every column given."""
    columns = [c.name for c in table.c]
    assert set(values) == set(columns), (table.name, set(columns) ^ set(values))
    return tuple(values[c] for c in columns)


def people(engine, rng: random.Random) -> dict[str, int]:
    """The agents and the obliged communes' admins, with COPY; counts."""
    import ckan.model as model
    from ckanext.opendatalocale.notify.model import setting_table

    with engine.connect() as conn:
        territories = conn.exec_driver_sql(_TERRITORIES).all()
    created = datetime.now(timezone.utc).replace(tzinfo=None)  # CKAN's naive UTC
    users, members, settings = [], [], []
    counts: Counter = Counter()
    for org_id, org_name, title, level, obliged in territories:
        if level in AGENT_LEVELS:
            name, capacity, fullname = f"agent-{org_name}", "editor", f"Agent de {title}"
        elif level == "commune" and obliged:
            name, capacity, fullname = f"maire-{org_name}", "admin", f"Maire de {title}"
        else:
            continue
        user_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        users.append(_row(model.user_table, {
            "id": user_id, "name": name, "password": None, "fullname": fullname,
            "email": f"{name}@example.org", "apikey": None, "created": created.isoformat(),
            "reset_key": None, "about": None, "last_active": None,
            "activity_streams_email_notifications": False, "sysadmin": False,
            "state": "active", "image_url": None, "plugin_extras": None}))
        members.append(_row(model.member_table, {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "table_name": "user",
            "table_id": user_id, "capacity": capacity, "group_id": org_id,
            "state": "active"}))
        if capacity == "editor":
            monthly = rng.random() < MONTHLY_SHARE
            counts["agents, monthly" if monthly else "agents, weekly"] += 1
            counts[f"agents of {level}"] += 1
            if monthly:
                settings.append(_row(setting_table, {"user_id": user_id, "off": "{}",
                                                     "digest": "monthly"}))
        else:
            counts["obliged communes' admins"] += 1
    check = _territory_check()
    with engine.connect() as conn:
        before = conn.exec_driver_sql(check).scalar()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        report_bench.copy(cursor, '"user"', [c.name for c in model.user_table.c], users)
        report_bench.copy(cursor, "member", [c.name for c in model.member_table.c], members)
        report_bench.copy(cursor, setting_table.name, [c.name for c in setting_table.c],
                          settings)
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as conn:
        after = conn.exec_driver_sql(check).scalar()
        rows = conn.exec_driver_sql("SELECT count(*) FROM opendatalocale_territory").scalar()
    # what the observatoire reads (and the digest's territories) must not have moved:
    # opendatalocale_territory against CKAN's tables, as the territories plugin computes it
    assert before == after == 0, f"territory relation differs from CKAN's tables: {before}, {after}"
    print(f"people: {len(users)} users and memberships written with COPY ("
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"); opendatalocale_territory: {rows} rows, none differs from CKAN's tables",
          flush=True)
    return dict(counts)


def _territory_check() -> str:
    from ckanext.opendatalocale.territories.table import TERRITORY_ROWS
    return f"""
WITH fresh AS MATERIALIZED ({TERRITORY_ROWS})
SELECT (SELECT count(*) FROM (SELECT id, name, title, parent_id, level, code, population,
                                     obliged, status, merged_into FROM fresh
                              EXCEPT SELECT id, name, title, parent_id, level, code,
                                            population, obliged, status, merged_into
                              FROM opendatalocale_territory) a)
     + (SELECT count(*) FROM (SELECT id, name, title, parent_id, level, code, population,
                                     obliged, status, merged_into
                              FROM opendatalocale_territory
                              EXCEPT SELECT id, name, title, parent_id, level, code,
                                            population, obliged, status, merged_into
                              FROM fresh) b)
"""


# -- 3. the SMTP server -----------------------------------------------------------------

class Inbox:
    """What the server received: counted, the first of each subject kept."""

    def __init__(self):
        self.received = 0
        self.bytes = 0
        self.recipients: Counter = Counter()
        self.samples: dict[str, bytes] = {}

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        self.bytes += len(envelope.content)
        for address in envelope.rcpt_tos:
            self.recipients[address] += 1
        prefix = "digest" if b"Les donn" in envelope.content[:4000] else "other"
        self.samples.setdefault(prefix, envelope.content)
        return "250 OK"


@contextlib.contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller
    from ckan.common import config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: config.get(key) for key in ("smtp.server", "smtp.mail_from")}
    config["smtp.server"] = f"127.0.0.1:{port}"
    config["smtp.mail_from"] = "portail@example.org"
    try:
        yield inbox
    finally:
        for key, value in saved.items():
            config[key] = value
        controller.stop()


# -- 4. measures --------------------------------------------------------------------------

def first_tuesday_first(today: date) -> date:
    """The last Tuesday the 1st up to ``today``: a new week and a new month."""
    day = today.replace(day=1)
    while day.weekday() != 1:
        day = (day - timedelta(days=1)).replace(day=1)
    return day


class Calls:
    """Time spent in some functions the phases call (wrapped while watched)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()

    @contextlib.contextmanager
    def watching(self, targets):
        saved = []
        for module, attribute, label in targets:
            original = getattr(module, attribute)

            @functools.wraps(original)
            def wrapper(*args, _original=original, _label=label, **kwargs):
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.seconds[_label] += time.perf_counter() - start
                    self.calls[_label] += 1
            setattr(module, attribute, wrapper)
            saved.append((module, attribute, original))
        try:
            yield self
        finally:
            for module, attribute, original in saved:
                setattr(module, attribute, original)

    def lines(self, total: float) -> list[str]:
        return [f"      {label:44s} {self.calls[label]:6d} calls {seconds:8.1f} s "
                f"({100 * seconds / total if total else 0:4.1f} %)"
                for label, seconds in sorted(self.seconds.items(), key=lambda i: -i[1])]


def _targets():
    from ckan.lib import mailer
    from ckanext.opendatalocale.notify import digests, messages, notices, settings
    compose = [
        (digests, "_changes", "digests._changes (scdl_compliance_history)"),
        (digests, "_wrong", "digests._wrong (scdl_compliance_show)"),
        (digests, "agents", "digests.agents (one agent)"),
        (messages, "digest_mail", "messages.digest_mail"),
        (notices, "_active", "notices._active (organization_show, package_show)"),
        (notices, "recipients", "notices.recipients"),
        (messages, "missing_mail", "messages.missing_mail"),
        (settings, "wants", "settings.wants"),
    ]
    send = [(mailer, "mail_recipient", "mailer.mail_recipient (SMTP)"),
            (settings, "wants", "settings.wants")]
    return compose, send


def first_run(now: datetime) -> tuple[dict[str, float], dict[str, int], list[str]]:
    """The phases of ``notices.run(now)``, each timed; counts; where the time goes."""
    import ckan.model as model
    from ckanext.opendatalocale.notify import notices

    model.Session.remove()
    result = notices.Run()
    seconds: dict[str, float] = {}
    found: dict[str, int] = {}
    seconds["find_stale"], found["stale events"] = report_bench.stopwatch(
        notices.find_stale, now)
    print(f"  find_stale   {seconds['find_stale']:8.1f} s  {found['stale events']} events",
          flush=True)
    seconds["find_missing"], found["manquant events"] = report_bench.stopwatch(
        notices.find_missing, now)
    print(f"  find_missing {seconds['find_missing']:8.1f} s  {found['manquant events']} events",
          flush=True)
    seconds["find_digests"], found["digest events"] = report_bench.stopwatch(
        notices.find_digests, now)
    print(f"  find_digests {seconds['find_digests']:8.1f} s  {found['digest events']} events",
          flush=True)
    seconds["commit"], _ = report_bench.stopwatch(model.Session.commit)
    compose_targets, send_targets = _targets()
    detail = []
    with Calls().watching(compose_targets) as calls:
        seconds["compose"], _ = report_bench.stopwatch(notices.compose, now, result)
    print(f"  compose      {seconds['compose']:8.1f} s  {result.events} events, {result.mails} "
          f"mails written, {result.empty_digests} empty digests", flush=True)
    detail += ["    compose:", *calls.lines(seconds["compose"])]
    with Calls().watching(send_targets) as calls:
        seconds["send"], _ = report_bench.stopwatch(notices.send, now, result)
    print(f"  send         {seconds['send']:8.1f} s  {result.sent} sent, {result.failed} failed",
          flush=True)
    detail += ["    send:", *calls.lines(seconds["send"])]
    seconds["total"] = sum(seconds[p] for p in PHASES)
    print(f"  total        {seconds['total']:8.1f} s  (commit after the finds: "
          f"{seconds['commit']:.2f} s)", flush=True)
    found.update({"events (with a mail)": result.events, "mails written": result.mails,
                  "sent": result.sent, "failed": result.failed,
                  "empty digests": result.empty_digests,
                  "without e-mail": result.without_email, "not wanted": result.not_wanted})
    return seconds, found, detail


def table_sizes(engine) -> dict[str, tuple[int, float]]:
    found = {}
    with engine.connect() as conn:
        for table in ("opendatalocale_notify_event", "opendatalocale_notify_mail"):
            rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            size = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar()
            found[table] = (rows, size / 2**20)
    return found


def mail_kinds(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {f"{kind} {status}": n for kind, status, n in conn.exec_driver_sql(
            "SELECT kind, status, count(*) FROM opendatalocale_notify_mail "
            "GROUP BY kind, status ORDER BY kind, status").all()}


def measure(flask_app, engine, now: datetime, agents: int) -> dict[str, float]:
    import ckan.model as model
    from ckan.common import config
    from ckanext.opendatalocale.notify import notices

    figures: dict[str, float] = {}
    with smtp_server() as inbox, \
            flask_app.test_request_context(base_url=config.get("ckan.site_url")):
        print(f"first run, now = {now.isoformat()} ({now:%A}: a new week and a new month):",
              flush=True)
        seconds, found, detail = first_run(now)
        print("\n".join(detail))
        kinds = mail_kinds(engine)
        print("  counts: " + ", ".join(f"{k} {v}" for k, v in found.items()))
        print("  mails by kind and status: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
        print(f"  SMTP server: {inbox.received} messages to {len(inbox.recipients)} addresses, "
              f"{inbox.bytes / 2**20:.1f} MiB", flush=True)
        # sanity: every mail written was sent and received, once; every agent had a digest
        # due (a mail or an empty one)
        assert found["failed"] == 0, "mails failed"
        assert found["sent"] == found["mails written"] == inbox.received, \
            (found["sent"], found["mails written"], inbox.received)
        assert max(inbox.recipients.values(), default=1) == 1, "someone received two mails"
        assert found["digest events"] == agents, (found["digest events"], agents)
        digests_sent = sum(v for k, v in kinds.items() if k.startswith("digest "))
        assert digests_sent + found["empty digests"] == agents, (digests_sent, agents)
        figures.update({f"1st run: {p}": s for p, s in seconds.items()})
        figures.update({f"count: {k}": v for k, v in found.items()})
        figures["count: digest mails"] = digests_sent

        later = now + timedelta(hours=1)
        model.Session.remove()
        received = inbox.received
        again_seconds, again = report_bench.stopwatch(notices.run, later)
        print(f"second run, now = {later.isoformat()}: {again_seconds:.2f} s, "
              f"{again.events} events, {again.mails} mails, {again.sent} sent", flush=True)
        assert again.events == again.mails == again.sent == again.failed == 0, again
        assert inbox.received == received
        figures["2nd run (same day): total"] = again_seconds
    for table, (rows, mib) in table_sizes(engine).items():
        print(f"  {table}: {rows} rows, {mib:.2f} MiB (pg_total_relation_size)")
        figures[f"size MiB: {table}"] = mib
        figures[f"rows: {table}"] = rows
    return figures


def print_table(rounds: list[dict[str, float]], started: float) -> None:
    print(f"\n== Notifications, France — {datetime.now().isoformat(timespec='minutes')}, "
          f"{os.cpu_count()} cores; {ROUNDS} rounds on a database created just before ==")
    print("seconds unless said; per round, then the median of the rounds")
    print(f"{'what':44s} | {'per round':>24s} | {'median':>9s}")
    print("-" * 84)
    for what in rounds[-1]:
        values = [r[what] for r in rounds if what in r]
        integer = what.startswith(("count", "rows"))
        cell = ", ".join(f"{v:.0f}" if integer else f"{v:.2f}" for v in values)
        median = statistics.median(values)
        print(f"{what:44s} | {cell:>24s} | {median:9.0f}" if integer else
              f"{what:44s} | {cell:>24s} | {median:9.2f}")
    print(f"\nwhole benchmark: {(time.perf_counter() - started) / 60:.1f} min")


def main(source: str) -> None:
    started = time.perf_counter()
    url = os.environ.get("CKAN_SQLALCHEMY_URL", "")
    name = url.rsplit("/", 1)[-1]
    if not name.startswith("opendatalocale_bench"):
        sys.exit("set CKAN_SQLALCHEMY_URL to the bench database, dropped and created again "
                 "(see `make bench-notify`)")
    import ckan
    import ckan.model as model
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.territories import cog

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)
    engine = model.meta.engine
    report_bench.check_database(engine)
    print(f"Notifications benchmark — {datetime.now().isoformat(timespec='minutes')}, "
          f"CKAN {ckan.__version__}, {os.cpu_count()} cores, database {engine.url.database} "
          "(dropped and created again each round)")
    types = [entry.slug for entry in catalogue().entries]
    cog_data = cog.read(source)
    wanted = cog_data.scope()
    rounds = []
    for round_ in range(1, ROUNDS + 1):
        print(f"\n== round {round_}/{ROUNDS} ==", flush=True)
        round_started = time.perf_counter()
        with flask_app.test_request_context():
            today = set_up(engine, cog_data, wanted, types)
            counts = people(engine, random.Random(SEED))
        agents = counts["agents, weekly"] + counts["agents, monthly"]
        day = first_tuesday_first(today)
        figures = measure(flask_app, engine, datetime(day.year, day.month, day.day, 8,
                                                      tzinfo=timezone.utc), agents)
        figures["round, set-up included (min)"] = (time.perf_counter() - round_started) / 60
        rounds.append(figures)
    print_table(rounds, started)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
