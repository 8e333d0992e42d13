"""DCAT for harvesters: the ``opendatalocale`` profile and a catalogue
endpoint that answers bad parameters with a 400."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.opendatalocale.translation import Translation

from . import views

PROFILES_OPTION = "ckanext.dcat.rdf.profiles"
PROFILE = "opendatalocale"
# ckanext-dcat's own default: replaced by ours, which extends it
_DCAT_DEFAULT = "euro_dcat_ap_3"


class DcatPlugin(Translation, p.SingletonPlugin):
    """SCDL datasets in DCAT-AP: needs ckanext-dcat's ``dcat`` plugin."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        if not p.plugin_loaded("dcat"):
            raise RuntimeError("opendatalocale_dcat needs ckanext-dcat's dcat plugin too")
        profiles = (config.get(PROFILES_OPTION) or "").strip()
        if profiles in ("", _DCAT_DEFAULT):
            config[PROFILES_OPTION] = PROFILE

    # IMiddleware: blueprints are registered by now; the catalogue endpoint
    # keeps its URL and name, with our view in front of ckanext-dcat's action
    def make_middleware(self, app: Any, config: Any) -> Any:
        if views.CATALOG_ENDPOINT in getattr(app, "view_functions", {}):
            app.view_functions[views.CATALOG_ENDPOINT] = views.read_catalog
        return app
