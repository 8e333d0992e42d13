"""The core's messages said in the visitor's language.

In a request, through CKAN's translation functions (the visitor's language,
our catalogue merged over core's); elsewhere (the command line, a job, an
action called from Python) in the portal's default language, from our
catalogue. Counts are written as the language writes them (« 1 000 »).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

import flask
from babel import support
from babel.numbers import format_decimal

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.resources import resource_dir
from ckanext.opendatalocale.scdl.wording import Message, Translator, said_dict, said_from
from ckanext.opendatalocale.translation import DOMAIN

__all__ = ["translator", "render", "key_of", "report_json", "repair_json"]


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


def key_of(said: Any) -> Optional[dict[str, Any]]:
    """A message's key and values, as JSON (None for a sentence stored
    before keys)."""
    message = said_from(said)
    return said_dict(message) if isinstance(message, Message) else None


def report_json(report: Optional[dict[str, Any]],
                say: Optional[Translator] = None) -> Optional[dict[str, Any]]:
    """A stored report as the API gives it: each message in words, beside
    its key and values (``summary`` and ``summary_key``, an error's
    ``message`` and ``message_key``, ``warnings`` and ``warning_keys``…)."""
    if not report:
        return report
    say = say or translator()
    out = dict(report)
    for name in ("summary", "unreachable"):
        out[name] = render(report.get(name), say) if report.get(name) is not None else None
        out[name + "_key"] = key_of(report.get(name))
    out["errors"] = [dict(e, message=render(e.get("message"), say),
                          message_key=key_of(e.get("message")))
                     for e in report.get("errors", [])]
    out["warnings"] = [render(w, say) for w in report.get("warnings", [])]
    out["warning_keys"] = [key_of(w) for w in report.get("warnings", [])]
    return out


def repair_json(summary: Optional[dict[str, Any]], table_schema: dict[str, Any],
                say: Optional[Translator] = None) -> Optional[dict[str, Any]]:
    """A repair (``Repair.as_dict()``) as the API gives it: its ids and
    values, each beside its words (``verdict``, a file change's ``message``,
    a rule's ``rule_label``, a date column's ``message``), and the report of
    the corrected file as ``report_json`` says it."""
    if summary is None:
        return None
    from ckanext.opendatalocale.scdl import repair_report as words
    say = say or translator()
    out = dict(summary)
    out["verdict"] = say.render(words.verdict(summary))
    out["file_changes"] = [dict(f, message=say.render(words.file_change_message(f)))
                           for f in summary.get("file_changes", [])]
    out["changes"] = [dict(c, rule_label=say.render(words.rule_message(c["rule"])))
                      for c in summary.get("changes", [])]
    out["date_orders"] = {column: dict(order, message=say.render(
        words.order_message(column, order))) for column, order in
        (summary.get("date_orders") or {}).items()}
    out["report"] = report_json(summary.get("report"), say)
    return out
