"""The observatoire: the socle commun's compliance by territory, live."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation, ensure_script_translations


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.config_declarations
class ReportPlugin(Translation, p.SingletonPlugin):
    """Pages /observatoire, exports and the ``scdl_compliance_show`` action.

    Reads the territories of ``opendatalocale_territories`` and the search
    index of ``opendatalocale_search``: both must be enabled."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)

    def update_config(self, config):
        missing = [name for name in ("opendatalocale_search", "opendatalocale_territories")
                   if not p.plugin_loaded(name)]
        if missing:
            raise RuntimeError("opendatalocale_report needs these plugins too: "
                               + ", ".join(missing))
        tk.add_template_directory(config, "templates")

    def configure(self, config):
        # the pages' scripts speak French too (see ensure_script_translations)
        ensure_script_translations()
