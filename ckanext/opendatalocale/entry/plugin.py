"""Online entry ("Saisir en ligne"): a commune types her socle-commun data in
a grid generated from the schema, checked as she types, kept as a draft,
saved as the resource's CSV file."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import model  # noqa: F401 (the tables on CKAN's metadata)


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.helpers
class EntryPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "opendatalocale_entry")
