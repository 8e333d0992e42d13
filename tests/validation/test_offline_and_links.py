"""Schemas resolved offline; linked files checked by the jobs worker; the
`ckan` command still works with the plugin (three ckanext-validation faults)."""
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ckan.lib.jobs import Worker
from ckan.tests import helpers

from .conftest import VALID, status, with_french_date

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files_server(tmp_path):
    """A plain HTTP server of tmp_path on 127.0.0.1 (a commune's own website)."""
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(tmp_path), **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.usefixtures("clean_db")
def test_the_schema_is_never_fetched(add_file, monkeypatch):
    """ckanext-validation fetches the schema URL with requests and no timeout:
    here any connection attempt of the portal fails the test (the check's own
    process receives the schema resolved, as data)."""
    def no_network(*args, **kwargs):
        raise AssertionError("the validation tried to reach the network")
    monkeypatch.setattr(socket, "create_connection", no_network)
    resource = add_file(with_french_date(VALID))
    assert status(resource["id"])["status"] == "failure"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_linked_file_is_downloaded_and_checked_in_the_background(
        editor, subventions, files_server):
    folder, base = files_server
    (folder / "subventions.csv").write_bytes(with_french_date(VALID))
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{base}/subventions.csv")
    assert status(resource["id"])["status"] == "running"
    Worker().work(burst=True)
    validation = status(resource["id"])
    assert validation["status"] == "failure"
    assert validation["report"]["errors"][0]["field"] == "dateConvention"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_dead_link_is_reported_in_french(editor, subventions, files_server):
    folder, base = files_server
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{base}/absent.csv")
    Worker().work(burst=True)
    validation = status(resource["id"])
    # a file that could not be fetched is not "non conforme": an error, and why
    assert validation["status"] == "error"
    assert validation["report"]["unreachable"] == "HTTP 404"
    assert validation["report"]["summary"] == "Fichier inaccessible (HTTP 404)"
    assert "n'a pas pu être téléchargé (HTTP 404)" in validation["error"]


def test_ckan_commands_work_with_the_plugin_loaded(tmp_path):
    """ckanext-validation 2.2.0 on CKAN 2.11 breaks every `ckan` command
    ("Table 'validation' is not bound to an Engine"); ours, in a fresh process."""
    (tmp_path / "ok.csv").write_bytes(VALID)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ckan"), "-c", str(ROOT / "test.ini"),
         "opendatalocale", "validate", str(tmp_path / "ok.csv"), "--type", "subventions"],
        capture_output=True, text=True, env=dict(os.environ), cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Fichier conforme au schéma" in result.stdout
