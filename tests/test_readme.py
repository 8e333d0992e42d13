"""The README stays current with the code it documents."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_configuration_table_matches_the_declarations():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_config.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_readme_names_the_two_commands_and_every_plugin():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    import importlib.metadata as md
    ours = [e.name for e in md.entry_points(group="ckan.plugins")
            if e.value.startswith("ckanext.opendatalocale.")]
    assert ours
    for name in ours:
        assert name in readme, f"plugin {name} is not documented in README.md"
