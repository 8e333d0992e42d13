"""The validation report as a commune reads it: a summary, then the errors
grouped by column and, within a column, one message per kind of error with
the rows concerned (« lignes 2, 3, 5 et 12 autres ») and one example."""
from __future__ import annotations

from typing import Any, Optional

from .messages import expectation
from .validation import Error, Report

__all__ = ["by_column", "as_text", "rows_text", "ROWS_SHOWN"]

# rows named one by one in a message; beyond, « et N autres »
ROWS_SHOWN = 4

# what a kind of custom-check error says, whatever the value
_CHECKS = {
    "french-siret-value": "ne sont pas des numéros SIRET valides : 14 chiffres dont le "
                          "dernier est une clé de contrôle",
    "french-siren-value": "ne sont pas des numéros SIREN valides : 9 chiffres dont le "
                          "dernier est une clé de contrôle",
    "year-interval-value": "ne sont pas des périodes d'années valides",
    "nomenclature-actes-value": "ne commencent pas par une matière de la nomenclature ACTES",
    "cohesive-columns-value": "laissent vides des colonnes qui vont ensemble",
    "compare-columns-value": "ne sont pas cohérentes avec une autre colonne",
    "sum-columns-value": "ne valent pas la somme des colonnes qu'elles totalisent",
    "one-of-required": "n'ont aucune des deux colonnes remplie",
}


def rows_text(rows: list[int], total: Optional[int] = None, shown: int = ROWS_SHOWN) -> str:
    """« ligne 2 », « lignes 2 et 3 », « lignes 2, 3, 5, 8 et 12 autres »."""
    total = len(rows) if total is None else total
    if not rows:
        return ""
    if total == 1:
        return f"ligne {rows[0]}"
    if total <= shown + 1 and len(rows) == total:
        return "lignes " + ", ".join(map(str, rows[:-1])) + f" et {rows[-1]}"
    first = rows[:shown]
    more = total - len(first)
    return ("lignes " + ", ".join(map(str, first))
            + f" et {more} autre" + ("s" if more > 1 else ""))


def _key(error: Error) -> tuple:
    """The kind of an error: its type, its custom check, and for a
    constraint whether the cell was empty (a required value)."""
    empty = error.value in (None, "")
    return (error.type, error.check, error.type == "constraint-error" and empty)


def _headline(kind: tuple, count: int, column: str) -> Optional[str]:
    """One sentence for ``count`` errors of a kind, without their values
    (None: the error's own message says it better). What the column expects
    is said once, above, for the whole column."""
    error_type, check, empty = kind
    if count == 1:
        return None
    if error_type == "type-error":
        return f"{count} valeurs de {column} ne sont pas sous la forme attendue."
    if error_type == "constraint-error" and empty:
        return f"{column} est obligatoire : {count} cases sont restées vides."
    if error_type == "constraint-error":
        return f"{count} valeurs de {column} ne sont pas parmi celles attendues."
    if error_type in ("unique-error", "primary-key"):
        return f"{count} valeurs apparaissent plusieurs fois dans {column}, qui doit être unique."
    if error_type == "custom-check-error" and check in _CHECKS:
        return f"{count} valeurs de {column} {_CHECKS[check]}."
    return None


def _kinds(errors: list[Error], column: str) -> list[dict[str, Any]]:
    kinds: dict[tuple, list[Error]] = {}
    for error in errors:
        kinds.setdefault(_key(error), []).append(error)
    out = []
    for kind, listed in kinds.items():
        rows = sorted({e.row for e in listed if e.row})
        if not rows and len(listed) > 1:
            # file-level problems: each says something of its own
            out.extend({"type": e.type, "check": e.check, "count": 1, "rows": [],
                        "where": "", "message": e.message, "example": None} for e in listed)
            continue
        headline = _headline(kind, len(listed), column)
        first = listed[0]
        out.append({
            "type": kind[0], "check": kind[1], "count": len(listed), "rows": rows,
            "where": rows_text(rows, len(rows)),
            "message": headline or first.message,
            # one concrete case (its value, its correction) under the headline
            "example": ({"row": first.row, "message": first.message} if headline else None),
        })
    return out


def by_column(report: Report, table_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per column with errors (file-level problems first): its
    error count, what it expects, and one message per kind of error."""
    fields = {f["name"]: f for f in table_schema["fields"]}
    order = {name: i for i, name in enumerate(fields)}
    errors: dict[str, list[Error]] = {}
    for error in report.errors:
        errors.setdefault(error.field or "", []).append(error)
    groups = []
    for column, listed in errors.items():
        field = fields.get(column)
        groups.append({
            "column": column or None, "count": report.counts.get(column, len(listed)),
            "title": (field or {}).get("title"),
            "expects": expectation(field) if field else None,
            "errors": listed, "kinds": _kinds(listed, column),
            # errors counted beyond those kept in the report
            "hidden": max(report.counts.get(column, 0) - len(listed), 0)})
    return sorted(groups, key=lambda g: (g["column"] is not None,
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
        for kind in group["kinds"]:
            where = f"{kind['where']} : " if kind["where"] else ""
            lines.append(f"  - {where}{kind['message']}")
            if kind["example"]:
                lines.append(f"    par exemple, ligne {kind['example']['row']} : "
                             f"{kind['example']['message']}")
        hidden = group["hidden"]
        if hidden > 0:
            lines.append(f"  … et {hidden} autre" + ("s" if hidden > 1 else "")
                         + " erreur" + ("s" if hidden > 1 else "") + " dans cette colonne.")
    return "\n".join(lines)
