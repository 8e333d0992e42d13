"""The suite's one translation domain, shared by all its plugins.

Its French catalogue also completes the core CKAN strings that CKAN's own
French catalogue leaves untranslated: Flask-Babel merges plugin catalogues
over core's, so these translations win.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Optional

import flask
from babel import support
from babel.numbers import format_decimal

import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from .resources import resource_dir
from .scdl.wording import Translator, said_from

__all__ = ["Translation", "DOMAIN", "ensure_script_translations", "translator", "render"]

DOMAIN = "ckanext-opendatalocale"


class Translation(DefaultTranslation):
    """Mix into a plugin that declares ``p.implements(p.ITranslation)``."""

    def i18n_directory(self) -> str:
        return str(resource_dir("i18n"))

    def i18n_domain(self) -> str:
        return DOMAIN


def ensure_script_translations() -> None:
    """Build the catalogues CKAN's scripts read from ``/api/i18n/<lang>``
    ("Montrer plus" under a table, "Chargement…", the upload buttons…) when
    they are missing or older than a catalogue.

    CKAN serves them from ``<ckan.storage_path>/i18n/js/<lang>.js``, files
    only ``ckan run`` and ``ckan translation js`` write: a portal served by
    gunicorn (or the test server) answers ``{}`` and every script string shows
    in English. Built under a lock, as gunicorn workers start together."""
    import fcntl
    import os

    from ckan.common import config
    from ckan.lib import i18n

    target = i18n.get_js_translations_dir()
    sources = [os.path.join(i18n.get_ckan_i18n_dir(), lang, "LC_MESSAGES", "ckan.po")
               for lang in config["ckan.locales_offered"] or [config["ckan.locale_default"]]]
    sources.append(os.path.join(resource_dir("i18n"), "fr", "LC_MESSAGES", DOMAIN + ".po"))
    sources = [source for source in sources if os.path.isfile(source)]
    newest = max((os.path.getmtime(source) for source in sources), default=0)

    def up_to_date() -> bool:
        built = [os.path.join(target, os.path.basename(os.path.dirname(os.path.dirname(s)))
                              + ".js") for s in sources]
        return all(os.path.isfile(js) and os.path.getmtime(js) >= newest for js in built)

    if up_to_date():
        return
    try:
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, ".build.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not up_to_date():
                i18n.build_js_translations()
    except OSError as error:  # the portal starts; only its scripts speak English
        logging.getLogger(__name__).warning(
            "The scripts' translations cannot be written to %s (%s): the pages' scripts "
            "will show English. Make ckan.storage_path writable.", target, error)


# The core's messages said in the visitor's language (every plugin's): in a
# request, through CKAN's translation functions (our catalogue merged over
# core's); elsewhere (the command line, a job, an action called from Python)
# in the portal's default language, from our catalogue. Counts are written as
# the language writes them (« 1 000 »).

def _numbers(lang: str):
    def number(n: int) -> str:
        try:
            return format_decimal(n, locale=lang)
        except Exception:  # a language babel does not know
            return str(n)
    return number


@lru_cache(maxsize=8)
def _catalogue(lang: str) -> Translator:
    translations = support.Translations.load(str(resource_dir("i18n")), [lang], DOMAIN)
    return Translator(translations.gettext, translations.ngettext, _numbers(lang))


def translator(lang: Optional[str] = None) -> Translator:
    """The visitor's language in a request, else ``lang`` or the portal's."""
    if lang is None and flask.has_request_context():
        from ckan.lib.i18n import get_lang
        return Translator(tk._, tk.ungettext, _numbers(get_lang()))
    return _catalogue(lang or tk.config.get("ckan.locale_default") or "en")


def render(said: Any, say: Optional[Translator] = None) -> str:
    """A message (or its JSON, or a sentence stored before keys) in words."""
    return (say or translator()).render(said_from(said))


