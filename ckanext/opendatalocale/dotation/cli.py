"""``ckan opendatalocale dotation SOURCE FILE_OR_URL [--territory T] [--date D]``:
a national file imported here and now (for cron, or a first import)."""
from __future__ import annotations

import os
import sys

import click

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.translation import render

from . import imports

__all__ = ["opendatalocale"]


@opendatalocale.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("location", metavar="FILE_OR_URL")
@click.option("--territory", default=None,
              help="only the collectivités of this territory (organisation name)")
@click.option("--date", "file_date", default=None,
              help="the national file's date, YYYY-MM-DD (default: the file's, or today)")
def dotation(source_id: str, location: str, territory: str | None, file_date: str | None):
    """Cut the national file of SOURCE (a file on this server, or an http(s)
    address) into one proposal per collectivité of the portal."""
    try:
        imports.source(source_id)
    except tk.ObjectNotFound as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    territory_id = None
    if territory:
        group = model.Group.get(territory)
        if group is None or not group.is_organization:
            click.echo(f"no such territory: {territory}", err=True)
            sys.exit(2)
        territory_id = group.id
    if not location.startswith(("http://", "https://")):
        if not os.path.isfile(location):
            click.echo(f"no such file: {location}", err=True)
            sys.exit(2)
        location = os.path.abspath(location)
    import_id = imports.start(source_id, location, None, territory_id, file_date, queue=False)
    shown = {"last": -1}

    def progress(percent: int) -> None:
        if percent // 10 != shown["last"] // 10:
            shown["last"] = percent
            click.echo(f"{percent} %", err=True)

    state = imports.run(import_id, progress)
    for said in state.get("said") or []:
        click.echo(render(said))
    if state.get("state") != "done":
        click.echo(render(state["error"]) if state.get("error") else "failed", err=True)
        sys.exit(1)
