"""Consolidations: for each territory with communes below it that wants
them, one SCDL dataset per type, the union of its communes' conformant files
(see build). Needs opendatalocale_territories and opendatalocale_validation."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

import ckan.model as ckan_model

from . import build, catalogues
from . import model  # noqa: F401 (the tables on CKAN's metadata)

VALIDATION_STATUS = "opendatalocale_validation_status_changed"


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.helpers
class ConsolidationPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.ISignal)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config):
        if not p.plugin_loaded("opendatalocale_territories"):
            raise RuntimeError("opendatalocale_consolidation needs opendatalocale_territories")
        tk.add_template_directory(config, "templates")

    # ISignal: a commune's file checked
    def get_signal_subscriptions(self):
        return {tk.signals.ckanext.signal(VALIDATION_STATUS): [build.follow_validation]}

    # IPackageController: a commune's dataset edited, made private, deleted
    # (and any organisation's, for its generated catalogue)
    def after_dataset_create(self, context, pkg_dict: dict[str, Any]) -> None:
        catalogues.changed(pkg_dict.get("owner_org"), pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict: dict[str, Any]) -> None:
        build.changed(pkg_dict["id"], owner_org=pkg_dict.get("owner_org"),
                      dataset_type=pkg_dict.get("type"))
        catalogues.changed(pkg_dict.get("owner_org"), pkg_dict["id"])

    def after_dataset_delete(self, context, pkg_dict: dict[str, Any]) -> None:
        build.changed(pkg_dict["id"])
        package = ckan_model.Package.get(pkg_dict["id"])
        if package is not None:
            catalogues.changed(package.owner_org, package.id)
