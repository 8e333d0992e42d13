"""``ckan opendatalocale report rebuild``: the observatoire's summary
written again from the datasets."""
from __future__ import annotations

import click

from ckanext.opendatalocale.cli import opendatalocale

from . import summary

__all__ = ["opendatalocale"]


@opendatalocale.group()
def report():
    """The observatoire."""


@report.command()
def rebuild():
    """Write the summary of every SCDL dataset again (a portal that had
    datasets before the plugin's migration, or after changes made in SQL).
    Safe to run again; committed in batches."""
    rows = summary.rebuild(progress=lambda done: click.echo(f"{done} datasets…"))
    click.echo(f"{rows} public SCDL datasets in the observatoire's summary.")
