"""The validation report as a commune reads it: a summary, then the errors
grouped by column and, within a column, one message per kind of error with
the rows concerned (« lignes 2, 3, 5 et 12 autres ») and one example. Every
sentence is a message (``wording``), said in the reader's language."""
from __future__ import annotations

from typing import Any, Callable, Optional

from .messages import expectation
from .validation import Error, Report
from .wording import Message, Translator, msg, msg_n

__all__ = ["by_column", "as_text", "rows_text", "ROWS_SHOWN"]

# rows named one by one in a message; beyond, « et N autres »
ROWS_SHOWN = 4


def _siret(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} is not a valid SIRET number: 14 digits, the last "
                 "of which is a check digit.",
                 "{num} values of {column} are not valid SIRET numbers: 14 digits, the last "
                 "of which is a check digit.", n, column=column)


def _siren(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} is not a valid SIREN number: 9 digits, the last "
                 "of which is a check digit.",
                 "{num} values of {column} are not valid SIREN numbers: 9 digits, the last "
                 "of which is a check digit.", n, column=column)


def _years(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} is not a valid period of years.",
                 "{num} values of {column} are not valid periods of years.", n, column=column)


def _actes(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} does not start with a subject of the ACTES "
                 "nomenclature.",
                 "{num} values of {column} do not start with a subject of the ACTES "
                 "nomenclature.", n, column=column)


def _cohesive(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} leaves columns that go together empty.",
                 "{num} values of {column} leave columns that go together empty.", n,
                 column=column)


def _compare(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} is not consistent with another column.",
                 "{num} values of {column} are not consistent with another column.", n,
                 column=column)


def _sum(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} is not the sum of the columns it totals.",
                 "{num} values of {column} are not the sum of the columns they total.", n,
                 column=column)


def _one_of(n: int, column: str) -> Message:
    return msg_n("{num} value of {column} has neither of the two columns filled in.",
                 "{num} values of {column} have neither of the two columns filled in.", n,
                 column=column)


# what a kind of custom-check error says, whatever the value
_CHECKS: dict[str, Callable[[int, str], Message]] = {
    "french-siret-value": _siret, "french-siren-value": _siren,
    "year-interval-value": _years, "nomenclature-actes-value": _actes,
    "cohesive-columns-value": _cohesive, "compare-columns-value": _compare,
    "sum-columns-value": _sum, "one-of-required": _one_of,
}


def rows_text(rows: list[int], total: Optional[int] = None,
              shown: int = ROWS_SHOWN) -> Optional[Message]:
    """« ligne 2 », « lignes 2 et 3 », « lignes 2, 3, 5, 8 et 12 autres »."""
    total = len(rows) if total is None else total
    if not rows:
        return None
    if total == 1:
        return msg("row {row}", row=rows[0])
    if total <= shown + 1 and len(rows) == total:
        return msg("rows {rows} and {last}", rows=rows[:-1], last=rows[-1])
    first = rows[:shown]
    return msg_n("rows {rows} and {num} other", "rows {rows} and {num} others",
                 total - len(first), rows=first)


def _key(error: Error) -> tuple:
    """The kind of an error: its type, its custom check, and for a
    constraint whether the cell was empty (a required value)."""
    empty = error.value in (None, "")
    return (error.type, error.check, error.type == "constraint-error" and empty)


def _headline(kind: tuple, count: int, column: str) -> Optional[Message]:
    """One sentence for ``count`` errors of a kind, without their values
    (None: the error's own message says it better). What the column expects
    is said once, above, for the whole column."""
    error_type, check, empty = kind
    if count == 1:
        return None
    if error_type == "type-error":
        return msg_n("{num} value of {column} is not in the expected form.",
                     "{num} values of {column} are not in the expected form.", count,
                     column=column)
    if error_type == "constraint-error" and empty:
        return msg_n("{column} is required: {num} cell was left empty.",
                     "{column} is required: {num} cells were left empty.", count,
                     column=column)
    if error_type == "constraint-error":
        return msg_n("{num} value of {column} is not among those expected.",
                     "{num} values of {column} are not among those expected.", count,
                     column=column)
    if error_type in ("unique-error", "primary-key"):
        return msg_n("{num} value appears more than once in {column}, which must be unique.",
                     "{num} values appear more than once in {column}, which must be unique.",
                     count, column=column)
    if error_type == "custom-check-error" and check in _CHECKS:
        return _CHECKS[check](count, column)
    return None


def _kinds(errors: list[Error], column: str) -> list[dict[str, Any]]:
    kinds: dict[tuple, list[Error]] = {}
    for error in errors:
        kinds.setdefault(_key(error), []).append(error)
    out: list[dict[str, Any]] = []
    for kind, listed in kinds.items():
        rows = sorted({e.row for e in listed if e.row})
        if not rows and len(listed) > 1:
            # file-level problems: each says something of its own
            out.extend({"type": e.type, "check": e.check, "count": 1, "rows": [],
                        "where": None, "message": e.message, "example": None} for e in listed)
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


def as_text(report: Report, table_schema: dict[str, Any], say: Translator) -> str:
    """The report as plain text (command line), in ``say``'s language."""
    lines = [say.render(msg_n("{summary} ({num} row read).", "{summary} ({num} rows read).",
                              report.rows, summary=report.summary()))]
    for warning in report.warnings:
        lines.append(say.render(msg("Warning: {warning}", warning=warning)))
    for group in by_column(report, table_schema):
        lines.append("")
        if group["column"] and group["expects"]:
            lines.append(say.render(msg_n(
                "Column {column} — {num} error; expected: {expects}",
                "Column {column} — {num} errors; expected: {expects}", group["count"],
                column=group["column"], expects=group["expects"])))
        elif group["column"]:
            lines.append(say.render(msg_n("Column {column} — {num} error",
                                          "Column {column} — {num} errors", group["count"],
                                          column=group["column"])))
        else:
            lines.append(say.render(msg("File")))
        for kind in group["kinds"]:
            if kind["where"]:
                line = msg("{where}: {message}", where=kind["where"], message=kind["message"])
                lines.append("  - " + say.render(line))
            else:
                lines.append("  - " + say.render(kind["message"]))
            if kind["example"]:
                lines.append("    " + say.render(msg(
                    "for example, row {row}: {message}", row=kind["example"]["row"],
                    message=kind["example"]["message"])))
        if group["hidden"] > 0:
            lines.append("  " + say.render(msg_n(
                "… and {num} more error in this column.",
                "… and {num} more errors in this column.", group["hidden"])))
    return "\n".join(lines)
