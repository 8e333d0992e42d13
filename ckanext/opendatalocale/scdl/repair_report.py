"""The repair as a commune reads it, before she publishes it: what the file
as a whole would become, each rule with its count and examples per column,
how each date column's day/month order was decided, and what would remain
to correct. It reads ``Repair.as_dict()`` (what the portal stores), and
every sentence is a message (``wording``), said in the reader's language."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from .report import as_text as report_text, by_column
from .repair_rules import CELL_RULES, DAY_FIRST, MIXED, MONTH_FIRST
from .validation import Report
from .wording import LISTING, Message, Translator, msg, msg_n

__all__ = ["RULE_WORDS", "rule_message", "file_change_message", "order_message",
           "verdict", "by_rule", "remaining", "as_text"]

# what each cell rule does, in a few words (README: the rules table)
RULE_WORDS: dict[str, Message] = {
    "trim": msg("Spaces removed around the value"),
    "leading-apostrophe": msg("Excel's apostrophe removed before the value"),
    "workbook-number": msg("Number of a workbook cell written as the schema expects"),
    "workbook-date": msg("Date of a workbook cell written as the schema expects"),
    "date-midnight": msg("Date followed by midnight reduced to the date"),
    "date-format": msg("Date written as the schema expects (year-month-day)"),
    "number-format": msg("Number written with a decimal point, without spaces, currency "
                         "or percent sign"),
    "boolean-word": msg("Yes or no written as the schema expects"),
    "enum-spelling": msg("Value written as the schema's list spells it"),
    "identifier-spacing": msg("Spaces or points removed from an identifier"),
}
assert set(RULE_WORDS) == set(CELL_RULES)

_TAB = msg("tab")


def rule_message(rule: str) -> Message:
    """A rule in words (a rule this version does not know: its id)."""
    return RULE_WORDS.get(rule) or Message(LISTING, {"items": [rule]})


def _renames(columns: list[Mapping[str, Any]]) -> list[Message]:
    return [msg("“{before}” → {after}", before=c["before"], after=c["after"]) for c in columns]


def _more(shown: list[Any], count: int) -> str:
    return "…" if count > len(shown) else ""


def file_change_message(finding: Mapping[str, Any]) -> Optional[Message]:
    """A change of the file as a whole (``Repair.file_changes``) in words."""
    id, v = finding["id"], finding.get("values", {})
    if id == "format":
        return msg("The workbook becomes a CSV file (UTF-8, comma-separated).")
    if id == "encoding":
        return msg("The text is converted from Windows-1252 (Excel's encoding) to UTF-8.")
    if id == "delimiter":
        before = _TAB if v["before"] == "\t" else f"« {v['before']} »"
        return msg("The separator {before} is replaced by a comma.", before=before)
    if id == "title-lines":
        return msg_n("Title line {lines} is removed: the header is on line {header}.",
                     "Title lines {lines} are removed: the header is on line {header}.",
                     len(v["lines"]), lines=[str(n) for n in v["lines"]], header=v["header"])
    if id == "group-rows":
        return msg_n("Line {lines}, which groups columns under merged cells, is removed.",
                     "Lines {lines}, which group columns under merged cells, are removed.",
                     len(v["lines"]), lines=[str(n) for n in v["lines"]])
    if id == "notice-sheet":
        return msg("Only the sheet “{sheet}” is kept: the first sheet, “{first}”, is a "
                   "notice.", sheet=v["sheet"], first=v["first"])
    if id == "empty-columns":
        return msg_n("{num} empty column without a name is removed (column {columns}).",
                     "{num} empty columns without a name are removed (columns {columns}).",
                     len(v["columns"]), columns=[str(n) for n in v["columns"]])
    if id == "empty-rows":
        lines = [str(n) for n in v["lines"]]
        return msg_n("{num} empty line is removed (line {lines}).",
                     "{num} empty lines are removed (lines {lines}{more}).", v["count"],
                     lines=lines, more=_more(lines, v["count"]))
    if id == "header-spelling":
        return msg_n("A column's name is written as the schema writes it: {renames}.",
                     "Column names are written as the schema writes them: {renames}.",
                     len(v["columns"]), renames=_renames(v["columns"]))
    if id == "header-previous-version":
        return msg_n("A column named as in an earlier version of the schema gets its "
                     "current name: {renames}.",
                     "Columns named as in an earlier version of the schema get their "
                     "current names: {renames}.", len(v["columns"]),
                     renames=_renames(v["columns"]))
    return None


def order_message(column: str, order: Mapping[str, Any]) -> Optional[Message]:
    """How the day/month order of a date column was decided, and from what;
    None when the column has no date written with numbers."""
    decision = order["order"]
    day, month, either = order["day_first"], order["month_first"], order["either"]
    if not (day or month or either):
        return None
    if decision == MIXED:
        return msg("{column}: some dates are written day first ({day} of them), others "
                   "month first ({month}): only those that can be read one way only are "
                   "rewritten, the {either} others stay to check.", column=column,
                   day=day, month=month, either=either)
    if decision == MONTH_FIRST:
        return msg_n("{column}: the dates are read month first, as {num} date of the column "
                     "can be read no other way (such as 03/25/2024).",
                     "{column}: the dates are read month first, as {num} dates of the column "
                     "can be read no other way (such as 03/25/2024).", month, column=column)
    assert decision == DAY_FIRST
    if day:
        return msg_n("{column}: the dates are read day first, as {num} date of the column "
                     "can be read no other way (such as 25/03/2024).",
                     "{column}: the dates are read day first, as {num} dates of the column "
                     "can be read no other way (such as 25/03/2024).", day, column=column)
    return msg("{column}: the dates are read day first, the French order: no date of the "
               "column says otherwise.", column=column)


def _changed_values(summary: Mapping[str, Any]) -> int:
    return sum(c["count"] for c in summary.get("changes", []))


def verdict(summary: Mapping[str, Any]) -> Message:
    """One sentence: how much would change, and whether the file would then
    conform."""
    if not summary.get("repaired"):
        return msg("No automatic correction applies to this file: what remains needs to be "
                   "corrected by hand.")
    values = _changed_values(summary)
    report = summary.get("report") or {}
    if report.get("valid"):
        if not values:
            return msg("The file's layout is corrected: the corrected file conforms to the "
                       "schema.")
        return msg_n("{num} value corrected: the corrected file conforms to the schema.",
                     "{num} values corrected: the corrected file conforms to the schema.",
                     values)
    remaining = msg_n("{num} error remains", "{num} errors remain",
                      report.get("error_count", 0))
    if not values:
        return msg("The file's layout is corrected; {remaining} to correct by hand.",
                   remaining=remaining)
    return msg_n("{num} value corrected; {remaining} to correct by hand.",
                 "{num} values corrected; {remaining} to correct by hand.", values,
                 remaining=remaining)


def _example(change: Mapping[str, Any]) -> dict[str, Any]:
    """A change as shown: a workbook's number cell says it was one (its text
    is the same digits as the text it becomes)."""
    before: Any = change["before"]
    if change["rule"] == "workbook-number":
        before = msg("{value} (a number cell)", value=before)
    return dict(change, before=before)


def by_rule(summary: Mapping[str, Any], table_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The value changes grouped by rule, in the rules' order, then by
    column in the schema's order: count and first examples of each."""
    positions = {f["name"]: i for i, f in enumerate(table_schema["fields"])}
    titles = {f["name"]: f.get("title") for f in table_schema["fields"]}
    rules: dict[str, dict[str, Any]] = {}
    for change in summary.get("changes", []):
        rule = rules.setdefault(change["rule"], {"rule": change["rule"], "count": 0,
                                                 "label": rule_message(change["rule"]),
                                                 "columns": []})
        rule["count"] += change["count"]
        rule["columns"].append({"column": change["column"], "title": titles.get(change["column"]),
                                "count": change["count"],
                                "examples": [_example(e) for e in change["examples"]]})
    order = {rule: i for i, rule in enumerate(CELL_RULES)}
    grouped = sorted(rules.values(), key=lambda r: order.get(r["rule"], len(order)))
    for rule in grouped:
        rule["columns"].sort(key=lambda c: positions.get(c["column"], len(positions)))
    return grouped


def as_text(summary: Mapping[str, Any], table_schema: dict[str, Any], say: Translator) -> str:
    """The repair for a terminal (``ckan opendatalocale repair``)."""
    lines = [say.render(verdict(summary))]
    changes = [m for m in (file_change_message(f) for f in summary.get("file_changes", []))
               if m is not None]
    if changes:
        lines += ["", say.render(msg("The file:"))]
        lines += [f"  - {say.render(m)}" for m in changes]
    orders = [m for m in (order_message(c, o) for c, o in
                          (summary.get("date_orders") or {}).items()) if m is not None]
    if orders:
        lines += ["", say.render(msg("Dates:"))]
        lines += [f"  - {say.render(m)}" for m in orders]
    for rule in by_rule(summary, table_schema):
        lines += ["", f"{say.render(rule['label'])} ({say.number(rule['count'])})"]
        for column in rule["columns"]:
            lines.append(f"  {column['column']} ({say.number(column['count'])})")
            for example in column["examples"]:
                lines.append("    " + say.render(msg(
                    "line {row}: “{before}” → “{after}”", row=example["row"],
                    before=example["before"], after=example["after"])))
    report = summary.get("report")
    if summary.get("repaired") and report and not report.get("valid"):
        lines += ["", say.render(msg("What would remain to correct (lines of the corrected "
                                     "file):")),
                  report_text(Report.from_dict(report), table_schema, say)]
    return "\n".join(lines)


def remaining(summary: Mapping[str, Any], table_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The errors of the corrected file, grouped as the validation report."""
    report = summary.get("report")
    if not report or report.get("valid"):
        return []
    return by_column(Report.from_dict(report), table_schema)
