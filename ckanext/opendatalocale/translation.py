"""The suite's one translation domain, shared by all its plugins.

Its French catalogue also completes the core CKAN strings that CKAN's own
French catalogue leaves untranslated: Flask-Babel merges plugin catalogues
over core's, so these translations win.
"""
from __future__ import annotations

from ckan.lib.plugins import DefaultTranslation

from .resources import resource_dir

__all__ = ["Translation", "DOMAIN"]

DOMAIN = "ckanext-opendatalocale"


class Translation(DefaultTranslation):
    """Mix into a plugin that declares ``p.implements(p.ITranslation)``."""

    def i18n_directory(self) -> str:
        return str(resource_dir("i18n"))

    def i18n_domain(self) -> str:
        return DOMAIN
