"""One load by OUR loader, in its own process (run by bench/datastore/run.py).

In CKAN's app (test.ini with our plugins; databases, Redis and storage from
the environment run.py sets): an organisation, a "deliberations" dataset and
a resource uploaded with the file's header and first row, whose upload is
then replaced by the big file (a hard link: the upload path holds it, as
after a real upload; ``ckan.max_resource_size`` and the copy are skipped).
Then ``ckanext.opendatalocale.tables.load.load(resource_id)`` is timed, as
the jobs worker runs it. Its phases are timed from outside, without changing
it: the file's hash, the conversion to typed CSV (``tables.write_copy_csv``,
Python), and each SQL statement of ``_fill`` by its kind (COPY, the INSERT …
SELECT or UPDATE that writes the full-text column, index rebuild — each
index's own time too —, ANALYZE, commit) through a timing wrapper of the
write engine.

Prints one JSON line: seconds, rows, the table's column types and indexes,
the phases, the peak RSS before the load (start-up) and after.
The table is dropped afterwards (``datastore_delete``), outside the timing.

Usage: python bench/datastore/load_ours.py CSV ROUND [--profile FILE] [--keep]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _TimedCursor:
    def __init__(self, cursor, phases):
        self._cursor, self._phases = cursor, phases

    @staticmethod
    def kind(statement: str) -> str:
        words = statement.lstrip().split(None, 3)
        head = " ".join(words[:2]).upper()
        if head.startswith("COPY"):
            return "COPY"
        if head.startswith("UPDATE"):
            return "full-text UPDATE"
        if head.startswith("INSERT"):
            return "INSERT … SELECT (with full text)"
        if head.startswith("CREATE") and "INDEX" in " ".join(words[:3]).upper():
            return "index rebuild"
        if head.startswith("ANALYZE"):
            return "ANALYZE"
        return "other SQL"

    def _timed(self, what, call, *args, **kwargs):
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self._phases[what] += time.perf_counter() - start

    def execute(self, statement, *args, **kwargs):
        kind = self.kind(statement)
        start = time.perf_counter()
        try:
            return self._timed(kind, self._cursor.execute, statement, *args, **kwargs)
        finally:
            if kind == "index rebuild":   # each index's own time, by what it indexes
                what = statement.split(" ON ", 1)[-1].split(" ", 1)[-1].strip()
                self._phases.setdefault("indexes", {})[what] = time.perf_counter() - start

    def copy_expert(self, statement, *args, **kwargs):
        return self._timed("COPY", self._cursor.copy_expert, statement, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class _TimedRaw:
    def __init__(self, raw, phases):
        self._raw, self._phases = raw, phases

    def cursor(self, *args, **kwargs):
        return _TimedCursor(self._raw.cursor(*args, **kwargs), self._phases)

    def commit(self):
        start = time.perf_counter()
        try:
            return self._raw.commit()
        finally:
            self._phases["commit"] += time.perf_counter() - start

    def __getattr__(self, name):
        return getattr(self._raw, name)


class _TimedEngine:
    def __init__(self, engine, phases):
        self._engine, self._phases = engine, phases

    def raw_connection(self):
        return _TimedRaw(self._engine.raw_connection(), self._phases)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def instrument(phases: dict) -> None:
    """Time the loader's phases from outside (the module's own names wrapped)."""
    from ckanext.opendatalocale.scdl import tables
    from ckanext.opendatalocale.tables import load as loader

    def timed(what, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[what] += time.perf_counter() - start
        return wrapper

    write_engine = loader._write_engine
    loader._write_engine = lambda: _TimedEngine(write_engine(), phases)
    loader._hash = timed("hash (sha256)", loader._hash)
    tables.write_copy_csv = timed("Python conversion (write_copy_csv)", tables.write_copy_csv)
    loader._fill = timed("_fill (SQL, total)", loader._fill)


def table_facts(engine, resource_id: str) -> dict:
    import sqlalchemy as sa
    with engine.connect() as conn:
        columns = conn.execute(sa.text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"),
            {"t": resource_id}).all()
        rows = conn.execute(sa.text(f'SELECT count(*) FROM "{resource_id}"')).scalar()
        indexes = conn.execute(sa.text(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename = :t"),
            {"t": resource_id}).scalar()
        size = conn.execute(sa.text("SELECT pg_total_relation_size(to_regclass(:n))"),
                            {"n": f'public."{resource_id}"'}).scalar()
    return {"rows": rows, "indexes": indexes, "table_mb": size / 1e6,
            "columns": [[n, t] for n, t in columns if not n.startswith("_")]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("round", type=int)
    parser.add_argument("--profile", help="cProfile of the load, written there")
    parser.add_argument("--keep", action="store_true", help="keep the table")
    args = parser.parse_args()
    big = Path(args.csv)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)

    import ckan.plugins.toolkit as tk
    from ckan.lib import uploader
    from werkzeug.datastructures import FileStorage

    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.opendatalocale.tables import load as loader

    with flask_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = lambda: {"ignore_auth": True, "user": site_user["name"]}  # noqa: E731
        try:
            org = tk.get_action("organization_show")(context(), {"id": "commune-35238"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(context(), {
                "name": "commune-35238", "title": "Rennes"})
        dataset = tk.get_action("package_create")(context(), {
            "type": "deliberations", "name": f"deliberations-bench-{args.round}-"
            f"{uuid.uuid4().hex[:8]}", "title": f"Délibérations (bench, round {args.round})",
            "owner_org": org["id"]})
        with big.open("rb") as f:
            head = f.readline() + f.readline()
        res = tk.get_action("resource_create")(context(), {
            "package_id": dataset["id"], "name": big.name, "format": "CSV",
            "upload": FileStorage(io.BytesIO(head), big.name, content_type="text/csv")})
        path = uploader.get_resource_uploader(res).get_path(res["id"])
        os.unlink(path)
        try:
            os.link(big, path)
        except OSError:
            shutil.copyfile(big, path)

        phases: dict = defaultdict(float)
        instrument(phases)
        before = rss_mb()
        profiler = None
        if args.profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        state = loader.load(res["id"])
        seconds = time.perf_counter() - start
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        indexes = phases.pop("indexes", {})
        result = {"loader": "ours", "state": state, "seconds": seconds,
                  "rss_before_mb": before, "rss_after_mb": rss_mb(),
                  "phases": dict(phases), "index_seconds": indexes}
        if state != "loaded":
            saved = loader.state_of(res["id"]) or {}
            result["error"] = str(saved.get("error"))
        else:
            result.update(table_facts(get_write_engine(), res["id"]))
            if not args.keep:
                tk.get_action("datastore_delete")(context(), {"resource_id": res["id"],
                                                             "force": True})
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    sys.exit(main())
