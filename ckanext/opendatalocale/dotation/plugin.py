"""La dotation de données: national files (the IRVE consolidation, the
Géo'DAE base…) cut into one proposal per collectivité of the portal, which
publishes it in one click. Needs opendatalocale_territories and
opendatalocale_validation (the proposals are checked like any file)."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import model  # noqa: F401 (the tables on CKAN's metadata)
from . import proposals


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.config_declarations
class DotationPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config):
        if not p.plugin_loaded("opendatalocale_territories"):
            raise RuntimeError("opendatalocale_dotation needs opendatalocale_territories")
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "opendatalocale_dotation")

    # IPackageController: where the data came from, in the dataset itself
    def after_dataset_show(self, context, pkg_dict: dict[str, Any]) -> None:
        provenance = proposals.provenance_of(pkg_dict["id"]) if pkg_dict.get("id") else None
        if provenance is not None:
            pkg_dict["scdl_dotation"] = provenance
        else:
            pkg_dict.pop("scdl_dotation", None)
