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


@opendatalocale.group()
def observatoire():
    """The observatoire over time."""


@observatoire.command()
def snapshot():
    """Take today's snapshot of every territory's counts (for a daily cron).
    Run again the same day, it replaces that day's snapshot: nothing is
    counted twice."""
    import ckan.model as model

    from . import history
    try:
        taken = history.take()
    except history.EarlierDay as error:
        model.Session.rollback()
        raise click.ClickException(str(error))
    model.Session.commit()
    click.echo(f"Snapshot of {taken.day}: {taken.territories} territories, "
               f"{taken.written} changed counts written"
               + (" (the day's earlier snapshot replaced)." if taken.again else "."))
