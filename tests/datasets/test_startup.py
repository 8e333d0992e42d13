"""A fresh portal process registers the SCDL types (CKAN configures plugins
last-listed first: the tests' plugin reloads would hide a wrong order)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

# the probe's CKAN reads the test database at start
pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from ckan.cli import load_config
from ckan.config.middleware import make_app
app = make_app(load_config({ini!r}))
print(sorted(name for name in app._wsgi_app.blueprints))
"""


def blueprints(ini: Path) -> str:
    # the ini's storage path, not a test worker's (tests/conftest.py sets one)
    env = {k: v for k, v in os.environ.items() if k != "CKAN_STORAGE_PATH"}
    result = subprocess.run([sys.executable, "-c", PROBE.format(ini=str(ini))],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0 or "CkanConfigurationException" in result.stderr, result.stderr
    return result.stdout + result.stderr


def test_a_fresh_process_serves_every_scdl_type():
    out = blueprints(ROOT / "test.ini")
    for slug in ("deliberations", "irve", "dae", "plats-menus-collectifs"):
        assert f"'{slug}'" in out and f"'{slug}_resource'" in out, out[-2000:]


def test_a_wrong_plugin_order_is_refused_with_the_reason(tmp_path):
    text = (ROOT / "test.ini").read_text().replace(
        "scheming_datasets opendatalocale_datasets", "opendatalocale_datasets scheming_datasets")
    ini = tmp_path / "wrong.ini"
    ini.write_text(text.replace("%(here)s", str(ROOT)))
    out = blueprints(ini)
    assert "list scheming_datasets before it" in out


UPLOADS_OFF = "Uploads are off for communes"


def test_uploads_on_in_the_test_portal_start_without_warning():
    assert UPLOADS_OFF not in blueprints(ROOT / "test.ini")


def test_a_portal_without_uploads_says_so_at_start(tmp_path):
    text = (ROOT / "test.ini").read_text().replace(
        "ckan.uploads_enabled = true", "ckan.uploads_enabled =")
    ini = tmp_path / "no-uploads.ini"
    ini.write_text(text.replace("%(here)s", str(ROOT)))
    out = blueprints(ini)
    assert UPLOADS_OFF in out and "ckan.uploads_enabled = true" in out


def test_an_unwritable_storage_path_is_reported_at_start(tmp_path):
    storage = tmp_path / "storage"
    storage.write_text("a file, not a folder")
    text = (ROOT / "test.ini").read_text().replace(
        "ckan.storage_path = %(here)s/test-storage", f"ckan.storage_path = {storage}")
    ini = tmp_path / "bad-storage.ini"
    ini.write_text(text.replace("%(here)s", str(ROOT)))
    out = blueprints(ini)
    assert UPLOADS_OFF in out and "is not a writable folder" in out
