from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation


@tk.blanket.actions
class SecurityPlugin(Translation, p.SingletonPlugin):
    """What no request may do to the portal: run a script from an upload,
    outlast its budget, or reuse a closed session."""

    p.implements(p.ITranslation)
