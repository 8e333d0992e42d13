"""``ckan opendatalocale validate FILE --type TYPE``: the report of a file, in
the portal's language (``--lang`` for another)."""
from __future__ import annotations

import json
import sys

import click

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.report import as_text
from ckanext.opendatalocale.scdl.validation import validate_file

from .wording import report_json, translator

__all__ = ["opendatalocale"]


@opendatalocale.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--type", "slug", required=True,
              help="SCDL type (deliberations, subventions…) or schema.data.gouv.fr id")
@click.option("--version", default=None, help="schema version (default: the current one)")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", default=None, help="language of the report (default: the portal's)")
def validate(file: str, slug: str, version: str | None, output: str, lang: str | None):
    """Check FILE against an SCDL schema and print the report.

    Exit status: 0 valid, 1 invalid, 2 unusable input (unknown type or
    version, unreadable file).
    """
    try:
        schema_version = catalogue().get(slug).version(version)
    except (UnknownSchema, UnknownVersion) as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    table_schema = schema_version.table_schema()
    report = validate_file(file, table_schema)
    say = translator(lang or tk.config.get("ckan.locale_default") or "en")
    if output == "json":
        click.echo(json.dumps(report_json(report.as_dict(), say), ensure_ascii=False,
                              indent=2))
    else:
        click.echo(as_text(report, table_schema, say))
    sys.exit(2 if report.unusable else 0 if report.valid else 1)
