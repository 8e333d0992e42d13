"""Regenerate README.md's configuration table from the plugins' declarations.

Usage: python tools/readme_config.py [--check]

Reads every ``ckanext/opendatalocale/*/config_declaration.yaml`` (the files
``ckan config docs`` documents) and rewrites the table between the
``<!-- config-table -->`` markers; ``--check`` only reports whether the README
is current (a test runs it).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"


def table() -> str:
    lines = ["| option | plugin | default | description |", "|---|---|---|---|"]
    for path in sorted((ROOT / "ckanext" / "opendatalocale").glob("*/config_declaration.yaml")):
        plugin = f"opendatalocale_{path.parent.name}"
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for option in group["options"]:
                description = " ".join(option.get("description", "").split())
                default = option.get("default", "")
                lines.append(f"| `{option['key']}` | {plugin} | `{default}` | {description} |")
    return "\n".join(lines)


def render(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    rendered = render(text)
    if "--check" in sys.argv:
        sys.exit(0 if rendered == text else "README.md's configuration table is out of date: "
                 "run python tools/readme_config.py")
    README.write_text(rendered, encoding="utf-8")


if __name__ == "__main__":
    main()
