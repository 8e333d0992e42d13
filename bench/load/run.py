"""Load benchmark of the portal under gunicorn (``make bench-load``).

Usage: python bench/load/run.py FOLDER

FOLDER holds what ``make bench-load`` prepared: ``ckan.ini`` (written by
``make config``) on a fresh database with the demo loaded, and
``demo-credentials.txt``. On loopback only, the portal is started by
``make serve-prod`` (gunicorn with ``deploy/gunicorn.conf.py``, and the jobs
worker), then:

- readers fetch the home page, a dataset search, the observatoire, the DCAT
  catalogue and ``package_search`` in turn, as fast as they are answered;
- editors (the demo's commune editor and territory admins, with API tokens)
  upload a small valid CSV file to an SCDL dataset of their organisations
  through ``resource_create``, one a second each;
- for the last part, slow clients hold idle connections and connections whose
  headers never end, while the readers and editors go on.

Prints requests/s, median and p95 latency and errors per endpoint and phase.
Every loop stops at its phase's deadline or request budget: the run takes
about a minute, the portal's start included.
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "demo"))  # scdl_files, read_credentials

READ_PAGES = {
    "home": "/",
    "search": "/dataset?q=budget",
    "observatoire": "/observatoire",
    "dcat": "/catalog.ttl",
    "api": "/api/3/action/package_search?q=deliberations&rows=10",
}
READERS = 6
EDITOR_PAUSE = 1.0  # seconds between two uploads of one editor
LOAD_SECONDS = 25
SLOW_SECONDS = 15
SLOW_IDLE = 8  # connections that never send a byte
SLOW_PARTIAL = 8  # connections whose headers never end
REQUESTS_PER_THREAD = 10_000  # a bound beside the deadlines
START_SECONDS = 60


class Recorder:
    """Latencies and errors by (phase, endpoint); the phase is the one under
    way when a request starts."""

    def __init__(self) -> None:
        self.phase = "load"
        self.started = {self.phase: time.monotonic()}
        self.ended: dict[str, float] = {}
        self.latencies: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.errors: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def next_phase(self, phase: str) -> None:
        now = time.monotonic()
        self.ended[self.phase] = now
        self.phase, self.started[phase] = phase, now

    def record(self, phase: str, endpoint: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[(phase, endpoint)].append(seconds)
            if error:
                self.errors[(phase, endpoint)].append(error)


def timed(recorder: Recorder, endpoint: str, call) -> None:
    phase, started = recorder.phase, time.monotonic()
    try:
        response = call()
        error = None if response.ok else f"HTTP {response.status_code}"
        if not error and endpoint == "upload" and not response.json().get("success"):
            error = "success false"
    except requests.RequestException as exc:
        error = type(exc).__name__
    recorder.record(phase, endpoint, time.monotonic() - started, error)


def reader(url: str, recorder: Recorder, deadline: float, offset: int) -> None:
    pages = list(READ_PAGES.items())
    with requests.Session() as session:
        for n in range(REQUESTS_PER_THREAD):
            if time.monotonic() > deadline:
                return
            endpoint, page = pages[(n + offset) % len(pages)]
            timed(recorder, endpoint, lambda: session.get(url + page, timeout=30))


def editor(url: str, recorder: Recorder, deadline: float, token: str,
           datasets: list[dict], files: dict[str, bytes]) -> None:
    with requests.Session() as session:
        session.headers["Authorization"] = token
        for n in range(REQUESTS_PER_THREAD):
            if time.monotonic() > deadline:
                return
            dataset = datasets[n % len(datasets)]
            timed(recorder, "upload", lambda: session.post(
                f"{url}/api/3/action/resource_create",
                data={"package_id": dataset["id"], "name": f"Mise à jour {n}.csv",
                      "format": "CSV"},
                files={"upload": (f"{dataset['type']}.csv", files[dataset["type"]],
                                  "text/csv")},
                timeout=60))
            time.sleep(EDITOR_PAUSE)


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def start_portal(folder: Path, port: int) -> subprocess.Popen:
    """`make serve-prod` (gunicorn and the jobs worker) on the prepared
    folder, in its own process group (stopped together)."""
    with (folder / "portal.log").open("wb") as log:
        return subprocess.Popen(
            ["make", "-s", "-C", str(ROOT), "-o", "install", "-o", "config", "-o", "database",
             "serve-prod", f"CONFIG={folder / 'ckan.ini'}", "HOST=127.0.0.1", f"PORT={port}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_served(url: str, portal: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if portal.poll() is not None:
            sys.exit(f"the portal stopped:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"the portal did not answer within {START_SECONDS}s")


def editors(url: str, credentials: dict[str, str]) -> list[tuple[str, list[dict]]]:
    """An API token for each demo editor and the SCDL datasets of the
    organisations they may publish in."""
    admin = {"Authorization": credentials["admin_api_token"]}

    def action(action_name: str, headers: dict, **params) -> dict:
        response = requests.post(f"{url}/api/3/action/{action_name}", json=params,
                                 headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()["result"]

    scdl = [d for d in action("package_search", admin, q="*:*", rows=1000,
                              include_private=True)["results"] if d["type"] != "dataset"]
    found = []
    for role in ("editor", "epci_admin", "departement_admin"):
        user = credentials[f"{role}_user"]
        token = action("api_token_create", admin, user=user, name="bench-load")["token"]
        organizations = {o["name"] for o in action(
            "organization_list_for_user", {"Authorization": token},
            permission="create_dataset")}
        datasets = [d for d in scdl if d["organization"]["name"] in organizations]
        if datasets:
            found.append((token, datasets))
    return found


def scdl_files() -> dict[str, bytes]:
    from ckanext.opendatalocale.scdl import catalogue
    from scdl_files import valid_csv
    return {entry.slug: valid_csv(entry.latest.table_schema())
            for entry in catalogue().entries}


def hold_slow_clients(port: int) -> list[socket.socket]:
    held = []
    for n in range(SLOW_IDLE + SLOW_PARTIAL):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if n >= SLOW_IDLE:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(sock)
    return held


def report(recorder: Recorder) -> None:
    print(f"{'phase':<13}{'endpoint':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>8}"
          f"{'p95 ms':>8}{'errors':>8}")
    for phase in recorder.started:
        seconds = recorder.ended[phase] - recorder.started[phase]
        for endpoint in [*READ_PAGES, "upload"]:
            latencies = sorted(recorder.latencies.get((phase, endpoint), []))
            if not latencies:
                continue
            p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
            print(f"{phase:<13}{endpoint:<14}{len(latencies):>9}"
                  f"{len(latencies) / seconds:>8.1f}{statistics.median(latencies) * 1000:>8.0f}"
                  f"{p95 * 1000:>8.0f}{len(recorder.errors.get((phase, endpoint), [])):>8}")
    for (phase, endpoint), errors in recorder.errors.items():
        print(f"  {phase} {endpoint}: {sorted(set(errors))}")


def main(folder: str) -> None:
    from load import read_credentials  # demo/load.py

    folder_path = Path(folder)
    credentials = read_credentials(folder_path / "demo-credentials.txt")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    portal = start_portal(folder_path, port)
    try:
        wait_until_served(url, portal, folder_path / "portal.log")
        print(f"portal served by gunicorn in {time.monotonic() - started:.1f}s on {url}")
        publishers = editors(url, credentials)
        files = scdl_files()
        recorder = Recorder()
        deadline = time.monotonic() + LOAD_SECONDS + SLOW_SECONDS
        threads = [threading.Thread(target=reader, args=(url, recorder, deadline, n))
                   for n in range(READERS)]
        threads += [threading.Thread(target=editor, args=(url, recorder, deadline, token,
                                                          datasets, files))
                    for token, datasets in publishers]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        held = hold_slow_clients(port)
        recorder.next_phase("slow-clients")
        print(f"{READERS} readers, {len(publishers)} editors; then {SLOW_IDLE} idle and "
              f"{SLOW_PARTIAL} unfinished connections held")
        time.sleep(max(0.0, deadline - time.monotonic()))
        recorder.next_phase("done")  # requests still under way count in their phase
        del recorder.started["done"]
        for thread in threads:
            thread.join(timeout=60)  # the longest request timeout
        for sock in held:
            sock.close()
        report(recorder)
    finally:
        os.killpg(portal.pid, signal.SIGTERM)
        try:
            portal.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(portal.pid, signal.SIGKILL)
    print(f"total {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main(*sys.argv[1:])
