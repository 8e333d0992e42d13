"""A conformant SCDL file as a typed table (for CKAN's DataStore).

The table has the schema's columns, in the schema's order, whatever the
file's order, delimiter, encoding or format (CSV or XLSX): a column the file
lacks is empty, a column the schema does not know is left out. Each Table
Schema type becomes a PostgreSQL type (``date``, ``timestamp``, ``int8``,
``numeric``, ``bool``…) and each value is written as PostgreSQL reads it, so
that the rows go to the table by one ``COPY … WITH (FORMAT csv)``:

    >>> columns(table_schema)                       # the DataStore's fields
    >>> with open(out, "w") as f:
    ...     count = write_copy_csv(path, table_schema, f)

Only conformant files are loaded: values are those the validator accepted,
and a cell PostgreSQL could not read is a bug here, not the commune's.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TextIO

from .diagnosis import diagnose, match_header, read_rows

__all__ = ["Column", "NotATable", "columns", "datastore_fields", "rows", "write_copy_csv",
           "POSTGRES_TYPES"]

# Table Schema type → PostgreSQL type (DataStore field type)
POSTGRES_TYPES = {
    "string": "text", "integer": "int8", "number": "numeric", "boolean": "bool",
    "date": "date", "datetime": "timestamp", "time": "time", "year": "int4",
}
_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_DEFAULT_FALSE = ("false", "False", "FALSE", "0")
_SPECIAL_NUMBERS = {"INF": "Infinity", "-INF": "-Infinity", "NaN": "NaN"}


class NotATable(ValueError):
    """The file cannot be read as the schema's table (it was not the file
    that was checked, or it changed since)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str            # the PostgreSQL type
    field_type: str      # the Table Schema type
    title: str = ""
    description: str = ""


def columns(table_schema: dict[str, Any]) -> list[Column]:
    """The table's columns: the schema's fields, typed."""
    return [Column(f["name"], POSTGRES_TYPES.get(f.get("type", "string"), "text"),
                   f.get("type", "string"), f.get("title", ""), f.get("description", ""))
            for f in table_schema["fields"]]


def datastore_fields(table_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of ``datastore_create``, with the schema's titles and
    descriptions as the data dictionary's labels and notes."""
    return [{"id": c.name, "type": c.type,
             "info": {"label": c.title, "notes": c.description}} for c in columns(table_schema)]


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _converter(field: dict[str, Any], schema_form: bool = False
               ) -> Callable[[Any], Optional[str]]:
    """A function from a cell (a CSV's text, a workbook's value) to the text
    PostgreSQL reads (``schema_form``: the text the schema itself writes,
    for a CSV file), None for an empty cell (NULL)."""
    kind = field.get("type", "string")
    if kind == "boolean":
        trues = list(field.get("trueValues", _DEFAULT_TRUE))
        falses = list(field.get("falseValues", _DEFAULT_FALSE))
        true, false = set(trues), set(falses)
        yes, no = (trues[0], falses[0]) if schema_form else ("true", "false")

        def boolean(cell: Any) -> Optional[str]:
            if isinstance(cell, bool):
                return yes if cell else no
            text = _text(cell).strip()
            if not text:
                return None
            if text in true:
                return yes
            if text in false:
                return no
            raise NotATable(f"{field['name']}: {text[:50]!r} is no boolean")
        return boolean
    if kind in ("integer", "year"):
        def integer(cell: Any) -> Optional[str]:
            if isinstance(cell, float) and cell.is_integer():
                return str(int(cell))
            text = _text(cell).strip()
            return text or None
        return integer
    if kind == "number":
        def number(cell: Any) -> Optional[str]:
            text = _text(cell).strip()
            return (text if schema_form else _SPECIAL_NUMBERS.get(text, text)) or None
        return number
    if kind == "date":
        def date(cell: Any) -> Optional[str]:
            if isinstance(cell, dt.datetime):
                return cell.date().isoformat()
            if isinstance(cell, dt.date):
                return cell.isoformat()
            return _text(cell).strip() or None
        return date
    if kind in ("datetime", "time"):
        def moment(cell: Any) -> Optional[str]:
            if isinstance(cell, (dt.datetime, dt.date, dt.time)):
                return cell.isoformat()
            return _text(cell).strip() or None
        return moment

    def text(cell: Any) -> Optional[str]:
        value = _text(cell)
        if not value:
            return None
        # PostgreSQL's text holds no NUL character
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    return text


def rows(path: str | Path, table_schema: dict[str, Any],
         schema_form: bool = False) -> Iterator[list[Optional[str]]]:
    """The file's rows as the table's: one value (or None) per schema field,
    in the schema's order, as PostgreSQL reads them (``schema_form``: as the
    schema writes them, « oui »/« non » and all). Raises NotATable for a file
    that is no table."""
    path = Path(path)
    fields = table_schema["fields"]
    names = [f["name"] for f in fields]
    diagnosis = diagnose(path, table_schema)
    if diagnosis is None:
        raise NotATable("the file cannot be read as a table")
    lines = read_rows(path, diagnosis)
    try:
        header: list[Any] = []
        for _ in range(diagnosis.header_line):
            header = next(lines)
    except StopIteration:
        raise NotATable("the file has no header") from None
    matched = match_header([_text(c) for c in header], names)
    position = {name: i for i, (name, _) in matched.items()}
    if not position:
        raise NotATable("no column of the file has a name of the schema")
    # (position in the file, converter) for each schema field, in its order
    plan = [(position.get(f["name"]), _converter(f, schema_form)) for f in fields]
    try:
        for line in lines:
            if not any(_text(c).strip() for c in line):
                continue
            width = len(line)
            yield [convert(line[i]) if i is not None and i < width else None
                   for i, convert in plan]
    except (csv.Error, UnicodeDecodeError) as e:
        raise NotATable(str(e)) from e


def write_copy_csv(path: str | Path, table_schema: dict[str, Any], out: TextIO) -> int:
    """The file's rows written to ``out`` as CSV for ``COPY … (FORMAT csv)``
    (no header; an empty field is NULL); the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    count = 0
    for row in rows(path, table_schema):
        writer.writerow(row)
        count += 1
    return count
