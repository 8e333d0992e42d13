"""Online entry ("Saisir en ligne"): the grid a commune fills in, generated
from the Table Schema, and its rows checked as she types by the validator
itself.

The grid's columns come from the schema: its names, titles, descriptions,
whether a value is required, and one kind of input per type (a list for an
enumeration, a date, a yes/no box, a number with its bounds, a text checked
against its pattern). The columns whose value the collectivité is known by
(its name, SIRET, INSEE code) are filled in and locked.

Rows are checked by writing them as a CSV file and running ``validate_file``
on it: the same checks as an upload (types, constraints, Validata's custom
checks such as vote sums or SIRET keys), the same messages. What a person
pastes from a spreadsheet (``12/03/2024``, ``1 234,56``, ``oui``) is first
converted by the repair's rules (``repair_rules``) and said so.
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from dataclasses import dataclass, field as dc_field
from typing import Any, Mapping, Optional, Sequence

from .diagnosis import diagnose, match_header, read_rows
from .limits import Limits
from .messages import expectation
from .repair_report import rule_message
from .repair_rules import Column
from .validation import Report, validate_file
from .wording import Message

__all__ = ["KNOWN_COLUMNS", "PREFILLED_COLUMNS", "GridColumn", "RowCheck", "Block",
           "grid_columns", "known_values", "check_rows", "read_block", "FIRST_LINE"]

# columns holding what the collectivité publishing the file is known by
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("COLL_NOM", "nomAttribuant", "menuCollNom", "platCollNom", "COMMUNE_NOM"),
    "siret": ("COLL_SIRET", "idAttribuant", "menuCollSiret", "platCollSiret"),
    "insee": ("COLL_INSEE",),
}
# filled in but left editable: a budget annexed or a CCAS's has its own SIRET
PREFILLED_COLUMNS: dict[str, tuple[str, ...]] = {"siret": ("BGT_SIRET",)}
# the file line of the first row (the header is line 1), as reports count
FIRST_LINE = 2

_EDITORS = {"date": "date", "datetime": "datetime", "boolean": "boolean", "number": "number",
            "integer": "integer", "year": "integer"}


@dataclass
class GridColumn:
    name: str
    title: str
    description: str
    type: str
    editor: str                   # text, list, date, datetime, boolean, number, integer
    required: bool
    expects: Message              # what the column expects, in words
    values: list[str] = dc_field(default_factory=list)     # an enumeration's
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    pattern: Optional[str] = None
    true_value: Optional[str] = None      # what a ticked box writes
    false_value: Optional[str] = None
    example: Optional[str] = None
    value: Optional[str] = None           # filled in
    locked: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "expects"}


def known_values(table_schema: dict[str, Any], known: Mapping[str, Optional[str]]
                 ) -> dict[str, tuple[str, bool]]:
    """Column → (value, locked) for the columns ``known`` fills in (``known``:
    "name", "siret", "insee" of the collectivité, each possibly missing)."""
    names = {f["name"] for f in table_schema["fields"]}
    found: dict[str, tuple[str, bool]] = {}
    for kinds, locked in ((KNOWN_COLUMNS, True), (PREFILLED_COLUMNS, False)):
        for kind, columns in kinds.items():
            value = known.get(kind)
            for column in columns:
                if value and column in names:
                    found[column] = (value, locked)
    return found


def grid_columns(table_schema: dict[str, Any],
                 known: Mapping[str, Optional[str]] = {}) -> list[GridColumn]:
    """The grid's columns, in the schema's order."""
    filled = known_values(table_schema, known)
    columns = []
    for f in table_schema["fields"]:
        c = f.get("constraints", {})
        kind = f.get("type", "string")
        editor = "list" if "enum" in c else _EDITORS.get(kind, "text")
        value, locked = filled.get(f["name"], (None, False))
        example = f.get("example")
        columns.append(GridColumn(
            name=f["name"], title=f.get("title") or f["name"],
            description=f.get("description") or "", type=kind, editor=editor,
            required=bool(c.get("required")), expects=expectation(f),
            values=[str(v) for v in c.get("enum", [])],
            minimum=c.get("minimum"), maximum=c.get("maximum"),
            pattern=c.get("pattern") if "enum" not in c else None,
            true_value=str(f.get("trueValues", ["true"])[0]) if kind == "boolean" else None,
            false_value=str(f.get("falseValues", ["false"])[0]) if kind == "boolean" else None,
            example=None if example is None else str(example), value=value, locked=locked))
    return columns


@dataclass
class RowCheck:
    """One row as it would be written, and what the validator says of it."""
    values: dict[str, str]
    conversions: dict[str, dict[str, Any]] = dc_field(default_factory=dict)  # column → before, rule
    errors: dict[str, list[Message]] = dc_field(default_factory=dict)        # per column
    row_errors: list[Message] = dc_field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not (self.errors or self.row_errors)


def check_rows(table_schema: dict[str, Any], rows: Sequence[Mapping[str, Any]], *,
               convert: bool = True, limits: Limits = Limits(),
               listed: int = 1000) -> tuple[list[RowCheck], Report]:
    """Each row converted (``convert``: what a person typed or pasted, by the
    repair's rules) and checked; the validator's report of the rows as a
    file (its table-wide errors are the report's own). Columns a row lacks
    are empty; columns the schema does not have are left out."""
    fields = table_schema["fields"]
    names = [f["name"] for f in fields]
    columns = {f["name"]: Column(f) for f in fields} if convert else {}
    checks = []
    for row in rows:
        check = RowCheck({})
        for name in names:
            raw = row.get(name)
            text = "" if raw is None else str(raw)
            if convert and text:
                repaired = columns[name].repair_cell(text)
                if repaired is not None:
                    after, rule = repaired
                    check.conversions[name] = {"before": text, "after": after, "rule": rule,
                                               "label": rule_message(rule)}
                    text = after
            check.values[name] = text
        checks.append(check)
    handle, path = tempfile.mkstemp(prefix="scdl-entry-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            for check in checks:
                writer.writerow([check.values[name] for name in names])
        report = validate_file(path, table_schema, listed=listed, limits=limits)
    finally:
        os.unlink(path)
    for error in report.errors:
        if error.row is None:
            continue            # the table's, in the report
        index = error.row - FIRST_LINE
        if not 0 <= index < len(checks) or not isinstance(error.message, Message):
            continue
        check = checks[index]
        if error.field in check.values:
            check.errors.setdefault(error.field, []).append(error.message)
        else:
            check.row_errors.append(error.message)
    return checks, report


@dataclass
class Block:
    """Rows pasted from a spreadsheet, by the schema's names."""
    rows: list[dict[str, str]]
    ignored: list[str]            # columns of the block the schema does not have
    header: bool                  # the block's first line named its columns


def read_block(text: str, table_schema: dict[str, Any]) -> Block:
    """The rows of a block pasted from a spreadsheet: tab, semicolon or comma
    separated (as a CSV file is read: the separator and the header line found
    by the diagnosis), with its header line — columns matched by name, case,
    accents and spaces aside, or by title — or without, in the schema's
    column order. Columns the schema does not have are left out and named."""
    fields = table_schema["fields"]
    names = [f["name"] for f in fields]
    titles = {str(f["title"]).strip(): f["name"] for f in fields if f.get("title")}
    handle, path = tempfile.mkstemp(prefix="scdl-paste-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        diagnosis = diagnose(path, table_schema, titles)
        if diagnosis is None:
            return Block([], [], False)
        lines = [row for row in read_rows(Path(path), diagnosis)]
    finally:
        os.unlink(path)
    matched = match_header(diagnosis.labels, names, titles)
    header = bool(matched)
    if header:
        start = diagnosis.header_line
        ignored = [label for i, label in enumerate(diagnosis.labels)
                   if i not in matched and label.strip()]
        positions = {i: name for i, (name, _) in matched.items()}
    else:
        start, ignored = 0, []
        positions = dict(enumerate(names))
    rows = []
    for row in lines[start:]:
        cells = {positions[i]: "" if v is None else str(v).strip()
                 for i, v in enumerate(row) if i in positions}
        if any(cells.values()):
            rows.append(cells)
        if not header and len(row) > len(names) and any(str(v).strip() for v in
                                                          row[len(names):]):
            extra = f"{len(names) + 1}…{len(row)}"
            if extra not in ignored:
                ignored.append(extra)
    return Block(rows, ignored, header)
