from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import DEFAULT_SOLR_URL

from ckanext.opendatalocale.translation import Translation

from . import model, swap  # noqa: F401 (model: the index tables on CKAN's metadata)


@tk.blanket.config_declarations
class SearchPlugin(Translation, p.SingletonPlugin):
    """Datasets searched in PostgreSQL instead of Solr (see ``swap``)."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config):
        # CKAN's declaration requires solr_url; with this plugin on, nothing
        # uses it: a portal without Solr need not invent one
        if not config.get("solr_url"):
            config["solr_url"] = DEFAULT_SOLR_URL
        swap.install()
