"""``ckan opendatalocale notify``: the notifications of the day (for cron)."""
from __future__ import annotations

import click
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.cli import opendatalocale

from . import notices

__all__ = ["opendatalocale"]


@opendatalocale.command()
@click.pass_context
def notify(ctx):
    """Find what must be told (files not conformant or unreachable, datasets
    soon or now out of date, socle-commun types an obliged commune lacks, the
    territory agents' digests), write each mail once and send the pending
    ones; a failed send is kept and tried again at the next run."""
    # links in the mails are the portal's addresses (ckan.site_url)
    with ctx.meta["flask_app"].test_request_context(base_url=tk.config.get("ckan.site_url")):
        try:
            result = notices.run()
        except notices.Busy as busy:
            click.echo(f"Nothing done: {busy}.", err=True)
            ctx.exit(1)
    click.echo(f"{result.events} events, {result.mails} mails written, {result.sent} sent, "
               f"{result.failed} failed (tried again next run), {result.without_email} "
               f"recipients without e-mail, {result.not_wanted} not wanted, "
               f"{result.empty_digests} digests with nothing to say.")
    for error in result.errors:
        click.echo(f"  not sent: {error}", err=True)
