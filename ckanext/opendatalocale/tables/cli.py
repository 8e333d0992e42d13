"""``ckan opendatalocale tables load [RESOURCE_ID…] [--all]``: conformant
files loaded into their DataStore tables now (a portal that had files before
this plugin, or a table to rebuild)."""
from __future__ import annotations

import sys

import click

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale

from . import load

__all__ = ["opendatalocale"]


@opendatalocale.group()
def tables():
    """The DataStore tables of conformant SCDL files."""


@tables.command("load")
@click.argument("resource_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="every SCDL file found conformant")
def load_command(resource_ids: tuple[str, ...], every: bool):
    """Load conformant files into their tables, here and now (a file already
    loaded is not loaded again)."""
    if not resource_ids and not every:
        raise click.UsageError("give RESOURCE_ID… or --all")
    ids = list(resource_ids)
    if every:
        ids += [r.id for r in model.Session.query(model.Resource.id).filter(
            model.Resource.state == "active").order_by(model.Resource.id)
            if r.id not in ids]
    failed = 0
    for resource_id in ids:
        try:
            validation = tk.get_action("resource_validation_show")(
                {"ignore_auth": True}, {"resource_id": resource_id})
        except tk.ObjectNotFound:
            if not every:
                click.echo(f"{resource_id}: not checked, or no such resource", err=True)
                failed += 1
            continue
        if validation.get("status") != "success":
            if not every:
                click.echo(f"{resource_id}: not conformant ({validation.get('status')})",
                           err=True)
                failed += 1
            continue
        state = load.load(resource_id, validation.get("file_hash"))
        click.echo(f"{resource_id}: {state}")
        failed += state != "loaded"
    sys.exit(1 if failed else 0)
