"""E-mail notifications to the people who publish: a file not conformant or
unreachable, a dataset soon or now out of date, the socle-commun types an
obliged commune lacks; to the agents of EPCI, départements and régions a
weekly or monthly digest of their communes — sent once each by
``ckan opendatalocale notify`` through CKAN's mailer, with a signed
unsubscribe link; each person chooses what she receives on her user page."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import model  # noqa: F401 (the tables on CKAN's metadata)
from . import notices

# sent by the validation plugin when it writes a resource's status, inside
# that write's transaction (sender: the dataset's id)
VALIDATION_STATUS = "opendatalocale_validation_status_changed"


def follow_validation(package_id, resource_id, status, connection, **extra) -> None:
    notices.record_validation(package_id, resource_id, status, connection,
                              file_hash=extra.get("file_hash"))


@tk.blanket.blueprints
@tk.blanket.cli
class NotifyPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.ISignal)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    def get_signal_subscriptions(self):
        return {tk.signals.ckanext.signal(VALIDATION_STATUS): [follow_validation]}
