"""The validation report as a commune reads it: a summary, then the errors
grouped by column, with what the column expects and the rows concerned."""
from __future__ import annotations

from typing import Any

from .messages import expectation
from .validation import Report

__all__ = ["by_column", "as_text"]


def by_column(report: Report, table_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per column with errors (file-level problems first): its
    error count, what it expects, and the listed errors."""
    fields = {f["name"]: f for f in table_schema["fields"]}
    order = {name: i for i, name in enumerate(fields)}
    groups: dict[str, dict[str, Any]] = {}
    for error in report.errors:
        column = error.field or ""
        group = groups.setdefault(column, {
            "column": column or None, "count": report.counts.get(column, 0),
            "title": fields.get(column, {}).get("title"),
            "expects": expectation(fields[column]) if column in fields else None,
            "errors": []})
        group["errors"].append(error)
    return sorted(groups.values(), key=lambda g: (g["column"] is not None,
                                                   order.get(g["column"], 10**6)))


def as_text(report: Report, table_schema: dict[str, Any]) -> str:
    """The report as plain French text (command line)."""
    lines = [report.summary() + f" ({report.rows} lignes lues)."]
    for warning in report.warnings:
        lines.append(f"Attention : {warning}")
    for group in by_column(report, table_schema):
        lines.append("")
        if group["column"]:
            lines.append(f"Colonne {group['column']} — {group['count']} erreur"
                         + ("s" if group["count"] > 1 else "")
                         + (f" ; attendu : {group['expects']}" if group["expects"] else ""))
        else:
            lines.append("Fichier")
        for error in group["errors"]:
            where = f"ligne {error.row} : " if error.row else ""
            lines.append(f"  - {where}{error.message}")
        hidden = group["count"] - len(group["errors"])
        if hidden > 0:
            lines.append(f"  … et {hidden} autre" + ("s" if hidden > 1 else "")
                         + " erreur" + ("s" if hidden > 1 else "") + " dans cette colonne.")
    return "\n".join(lines)
