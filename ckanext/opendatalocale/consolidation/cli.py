"""``ckan opendatalocale consolidate [TERRITORY] [--type T]``: consolidations
built now (every territory that wants them, or one; every type, or one)."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.scdl import catalogue

from . import build
from .model import territory_table

__all__ = ["opendatalocale"]


@opendatalocale.command()
@click.argument("territory", required=False)
@click.option("--type", "slug", default=None, help="one SCDL type (default: all)")
def consolidate(territory: str | None, slug: str | None):
    """Build the consolidations of TERRITORY (default: of every territory
    that has them on), here and now."""
    if slug is not None and slug not in catalogue().slugs:
        click.echo(f"unknown type {slug!r}; known: {', '.join(catalogue().slugs)}", err=True)
        sys.exit(2)
    if territory:
        group = model.Group.get(territory)
        if group is None or not group.is_organization:
            click.echo(f"no such territory: {territory}", err=True)
            sys.exit(2)
        ids = [group.id]
    else:
        ids = list(model.Session.execute(sa.select(territory_table.c.territory_id).where(
            territory_table.c.enabled)).scalars())
    for territory_id in ids:
        for one in [slug] if slug else catalogue().slugs:
            try:
                state = build.build(territory_id, one)
            except tk.ObjectNotFound as e:
                click.echo(str(e), err=True)
                sys.exit(2)
            name = model.Group.get(territory_id).name
            click.echo(f"{name} {one}: {state['files']} files, {state['rows']} rows")
