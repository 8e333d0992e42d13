"""The portal as `make serve` and `make serve-prod` serve it: the configuration
`make config` writes, the two servers started by their own make targets on a
free port (on the test database, through a relay that can cut it), no
debugger, no traceback, and slow clients that do not block the others."""
from __future__ import annotations

import configparser
import contextlib
import importlib.util
import os
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

# the served portals run on the test database and Redis
pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parent.parent
TEST_DB_URL = os.environ.get("CKAN_SQLALCHEMY_URL",
                             "postgresql://postgres@127.0.0.1:5432/opendatalocale_test")
TEST_REDIS_URL = os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6379/1")
# the prerequisites that install and load data: the venv and the test database are ready
PREPARED = ["-o", "install", "-o", "config", "-o", "database", "-o", "demo"]


def make(*args: str) -> None:
    result = subprocess.run(["make", "-s", "-C", str(ROOT), *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served_config(tmp_path_factory) -> Path:
    """The ckan.ini `make config` writes, in a scratch directory."""
    folder = tmp_path_factory.mktemp("served")
    config = folder / "ckan.ini"
    make("-o", "install", "config", f"CONFIG={config}", f"STORAGE={folder / 'storage'}",
         f"DB_URL={TEST_DB_URL}", f"REDIS_URL={TEST_REDIS_URL}")
    return config


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser


def test_make_config_writes_a_portal_without_debug(served_config):
    assert read_ini(served_config)["DEFAULT"]["debug"] == "false"


def test_make_config_turns_debug_off_in_an_existing_config(served_config, tmp_path):
    config = tmp_path / "ckan.ini"
    config.write_text(served_config.read_text(encoding="utf-8").replace(
        "debug = false", "debug = true"), encoding="utf-8")
    make("-o", "install", "config", f"CONFIG={config}", f"STORAGE={tmp_path / 'storage'}",
         f"DB_URL={TEST_DB_URL}", f"REDIS_URL={TEST_REDIS_URL}")
    assert read_ini(config)["DEFAULT"]["debug"] == "false"


def demo_loader():
    spec = importlib.util.spec_from_file_location("demo_load", ROOT / "demo" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEMO_VALUES = {
    "site_url": "http://127.0.0.1:5000", "admin_user": "admin", "admin_password": "pw-admin",
    "admin_api_token": "tok-admin", "editor_user": "secretaire-cesson",
    "editor_password": "pw-editor", "editor_organization": "commune-35051",
    "epci_admin_user": "agent-metropole", "epci_admin_password": "pw-epci",
    "epci_admin_organization": "epci-243500139", "departement_admin_user": "agent-departement",
    "departement_admin_password": "pw-departement",
    "departement_admin_organization": "departement-35", "datasets_created": "0"}


def test_demo_credentials_are_readable_by_their_owner_only(tmp_path):
    loader = demo_loader()
    credentials = tmp_path / "demo-credentials.txt"
    credentials.write_text("admin_password = old\n", encoding="utf-8")
    credentials.chmod(0o644)  # as an older set-up left it
    loader.write_credentials(credentials, DEMO_VALUES)
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert loader.read_credentials(credentials)["admin_api_token"] == "tok-admin"


def test_the_set_up_says_where_the_credentials_are_not_what_they_are(tmp_path):
    credentials = tmp_path / "demo-credentials.txt"
    printed = demo_loader().summary(DEMO_VALUES, str(credentials))
    assert str(credentials) in printed
    for key, value in DEMO_VALUES.items():
        if "password" in key or "token" in key:
            assert value not in printed, key


class DatabaseRelay:
    """A TCP relay to the test PostgreSQL: cutting it is the database going
    down for the portal behind it (refused connections, broken pooled ones)."""

    def __init__(self, database_url: str):
        parts = urlsplit(database_url)
        self.target = (parts.hostname, parts.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{port}"
        self.url = urlunsplit(parts._replace(
            netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        for sock in [self.listener, *self.connections]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@contextlib.contextmanager
def serve(target: str, config: Path, database_url: str):
    """Run a serving make target on a free port; yield its URL; stop it (and
    its jobs worker) with its process group."""
    port = free_port()
    env = dict(os.environ, CKAN_SQLALCHEMY_URL=database_url, CKAN_REDIS_URL=TEST_REDIS_URL)
    log = config.with_name(f"{target}.log")
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "-s", "-C", str(ROOT), *PREPARED, target, f"CONFIG={config}",
             "HOST=127.0.0.1", f"PORT={port}"],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.RequestException:  # not listening yet, or workers booting
                pass
            assert time.monotonic() < deadline, f"{target} did not answer on {url}"
            time.sleep(0.5)
        yield url, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# one server per make target for the module (each takes seconds to start);
# the database-down test comes last
@pytest.fixture(scope="module", params=["serve", "serve-prod"])
def portal(request, served_config):
    relay = DatabaseRelay(TEST_DB_URL)
    try:
        with serve(request.param, served_config, relay.url) as (url, process):
            yield url, relay, process
    finally:
        relay.cut()


def test_pages_answer_and_no_debugger_console(portal):
    url, _, _ = portal
    for page in ("/", "/dataset?q=budget", "/observatoire",
                 "/api/3/action/package_search?q=budget"):
        assert requests.get(url + page, timeout=30).status_code == 200, page
    console = requests.get(f"{url}/console", timeout=30)
    assert console.status_code == 404
    assert "__debugger__" not in console.text  # in every page of Werkzeug's debugger


def test_slow_clients_do_not_block_other_visitors(portal):
    """Idle connections and clients that never finish their headers, as
    slow or hostile visitors hold them: a request beside them is answered."""
    url, _, _ = portal
    port = int(urlsplit(url).port)
    slow = []
    try:
        for n in range(12):  # more than a threaded worker has threads
            sock = socket.create_connection(("127.0.0.1", port))
            if n % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(sock)
        time.sleep(1)
        started = time.monotonic()
        response = requests.get(f"{url}/api/3/action/status_show", timeout=20)
        assert response.status_code == 200
        assert time.monotonic() - started < 3
    finally:
        for sock in slow:
            sock.close()


def test_database_down_shows_no_traceback(portal):
    """Last of the module: it takes the portal's database away."""
    url, relay, _ = portal
    relay.cut()
    response = requests.get(f"{url}/dataset", timeout=30)
    assert response.status_code == 500
    for leak in ("__debugger__", "Traceback", "OperationalError", "psycopg2", "sqlalchemy",
                 'File "'):
        assert leak not in response.text
