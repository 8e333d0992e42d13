"""``ckan opendatalocale territories load``: the COG as organisations."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

import ckan.model as model
from ckan.lib import search

from ckanext.opendatalocale.cli import opendatalocale

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

from . import cog as cog_module
from . import loader, tree

__all__ = ["opendatalocale"]


@opendatalocale.group()
def territories():
    """Communes, EPCI, départements and régions as organisations."""


@territories.command()
@click.option("--source", required=True, type=click.Path(),
              help="the data folder of @etalab/decoupage-administratif (npm)")
@click.option("--region", default=None, help="a région code (e.g. 53)")
@click.option("--departement", default=None, help="a département code (e.g. 35, 2A)")
@click.option("--all", "everything", is_flag=True, help="all of France")
def load(source: str, region: str | None, departement: str | None, everything: bool):
    """Create or bring up to date the territory organisations of a région, a
    département or all of France, with their hierarchy.

    Idempotent, in one transaction. Exit status 2 on bad input (unknown code,
    missing or unexpected source), with nothing written.
    """
    if sum(bool(x) for x in (region, departement, everything)) != 1:
        click.echo("Give exactly one of --region CODE, --departement CODE or --all.",
                   err=True)
        sys.exit(2)
    try:
        cog = cog_module.read(source)
        wanted = cog.scope(region=region.upper() if region else None,
                           departement=departement.upper() if departement else None)
    except cog_module.CogError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    territories_bar: ProgressBar[int] = click.progressbar(
        length=len(wanted), label="Territories", show_pos=True)
    with territories_bar:
        changes = loader.load_in_transaction(model.meta.engine, cog, wanted,
                                             progress=territories_bar.update)
    stale = tree.datasets_below(changes.moved_ids + changes.renamed_ids)
    if stale:
        # their territory labels and permission labels follow the new tree,
        # their searchable territory titles the new names
        with click.progressbar(stale, label="Re-indexing moved or renamed datasets") as bar:
            for package_id in bar:
                search.rebuild(package_id)
    click.echo(f"{len(wanted)} territories: {changes.created} created, "
               f"{changes.renamed} renamed, {changes.reparented} moved, "
               f"{changes.updated_fields} updated, {changes.merged} marked as merged, "
               f"{changes.reactivated} reactivated, {len(stale)} datasets re-indexed.")
