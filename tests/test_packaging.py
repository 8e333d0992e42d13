"""A plain (non-editable) `pip install .` carries everything the plugins need."""
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_non_editable_install_ships_data_and_entry_points(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # the wheel `pip install .` builds (with this environment's setuptools, so
    # that the check needs no network), installed without CKAN, which is not
    # what is checked here
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, cwd=tmp_path, capture_output=True)
    wheel = next((tmp_path / "dist").glob("ckanext_opendatalocale-*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, cwd=tmp_path, capture_output=True)
    probe = r"""
import importlib.metadata as md, json
from ckanext.opendatalocale.resources import resource_dir, PACKAGE_DIR
i18n = resource_dir("i18n")
print(json.dumps({
    "package": str(PACKAGE_DIR),
    "i18n": str(i18n),
    "mo": (i18n / "fr" / "LC_MESSAGES" / "ckanext-opendatalocale.mo").is_file(),
    "schemas": sorted(str(p.relative_to(resource_dir("schemas")))
                      for p in resource_dir("schemas").rglob("*") if p.is_file()),
    "migration": (PACKAGE_DIR / "migration" / "opendatalocale_search" / "alembic.ini").is_file(),
    "declaration": (PACKAGE_DIR / "search" / "config_declaration.yaml").is_file(),
    "plugins": sorted(e.name for e in md.entry_points(group="ckan.plugins")),
    "profiles": sorted(e.name for e in md.entry_points(group="ckan.rdf.profiles")),
}))
"""
    result = subprocess.run([str(python), "-c", probe], check=True, cwd=tmp_path,
                            capture_output=True, text=True)
    import json
    found = json.loads(result.stdout)
    assert str(env_dir) in found["package"], "imported from the source tree, not the install"
    assert found["i18n"].startswith(found["package"])
    assert found["mo"], "the compiled French catalogue is not installed"
    shipped = sorted(str(p.relative_to(ROOT / "schemas"))
                     for p in (ROOT / "schemas").rglob("*") if p.is_file())
    assert found["schemas"] == shipped, "schemas/ is not installed whole"
    assert found["migration"] and found["declaration"]
    assert "opendatalocale_search" in found["plugins"]
    assert "opendatalocale_dcat" in found["plugins"]
    assert found["profiles"] == ["opendatalocale"], "the RDF profile is not registered"
