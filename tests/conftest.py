"""Fixtures shared by the whole suite (CKAN's pytest plugin provides the rest:
``app``, ``with_plugins``, ``ckan_config``…)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# plugins with alembic migrations, in the order they must be applied
MIGRATED_PLUGINS = ("activity", "opendatalocale_search", "opendatalocale_validation",
                    "opendatalocale_territories", "opendatalocale_report")


@pytest.fixture
def clean_db(reset_db, migrate_db_for, suite_plugins):
    """CKAN's ``clean_db`` drops plugin tables: migrate back those of the
    plugins the test loads."""
    from ckan import plugins
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        if plugins.plugin_loaded(plugin):
            migrate_db_for(plugin)


@pytest.fixture(autouse=True)
def suite_plugins(with_plugins):
    """Every test runs with the plugins of test.ini loaded."""


@pytest.fixture(autouse=True)
def rq_connection_for_workers(monkeypatch):
    """RQ finds its Redis connection on a stack local to the thread (and
    greenlet: Playwright's sync API runs on greenlets) that CKAN fills once,
    where a queue is first asked for (``jobs._connect``). When that was a
    browser test's server thread, a ``Worker()`` made by the test finds no
    connection: tests' workers get CKAN's connection explicitly."""
    from ckan.lib import jobs
    from ckan.lib.redis import connect_to_redis
    made = jobs.Worker.__init__

    def with_connection(self, *args, **kwargs):
        kwargs.setdefault("connection", connect_to_redis())
        made(self, *args, **kwargs)
    monkeypatch.setattr(jobs.Worker, "__init__", with_connection)


@pytest.fixture(autouse=True)
def neutral_factory_text(monkeypatch):
    """CKAN's factories give datasets random English notes, whose words
    ("budget", "economy"…) would make text searches flaky: a fixed,
    word-poor description instead (tests set their own when it matters)."""
    from ckan.tests import factories
    monkeypatch.setattr(factories.fake, "text", lambda *args, **kwargs: "Lorem ipsum.")


@pytest.fixture
def live_server(app, monkeypatch):
    """The test app served over HTTP on 127.0.0.1, for browser journeys. The
    portal's ``ckan.site_url`` is the server's own: CKAN's scripts load their
    translations from it and redirects go there, as on a real portal."""
    import threading
    from werkzeug.serving import make_server
    from ckan.common import config

    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setitem(config, "ckan.site_url", url)
    yield url
    server.shutdown()


ARTIFACTS = Path(os.environ.get("OPENDATALOCALE_TEST_ARTIFACTS")
                 or Path(__file__).resolve().parent.parent / "test-artifacts")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item, for fixtures to see a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture
def browser(request):
    """Headless Debian Chromium driven by Playwright (never a downloaded browser).
    When the test fails, a screenshot of every page still open is kept in
    ``test-artifacts/<test>/`` (CI keeps that folder)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield chromium
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            _keep_screenshots(chromium, request.node.nodeid)
        chromium.close()


def _keep_screenshots(chromium, nodeid: str) -> None:
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
    folder.mkdir(parents=True, exist_ok=True)
    pages = [page for context in chromium.contexts for page in context.pages]
    for number, page in enumerate(pages, 1):
        try:
            page.screenshot(path=str(folder / f"page-{number}.png"), full_page=True)
            (folder / f"page-{number}.url").write_text(page.url + "\n")
        except Exception as error:  # a closed or crashed page: say so, keep going
            (folder / f"page-{number}.error").write_text(f"{error}\n")
