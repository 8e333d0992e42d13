"""The core's messages said in French (the shipped catalogue) and in
English (the msgids), as the portal says them, without CKAN."""
import gettext
from pathlib import Path

from babel.numbers import format_decimal

from ckanext.opendatalocale.scdl.wording import ENGLISH, Translator

__all__ = ["FRENCH", "ENGLISH", "fr", "en"]

_MO = (Path(__file__).resolve().parents[2] / "i18n" / "fr" / "LC_MESSAGES"
       / "ckanext-opendatalocale.mo")
with _MO.open("rb") as _f:
    _CATALOGUE = gettext.GNUTranslations(_f)

FRENCH = Translator(_CATALOGUE.gettext, _CATALOGUE.ngettext,
                    lambda n: format_decimal(n, locale="fr"))


def fr(said) -> str:
    return FRENCH.render(said)


def en(said) -> str:
    return ENGLISH.render(said)
