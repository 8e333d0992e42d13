"""One load by ckanext-xloader 2.6.0, in its own process and virtualenv
(run by bench/datastore/run.py with bench/datastore/.venv-xloader/bin/python).

In a CKAN 2.11.6 app with the plugins ``datastore xloader`` (the ini run.py
writes): an organisation, a dataset and a resource (a link: the loader is
given the file's path, as its job is after downloading it). Search indexing
is switched off in this process (there is no Solr here: CKAN's
``dispatch_by_operation`` and ``index_package`` made no-ops, and a package
search answers none),
which touches nothing the loaders do.

PATH ``csv``: what xloader's job runs for its COPY path (``direct_load`` in
``jobs.py``), timed as a whole: ``loader.load_csv(path, resource_id=…,
mimetype="text/csv", logger=…)`` (tabulator re-encodes the file, COPY, the
``_full_text`` UPDATE), ``calculate_record_count`` (ANALYZE) and
``create_column_indexes``; the phases timed by wrapping the module's own
functions.

PATH ``table``: its typed path (``tabulator_load``): ``loader.load_table(…)``
(types guessed on a sample by tabulator, rows converted, inserted 250 at a
time by ``datastore_create``), then ``calculate_record_count``. Stopped after
``--cap`` seconds (SIGALRM): the rows it had written by then are counted.

Prints one JSON line (seconds, rows, column types, indexes, phases, peak RSS
before the load and after); the table is dropped afterwards unless --keep.

Usage: python load_xloader.py INI CSV {csv,table} [--cap SECONDS] [--keep]
"""
from __future__ import annotations

import argparse
import json
import logging
import resource
import signal
import sys
import time
import uuid
from collections import defaultdict


class Capped(BaseException):
    """The cap was reached (BaseException: not caught by the loader's handlers)."""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table_facts(engine, resource_id: str) -> dict:
    import sqlalchemy as sa
    with engine.connect() as conn:
        exists = conn.execute(sa.text("SELECT to_regclass(:n) IS NOT NULL"),
                              {"n": f'public."{resource_id}"'}).scalar()
        if not exists:
            return {"rows": 0, "indexes": 0, "table_mb": 0, "columns": []}
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
    parser.add_argument("ini")
    parser.add_argument("csv")
    parser.add_argument("path", choices=["csv", "table"])
    parser.add_argument("--cap", type=float, default=1800)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    app = make_app(load_config(args.ini))
    flask_app = getattr(app, "_wsgi_app", app)

    import ckan.lib.search as search
    import ckan.plugins.toolkit as tk
    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.xloader import loader

    # no Solr in the bench: nothing indexed, searches (an organisation's
    # dataset count) answer none
    search.dispatch_by_operation = lambda *a, **k: None

    def no_search(self, query, *args, **kwargs):
        self.count, self.results, self.facets = 0, [], {}
        return {"count": 0, "results": [], "facets": {}}
    search.query.PackageSearchQuery.run = no_search
    search.index.PackageSearchIndex.index_package = lambda *a, **k: None
    logger = logging.getLogger("bench-xloader")
    logger.setLevel(logging.WARNING)

    phases: dict = defaultdict(float)

    def timed(what, function):
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                phases[what] += time.perf_counter() - start
        return wrapper

    with flask_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = lambda: {"ignore_auth": True, "user": site_user["name"]}  # noqa: E731
        try:
            org = tk.get_action("organization_show")(context(), {"id": "commune-35238"})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(context(), {
                "name": "commune-35238", "title": "Rennes"})
        dataset = tk.get_action("package_create")(context(), {
            "name": f"deliberations-bench-{args.path}-{uuid.uuid4().hex[:8]}",
            "title": "Délibérations (bench)", "owner_org": org["id"]})
        res = tk.get_action("resource_create")(context(), {
            "package_id": dataset["id"], "name": "deliberations.csv", "format": "CSV",
            "url": "http://127.0.0.1:9/deliberations.csv"})
        resource_id = res["id"]

        before = rss_mb()
        capped = False
        if args.path == "csv":
            loader.split_copy_by_size = timed("COPY (split_copy_by_size)",
                                              loader.split_copy_by_size)
            loader._populate_fulltext = timed("full-text UPDATE (_populate_fulltext)",
                                              loader._populate_fulltext)
            start = time.perf_counter()
            fields = timed("load_csv (total)", loader.load_csv)(
                args.csv, resource_id=resource_id, mimetype="text/csv", logger=logger)
            timed("ANALYZE (calculate_record_count)", loader.calculate_record_count)(
                resource_id=resource_id, logger=logger)
            timed("indexes (create_column_indexes)", loader.create_column_indexes)(
                fields=fields, resource_id=resource_id, logger=logger)
            seconds = time.perf_counter() - start
        else:
            loader.send_resource_to_datastore = timed(
                "datastore_create of 250 rows (all calls)", loader.send_resource_to_datastore)

            def stop(_signum, _frame):
                raise Capped()
            signal.signal(signal.SIGALRM, stop)
            signal.setitimer(signal.ITIMER_REAL, args.cap)
            start = time.perf_counter()
            try:
                timed("load_table (total)", loader.load_table)(
                    args.csv, resource_id=resource_id, mimetype="text/csv", logger=logger)
                signal.setitimer(signal.ITIMER_REAL, 0)
                timed("ANALYZE (calculate_record_count)", loader.calculate_record_count)(
                    resource_id=resource_id, logger=logger)
            except Capped:
                capped = True
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - start
        result = {"loader": f"xloader {args.path}", "seconds": seconds, "capped": capped,
                  "rss_before_mb": before, "rss_after_mb": rss_mb(), "phases": dict(phases)}
        result.update(table_facts(get_write_engine(), resource_id))
        if not args.keep and result["columns"]:
            tk.get_action("datastore_delete")(context(), {"resource_id": resource_id,
                                                         "force": True})
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    sys.exit(main())
