"""The plugins talk through ports: no plugin imports another plugin's
modules, the SCDL core imports no CKAN, migrations run frozen SQL of their
own. Read from the source (ast), so that a lazy import inside a function
counts too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ckanext" / "opendatalocale"
PLUGINS = ("consolidation", "datasets", "dcat", "entry", "guides", "notify", "report", "search", "security", "tables", "territories",
           "validation")


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Absolute names of the modules a file imports (relative ones resolved)."""
    parts = path.relative_to(PACKAGE.parents[1]).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts
    found = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
            if not node.module:  # from . import x: x is a module of the package
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("plugin", PLUGINS)
def test_a_plugin_imports_no_other_plugin(plugin):
    crossing = [f"{path.relative_to(PACKAGE)}:{line} imports {module}"
                for path in _files(plugin) for line, module in _imports(path)
                for other in PLUGINS if other != plugin
                and (module == f"ckanext.opendatalocale.{other}"
                     or module.startswith(f"ckanext.opendatalocale.{other}."))]
    assert crossing == []


def test_the_core_imports_no_ckan():
    found = [f"{path.relative_to(PACKAGE)}:{line} imports {module}"
             for path in _files("scdl") for line, module in _imports(path)
             if module.split(".")[0] == "ckan" or any(
                 module.startswith(f"ckanext.opendatalocale.{p}") for p in PLUGINS)]
    assert found == []


def test_migrations_import_no_live_code():
    """A migration keeps a frozen copy of its SQL: code that changes later
    must not change what an old revision does."""
    found = [f"{path.relative_to(PACKAGE)}:{line} imports {module}"
             for path in _files("migration") for line, module in _imports(path)
             if module.startswith("ckanext.opendatalocale")]
    assert found == []


def test_the_check_sees_a_crossing_import():
    """The walk itself: relative and lazy imports reaching another plugin
    are resolved to it."""
    source = "def f():\n    from ..validation import plugin\n    from . import tree\n"
    modules = [module for _, module in _imports(PACKAGE / "dcat" / "profile.py", source)]
    assert modules == ["ckanext.opendatalocale.validation",
                       "ckanext.opendatalocale.dcat", "ckanext.opendatalocale.dcat.tree"]
