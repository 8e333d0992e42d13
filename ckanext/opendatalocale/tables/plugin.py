"""Conformant SCDL files as typed DataStore tables: loaded by the jobs
worker right after their check, previewed by CKAN's ``datatables_view``,
queried through the DataStore API (``datastore_search``,
``datastore_search_sql``). Needs CKAN's ``datastore`` plugin."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import load
from . import model  # noqa: F401 (the table on CKAN's metadata)

VALIDATION_STATUS = "opendatalocale_validation_status_changed"


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.cli
class TablesPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.ISignal)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer
    def update_config(self, config):
        if not p.plugin_loaded("datastore"):
            raise RuntimeError("opendatalocale_tables needs CKAN's datastore plugin")
        tk.add_template_directory(config, "templates")

    # ISignal: a conformant file is loaded after its check
    def get_signal_subscriptions(self):
        return {tk.signals.ckanext.signal(VALIDATION_STATUS): [load.follow_validation]}

    # IResourceController: a deleted resource's table is dropped by the
    # datastore plugin; its state goes with it
    def before_resource_delete(self, context, resource: dict[str, Any],
                               resources: list[dict[str, Any]]) -> None:
        context.setdefault("opendatalocale_tables_deleted", []).append(resource["id"])

    def after_resource_delete(self, context, resources: list[dict[str, Any]]) -> None:
        for resource_id in context.pop("opendatalocale_tables_deleted", []):
            load.forget(resource_id)
