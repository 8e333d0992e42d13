"""The validation's messages as the API gives them: in words (``render``,
the suite's: ``translation``) beside their keys and values."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.opendatalocale.scdl.wording import Message, Translator, said_dict, said_from
from ckanext.opendatalocale.translation import render, translator

__all__ = ["translator", "render", "key_of", "report_json", "repair_json"]


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
