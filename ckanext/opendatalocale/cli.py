"""``ckan opendatalocale …``: the suite's command group. Each plugin adds its
own subcommands to it (see the plugins' ``cli.py``)."""
from __future__ import annotations

import click

__all__ = ["opendatalocale"]


@click.group(short_help="ckanext-opendatalocale commands (SCDL portal).")
def opendatalocale():
    """Commands of ckanext-opendatalocale."""
