"""``ckan opendatalocale datasets retype``: SCDL types to plain datasets and back."""
from __future__ import annotations

import click

import ckan.model as model
from ckan.lib import search

from ckanext.opendatalocale.cli import opendatalocale
from ckanext.opendatalocale.scdl import catalogue

__all__ = ["opendatalocale"]

ORIGINAL_TYPE = "scdl_type"  # extra that remembers the SCDL type of a retyped dataset


@opendatalocale.group()
def datasets():
    """The SCDL dataset types."""


@datasets.command()
@click.option("--to", "direction", type=click.Choice(["dataset", "scdl"]), required=True,
              help="dataset: SCDL datasets become plain datasets (before turning the "
                   "plugin off or renaming a type); scdl: back to their SCDL type.")
@click.argument("types", nargs=-1)
def retype(direction: str, types: tuple[str, ...]):
    """Change the type of SCDL datasets, losing nothing.

    A dataset whose type has no route breaks CKAN's listing pages: before
    disabling opendatalocale_datasets, retype its datasets to `dataset`. Their
    SCDL fields stay as extras, their files keep their schema; the SCDL type is
    kept in the extra `scdl_type`, so that `--to scdl` restores it.
    """
    known = catalogue().slugs
    unknown = [t for t in types if t not in known]
    if unknown:
        raise click.BadParameter(f"unknown SCDL types {', '.join(unknown)}; known: "
                                 f"{', '.join(known)}", param_hint="TYPES")
    wanted = list(types) or known
    query = model.Session.query(model.Package).filter(model.Package.state != "deleted")
    if direction == "dataset":
        packages = query.filter(model.Package.type.in_(wanted)).all()
        for package in packages:
            package.extras[ORIGINAL_TYPE] = package.type
            package.type = "dataset"
    else:
        packages = [p for p in query.filter(model.Package.type == "dataset").all()
                    if p.extras.get(ORIGINAL_TYPE) in wanted]
        for package in packages:
            package.type = package.extras[ORIGINAL_TYPE]
            del package.extras[ORIGINAL_TYPE]
    model.Session.commit()
    ids = [p.id for p in packages]
    if ids:
        search.rebuild(package_ids=ids)
        search.commit()
    click.secho(f"{len(ids)} dataset(s) retyped to "
                f"{'dataset' if direction == 'dataset' else 'their SCDL type'}.", fg="green")
