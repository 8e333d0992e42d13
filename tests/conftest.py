"""Fixtures shared by the whole suite (CKAN's pytest plugin provides the rest:
``app``, ``with_plugins``, ``ckan_config``…)."""
from __future__ import annotations

import configparser
import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# plugins with alembic migrations, in the order they must be applied
MIGRATED_PLUGINS = ("activity", "opendatalocale_search", "opendatalocale_validation",
                    "opendatalocale_territories", "opendatalocale_report",
                    "opendatalocale_entry", "opendatalocale_tables",
                    "opendatalocale_consolidation", "opendatalocale_dotation",
                    "opendatalocale_guides", "opendatalocale_notify")


DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/opendatalocale_test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def _suite_urls(config) -> tuple[str, str]:
    """The database and Redis the suite was given: CKAN's environment
    variables (as `make test` sets them), else test.ini's."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(config.getoption("ckan_ini", None) or "test.ini", encoding="utf-8")
    section = ini["app:main"] if ini.has_section("app:main") else {}
    return (os.environ.get("CKAN_SQLALCHEMY_URL")
            or section.get("sqlalchemy.url", DEFAULT_DB_URL),
            os.environ.get("CKAN_REDIS_URL") or section.get("ckan.redis.url", DEFAULT_REDIS_URL))


def _suite_storage(config) -> str:
    """The suite's ``ckan.storage_path`` (CKAN's environment variable, else
    test.ini's, ``%(here)s`` being test.ini's folder)."""
    ini_path = os.path.abspath(config.getoption("ckan_ini", None) or "test.ini")
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ini_path, encoding="utf-8")
    section = ini["app:main"] if ini.has_section("app:main") else {}
    path = os.environ.get("CKAN_STORAGE_PATH") or section.get("ckan.storage_path",
                                                               "%(here)s/test-storage")
    return path.replace("%(here)s", os.path.dirname(ini_path))


def worker_urls(database: str, redis: str, worker: str) -> tuple[str, str]:
    """A pytest-xdist worker's own database (``<database>_gw0``…) and Redis
    database (the suite's number plus the worker's: 1, 2… for `make test`)."""
    number = int(worker.removeprefix("gw"))
    parts = urlsplit(database)
    redis_parts = urlsplit(redis)
    redis_number = int(redis_parts.path.lstrip("/") or 0) + number
    return (urlunsplit(parts._replace(path=f"{parts.path}_{worker}")),
            urlunsplit(redis_parts._replace(path=f"/{redis_number}")))


def _copy_database(template: str, copy: str) -> None:
    """``copy`` made anew from the migrated ``template`` (PostgreSQL copies
    its files: far faster than migrating again)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(copy)
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(parts.path.lstrip("/"))))
        try:
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(parts.path.lstrip("/")),
                sql.Identifier(urlsplit(template).path.lstrip("/"))))
        except psycopg2.errors.ObjectInUse as error:
            raise pytest.UsageError(
                f"cannot copy {template} for the test workers: it is in use "
                f"(close its other sessions, or run without -n)\n{error}") from error
    conn.close()


def pytest_configure(config):
    """The ``no_database`` mark (below) declared. Under pytest-xdist (``-n N``) each worker has its own database, a copy
    of the migrated test database made by the controller before anything
    connects to it, and its own Redis database: tests reset both freely.
    A worker points CKAN at them before CKAN's plugin reads its config."""
    config.addinivalue_line("markers", f"{NO_DATABASE}: needs no database, Redis nor CKAN "
                            "(set by the suite from what the test uses; make test-fast)")
    config.addinivalue_line("markers", f"{SERVICES}: starts CKAN in another process, so needs "
                            "the database and Redis though its imports do not show it")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    database, redis = _suite_urls(config)
    with_ckan = config.pluginmanager.has_plugin("ckan")
    if worker:
        database, redis = worker_urls(database, redis, worker)
        os.environ["CKAN_SQLALCHEMY_URL"] = database
        os.environ["CKAN_REDIS_URL"] = redis
        # and its own file storage: a test that checks what a request wrote
        # must not see another worker's uploads
        os.environ["CKAN_STORAGE_PATH"] = os.path.join(_suite_storage(config), worker)
    elif getattr(config.option, "dist", "no") != "no" and not config.option.collectonly:
        for number in range(len(config.option.tx or [])):
            copy = worker_urls(database, redis, f"gw{number}")[0]
            _copy_database(database, copy)
            if with_ckan:
                _ensure_datastore(copy)
    elif with_ckan and not config.option.collectonly:
        _ensure_datastore(database)
    if with_ckan:
        write, read = datastore_urls(database)
        os.environ["CKAN_DATASTORE_WRITE_URL"] = write
        os.environ["CKAN_DATASTORE_READ_URL"] = read


DATASTORE_READER = "datastore_ro"


def datastore_urls(database: str) -> tuple[str, str]:
    """The DataStore of a test database: ``<database>_datastore``, written as
    the database's own role and read as the read-only ``datastore_ro``."""
    parts = urlsplit(database)
    path = f"{parts.path}_datastore"
    netloc = parts.netloc.rpartition("@")[2]
    return (urlunsplit(parts._replace(path=path)),
            urlunsplit(parts._replace(path=path, netloc=f"{DATASTORE_READER}@{netloc}")))


def _ensure_datastore(database: str) -> None:
    """The DataStore database and its read-only role (tools/ensure_datastore.py)."""
    import importlib.util
    tool = Path(__file__).resolve().parent.parent / "tools" / "ensure_datastore.py"
    spec = importlib.util.spec_from_file_location("ensure_datastore", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ensure(database, *datastore_urls(database))


# each plugin's alembic version as the suite's last migration left it
_migrated: dict[str, tuple] = {}


def _schema_version(plugin: str) -> tuple:
    """The plugin's alembic version(s) in the database; none without its table."""
    import sqlalchemy as sa
    from ckan import model
    try:
        with model.meta.engine.connect() as connection:
            return tuple(sorted(connection.execute(sa.text(
                f'SELECT version_num FROM "{plugin}_alembic_version"')).scalars()))
    except sa.exc.ProgrammingError:
        return ()


@pytest.fixture
def clean_db(reset_db, migrate_db_for, suite_plugins):
    """CKAN's ``clean_db`` drops plugin tables (its first reset; later ones
    empty CKAN's tables and keep the plugins'): migrate back those of the
    plugins the test loads, unless their version is still the one the last
    migration left (a migration at its head does nothing, in ~0.1 s each)."""
    from ckan import plugins
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        if plugins.plugin_loaded(plugin):
            if _migrated.get(plugin) and _schema_version(plugin) == _migrated[plugin]:
                continue
            migrate_db_for(plugin)
            _migrated[plugin] = _schema_version(plugin)


# `make test-fast`: the tests that need no database, no Redis and no CKAN
NO_DATABASE = "no_database"
# module-level names from these make a test module need CKAN or its services
NEEDS_SERVICES = ("ckan", "ckanext", "ckantoolkit", "ckanapi", "tests", "psycopg2",
                  "sqlalchemy", "redis", "rq", "flask", "werkzeug", "playwright",
                  "pytest_factoryboy")
PURE_CORE = "ckanext.opendatalocale.scdl"
# the suite's own autouse fixtures (below): they do nothing for such tests
SUITE_AUTOUSE = ("suite_plugins", "rq_connection_for_workers", "neutral_factory_text")


# a test that starts CKAN in another process (the `ckan` command, a make
# target) says so: its imports do not show it
SERVICES = "services"


def _needs_services(name: str, module: str) -> bool:
    if name == module or name == PURE_CORE or name.startswith(PURE_CORE + "."):
        return False
    if name.startswith("tests.") and not name.endswith("conftest"):
        import sys  # a helper module of the suite: as pure as what it imports
        helper = sys.modules.get(name)
        return helper is None or not _pure_module(helper)
    return name.split(".")[0] in NEEDS_SERVICES


def _pure_module(module) -> bool:
    """No module-level name of the test module comes from CKAN, a plugin (the
    pure core excepted), a database or browser client, or the suite's
    conftests (their CKAN fixtures) or a helper module that does."""
    import inspect
    for value in vars(module).values():
        origin = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
        if isinstance(origin, str) and origin != module.__name__ \
                and _needs_services(origin, module.__name__):
            return False
    return True


def _pure_fixtures(item) -> bool:
    """No fixture the test asks for (the suite's autouse ones aside), nor any
    those ask for, comes from CKAN, the suite's conftests or a client of a
    service: pytest's own, its module's or a plain plugin's (Faker's)."""
    names = [name for name in item._fixtureinfo.initialnames if name not in SUITE_AUTOUSE]
    seen = set()
    while names:
        name = names.pop()
        if name in seen or name == "request":
            continue
        seen.add(name)
        definitions = item._fixtureinfo.name2fixturedefs.get(name)
        if not definitions:
            return False  # a fixture pytest does not know here: CKAN's, say
        for definition in definitions:
            origin = getattr(definition.func, "__module__", "") or ""
            if _needs_services(origin, item.module.__name__):
                return False
            names.extend(definition.argnames)
    return True


def pytest_collection_modifyitems(config, items):
    """Mark ``no_database`` the tests that use neither CKAN nor its services,
    found by what their module imports and what fixtures they ask for;
    `make test-fast` runs them without CKAN's pytest plugin and with the
    database and Redis pointed nowhere, so a wrong mark fails there."""
    pure = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        if module.__name__ not in pure:
            pure[module.__name__] = _pure_module(module)
        if pure[module.__name__] and item.get_closest_marker(SERVICES) is None \
                and _pure_fixtures(item):
            item.add_marker(NO_DATABASE)


def _needs_ckan(request) -> bool:
    return request.node.get_closest_marker(NO_DATABASE) is None


# what runs CKAN's commands in the test process, which load the plugins again
RUNS_COMMANDS = "cli"
_plugins_as_loaded = {"clean": False, "apps under the suite's config": True}


def _suite_plugins_loaded() -> bool:
    """The plugins of test.ini, and only them, loaded in their order, as
    ``load_all`` leaves them."""
    from ckan.common import aslist, config
    from ckan.plugins import core
    if "system" not in _plugins_as_loaded:
        _plugins_as_loaded["system"] = core.find_system_plugins()
    expected = aslist(config.get("ckan.plugins")) + _plugins_as_loaded["system"]
    return core._PLUGINS == expected


def _config_is_the_suite_s() -> bool:
    """The config is the one every test starts from (CKAN's snapshot)."""
    from ckan.common import config
    from ckan.tests.pytest_ckan import ckan_setup
    return dict(config) == dict(ckan_setup._config)


@pytest.fixture(autouse=True)
def suite_plugins(request):
    """Every test runs with the plugins of test.ini loaded (those that use
    no CKAN have nothing to load).

    Loading them takes about half a second (each plugin's ``update_config``,
    CKAN's config declarations, the schemas read again), and building an app
    loads them again: CKAN's ``with_plugins`` loads them before every test
    and unloads them after. Here a test gets the plugins the previous one
    left when they are still exactly test.ini's, in its order (a test that
    unloads or reloads one leaves them otherwise), and were last loaded under
    the suite's config (by this fixture or by an app built under it, see
    ``app``); else a new load. A test that changes the config with
    ``ckan_config`` gets CKAN's fixture, as before."""
    if not _needs_ckan(request):
        yield
        return
    if request.node.get_closest_marker("ckan_config") is not None:
        _plugins_as_loaded["clean"] = False
        request.getfixturevalue("with_plugins")
        yield
        return
    from ckan import model, plugins
    if not (_plugins_as_loaded["clean"] and _suite_plugins_loaded()):
        plugins.load_all()
    else:
        model.Session.remove()  # as a load does: no session left from the last test
    _plugins_as_loaded["clean"] = False
    _plugins_as_loaded["apps under the suite's config"] = True
    yield
    _plugins_as_loaded["clean"] = (_plugins_as_loaded["apps under the suite's config"]
                                   and RUNS_COMMANDS not in request.fixturenames)


@pytest.fixture
def app(make_app):
    """CKAN's test app, noting whether it was built under the suite's own
    config: then the plugins it loaded again are as a plain load leaves them."""
    if not _config_is_the_suite_s():
        _plugins_as_loaded["apps under the suite's config"] = False
    return make_app()


@pytest.fixture(autouse=True)
def rq_connection_for_workers(request, monkeypatch):
    """RQ finds its Redis connection on a stack local to the thread (and
    greenlet: Playwright's sync API runs on greenlets) that CKAN fills once,
    where a queue is first asked for (``jobs._connect``). When that was a
    browser test's server thread, a ``Worker()`` made by the test finds no
    connection: tests' workers get CKAN's connection explicitly."""
    if not _needs_ckan(request):
        return
    from ckan.lib import jobs
    from ckan.lib.redis import connect_to_redis
    made = jobs.Worker.__init__

    def with_connection(self, *args, **kwargs):
        kwargs.setdefault("connection", connect_to_redis())
        made(self, *args, **kwargs)
    monkeypatch.setattr(jobs.Worker, "__init__", with_connection)
    if "live_server" in request.fixturenames:
        # a browser test's server runs in a thread: a work horse forked then
        # can inherit a lock that thread held and hang for ever (seen in CI:
        # the child stuck in psycopg2.connect during load_environment). Its
        # jobs run in the test's process instead, as rq's SimpleWorker does,
        # with CKAN's environment already loaded there.
        from rq.worker import WorkerStatus

        def in_process(self, job, queue):
            self.set_state(WorkerStatus.BUSY)
            self.perform_job(job, queue)
            self.set_state(WorkerStatus.IDLE)
        monkeypatch.setattr(jobs.Worker, "execute_job", in_process)


@pytest.fixture(autouse=True)
def neutral_factory_text(request, monkeypatch):
    """CKAN's factories give datasets random English notes, whose words
    ("budget", "economy"…) would make text searches flaky: a fixed,
    word-poor description instead (tests set their own when it matters)."""
    if not _needs_ckan(request):
        return
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
