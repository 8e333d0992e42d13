"""``ckan opendatalocale validate FILE --type TYPE``: the French report of a file."""
from __future__ import annotations

import json
import sys

import click

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.report import as_text
from ckanext.opendatalocale.scdl.validation import validate_file

__all__ = ["opendatalocale"]


@opendatalocale.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--type", "slug", required=True,
              help="SCDL type (deliberations, subventions…) or schema.data.gouv.fr id")
@click.option("--version", default=None, help="schema version (default: the current one)")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def validate(file: str, slug: str, version: str | None, output: str):
    """Check FILE against an SCDL schema and print the report in French.

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
    if output == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(as_text(report, table_schema))
    sys.exit(2 if report.unusable else 0 if report.valid else 1)
