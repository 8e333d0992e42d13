"""The observatoire: the socle commun's compliance by territory, live."""
from __future__ import annotations

from typing import Any

import ckan.model as ckan_model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation, ensure_script_translations

from . import model, summary  # noqa: F401 (model: the table on CKAN's metadata)

# sent by the validation plugin when it writes a resource's status, inside
# that write's transaction (sender: the dataset's id)
VALIDATION_STATUS = "opendatalocale_validation_status_changed"


def follow_validation(package_id: str, resource_id: str, status: str, connection: Any,
                      **_: Any) -> None:
    """The dataset's conformity follows its files' checks, in the transaction
    that writes the status."""
    summary.refresh(package_id, connection, {resource_id: status})


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.config_declarations
class ReportPlugin(Translation, p.SingletonPlugin):
    """Pages /observatoire, exports and the ``scdl_compliance_show`` action.

    Reads the territories of ``opendatalocale_territories`` (which must be
    enabled) and its own summary of the SCDL datasets, kept here: any search
    backend will do."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IDomainObjectModification, inherit=True)
    p.implements(p.ISignal)

    def update_config(self, config):
        if not p.plugin_loaded("opendatalocale_territories"):
            raise RuntimeError("opendatalocale_report needs opendatalocale_territories too")
        tk.add_template_directory(config, "templates")

    def configure(self, config):
        # the pages' scripts speak French too (see ensure_script_translations)
        ensure_script_translations()

    # ISignal
    def get_signal_subscriptions(self):
        return {tk.signals.ckanext.signal(VALIDATION_STATUS): [follow_validation]}

    # IDomainObjectModification: every dataset CKAN's session changed (by an
    # action, its resources, or the ORM alone: ``package_update`` keeps a
    # dataset's type, which only commands change), once per commit, inside it
    # (before it), as CKAN's own indexing follows them
    def notify(self, entity, operation) -> None:
        if isinstance(entity, ckan_model.Package):
            summary.refresh(entity.id)
