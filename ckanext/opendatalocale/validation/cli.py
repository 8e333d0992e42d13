"""``ckan opendatalocale validate FILE --type TYPE``: the report of a file;
``ckan opendatalocale repair FILE --type TYPE [-o OUT]``: its automatic
correction. Both in the portal's language (``--lang`` for another)."""
from __future__ import annotations

import json
import sys

import click

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
import os
import tempfile

from ckanext.opendatalocale.scdl import repair_report
from ckanext.opendatalocale.scdl.repair import previous_names, repair as repair_file
from ckanext.opendatalocale.scdl.report import as_text
from ckanext.opendatalocale.scdl.validation import validate_file
from ckanext.opendatalocale.scdl.wording import msg

from .wording import repair_json, report_json, translator

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


@opendatalocale.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--type", "slug", required=True,
              help="SCDL type (deliberations, subventions…) or schema.data.gouv.fr id")
@click.option("--version", default=None, help="schema version (default: the current one)")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None,
              help="where to write the corrected CSV (only when something is corrected; "
                   "default: nothing is written)")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", default=None, help="language of the words (default: the portal's)")
def repair(file: str, slug: str, version: str | None, out: str | None, output: str,
           lang: str | None):
    """Correct FILE toward an SCDL schema: what changes, rule by rule, and
    what would remain. FILE itself is only read.

    Exit status: 0 valid after the correction (or already valid), 1 still
    invalid, 2 unusable input (unknown type or version, unreadable file).
    """
    try:
        entry = catalogue().get(slug)
        schema_version = entry.version(version)
    except (UnknownSchema, UnknownVersion) as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    if out and os.path.abspath(out) == os.path.abspath(file):
        click.echo(_said(lang, msg("The corrected file cannot replace FILE itself: give "
                                      "another name.")), err=True)
        sys.exit(2)
    table_schema = schema_version.table_schema()
    target = out or os.path.join(tempfile.mkdtemp(prefix="scdl-repair-"), "repaired.csv")
    try:
        result = repair_file(file, table_schema, target,
                             previous=previous_names(entry, schema_version.version))
    finally:
        if not out:
            if os.path.exists(target):
                os.unlink(target)
            os.rmdir(os.path.dirname(target))
    say = translator(lang or tk.config.get("ckan.locale_default") or "en")
    summary = result.as_dict()
    written = out if out and result.repaired else None
    if output == "json":
        click.echo(json.dumps({"repair": repair_json(summary, table_schema, say),
                               "output": written}, ensure_ascii=False, indent=2))
    else:
        if result.repaired:
            click.echo(repair_report.as_text(summary, table_schema, say))
        else:   # nothing corrected: the file's report, as ``validate`` gives it
            if not (result.report.valid or result.report.unusable):
                click.echo(say.render(repair_report.verdict(summary)))
            click.echo(as_text(result.report, table_schema, say))
        if written:
            click.echo(say.render(msg("Corrected file written: {path}", path=written)))
    sys.exit(2 if result.report.unusable else 0 if result.report.valid else 1)


def _said(lang: str | None, message) -> str:
    return translator(lang or tk.config.get("ckan.locale_default") or "en").render(message)
