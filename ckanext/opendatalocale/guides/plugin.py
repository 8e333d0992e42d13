"""Guides for each actor of the socle commun (élu·e, secrétaire de mairie,
chef·fe de projet, agent accompagnateur, réutilisateur…): short autonomous
pages shipped in French under ``content/``, which the portal's sysadmins may
edit (their text kept in ``opendatalocale_guide``) and give back their
original text."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import model  # noqa: F401 (the table on CKAN's metadata)


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.helpers
class GuidesPlugin(Translation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
