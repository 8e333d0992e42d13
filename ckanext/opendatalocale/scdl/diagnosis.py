"""Where the table is in a file whose header is padded.

Spreadsheets put a title line above the header, a row of merged cells
grouping columns, empty columns after the last one, or a notice sheet before
the data. The header is the row, among the first ones of each sheet, that
names the most columns of the schema (case, accents, spaces and punctuation
aside, or by a previous version's name); what is above it is said precisely,
as ids and values (``Finding``) with a message (``wording``) for the commune:
« line 1 is a title: the header is on line 3 ».
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from .wording import Message, msg, msg_n

__all__ = ["Diagnosis", "Finding", "diagnose", "header_key", "match_header", "read_rows",
           "renamed_fields", "SCANNED_ROWS"]

SCANNED_ROWS = 30            # rows of each sheet where the header is looked for
_SNIFFED_BYTES = 1 << 16
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Finding:
    """What the diagnosis found: an id and its values (line numbers are the
    file's, from 1)."""
    id: str
    values: Mapping[str, Any] = dc_field(default_factory=dict)

    def message(self) -> Optional[Message]:
        v = self.values
        if self.id == "title-lines":
            return msg_n("Line {lines} is a title: the header is on line {header}.",
                         "Lines {lines} are titles: the header is on line {header}.",
                         len(v["lines"]), lines=[str(n) for n in v["lines"]],
                         header=v["header"])
        if self.id == "group-rows":
            return msg_n("Line {lines} groups columns under merged cells: the header is on "
                         "line {header}.",
                         "Lines {lines} group columns under merged cells: the header is on "
                         "line {header}.", len(v["lines"]),
                         lines=[str(n) for n in v["lines"]], header=v["header"])
        if self.id == "notice-sheet":
            return msg("The first sheet, “{first}”, is a notice: the table is on the sheet "
                       "“{sheet}”.", first=v["first"], sheet=v["sheet"])
        if self.id == "empty-columns":
            return msg_n("{num} column without a name follows the last one.",
                         "{num} columns without a name follow the last one.",
                         len(v["columns"]))
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "values": dict(self.values)}


@dataclass
class Diagnosis:
    format: str                       # "csv" or "xlsx"
    encoding: Optional[str] = None    # a CSV's: "utf-8", "utf-8-sig", "cp1252"
    delimiter: Optional[str] = None
    sheet: Optional[str] = None       # a workbook's sheet holding the table
    header_line: int = 1              # the file's line (a sheet's row) of the header
    labels: list[str] = dc_field(default_factory=list)
    findings: list[Finding] = dc_field(default_factory=list)

    @property
    def padded(self) -> bool:
        """The header is not where the validator looks for it."""
        return any(f.id in ("title-lines", "group-rows", "notice-sheet")
                   for f in self.findings)

    def messages(self) -> list[Message]:
        return [m for m in (f.message() for f in self.findings) if m is not None]

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "encoding": self.encoding,
                "delimiter": self.delimiter, "sheet": self.sheet,
                "header_line": self.header_line, "labels": list(self.labels),
                "findings": [f.as_dict() for f in self.findings]}


# what is not a letter or a digit (``str.isalnum``: a regular expression's
# word characters, less the underscore); accents, once decomposed, are such
_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(label: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", label.casefold()))


_short_key = lru_cache(maxsize=16384)(_key)
_CACHED_LENGTH = 120     # longer labels (a whole line read with another
                         # delimiter) are not kept: the cache stays small


def header_key(label: str) -> str:
    """A column name with case, accents, spaces and punctuation aside (the
    same as keeping the letters and digits of ``fold(label)``)."""
    return _short_key(label) if len(label) <= _CACHED_LENGTH else _key(label)


@lru_cache(maxsize=256)
def _name_keys(names: tuple[str, ...]) -> dict[str, Optional[str]]:
    """A schema's names by their key (two names alike: neither)."""
    keys: dict[str, Optional[str]] = {}
    for name in names:
        key = header_key(name)
        keys[key] = None if key in keys else name
    return keys


def renamed_fields(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, str]:
    """Names an older Table Schema gave to the current one's columns: a
    field whose title is the same under another name."""
    titles = {header_key(f.get("title", "")): f["name"] for f in current["fields"]
              if f.get("title")}
    names = {f["name"] for f in current["fields"]}
    renamed = {}
    for old in previous["fields"]:
        new = titles.get(header_key(old.get("title", "")))
        if new and old["name"] not in names and new != old["name"]:
            renamed[old["name"]] = new
    return renamed


def match_header(labels: list[str], names: list[str],
                 previous: Mapping[str, str] = {}) -> dict[int, tuple[str, str]]:
    """Position → (schema name, how: "exact", "header-spelling" or
    "header-previous-version") for the labels that name a column; a name is
    given once, an exact label first."""
    keys = _name_keys(tuple(names))
    matched: dict[int, tuple[str, str]] = {}
    taken = set()
    for i, label in enumerate(labels):
        if label in names and label not in taken:
            matched[i] = (label, "exact")
            taken.add(label)
    for i, label in enumerate(labels):
        if i in matched or not label.strip():
            continue
        target, how = keys.get(header_key(label)), "header-spelling"
        if target is None and label.strip() in previous:
            target, how = previous[label.strip()], "header-previous-version"
        if target and target not in taken:
            matched[i] = (target, how)
            taken.add(target)
    return matched


def read_rows(path: Path, diagnosis: Diagnosis) -> Iterator[list[Any]]:
    """Every row of the file's table, from its first line (a workbook's
    cells as they are: numbers, dates)."""
    if diagnosis.format == "xlsx":
        yield from _sheet_rows(path, diagnosis.sheet)
        return
    with path.open(encoding=diagnosis.encoding, newline="") as f:
        yield from csv.reader(f, delimiter=diagnosis.delimiter or ",")


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """A workbook read from its bytes, whatever the file's name: CKAN stores
    uploads without extension, and openpyxl refuses a path without one."""
    import openpyxl
    with path.open("rb") as f:
        workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        try:
            yield workbook
        finally:
            workbook.close()


def _sheet_rows(path: Path, sheet: Optional[str]) -> Iterator[list[Any]]:
    with _workbook(path) as workbook:
        rows = workbook[sheet] if sheet else workbook.worksheets[0]
        for row in rows.iter_rows(values_only=True):
            yield list(row)


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _blank(row: list[Any]) -> bool:
    return all(not _text(c).strip() for c in row)


def _score(row: list[Any], names: list[str], previous: Mapping[str, str]) -> int:
    return len(match_header([_text(c) for c in row], names, previous))


def _header(rows: list[list[Any]], names: list[str],
            previous: Mapping[str, str]) -> tuple[int, int]:
    """(index of the header among ``rows``, its score)."""
    best, score = None, 0
    for i, row in enumerate(rows):
        found = _score(row, names, previous)
        if found > score:
            best, score = i, found
    if best is None:   # no column named: the first row that is not empty
        best = next((i for i, row in enumerate(rows) if not _blank(row)), 0)
    return best, score


def _encoding(start: bytes) -> Optional[str]:
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        start.decode("cp1252")   # Excel's "CSV" on Windows, as the validator reads it
        return "cp1252"
    except UnicodeDecodeError:
        return None


def _delimiter(text: str, names: list[str], previous: Mapping[str, str]) -> str:
    lines = text.splitlines()[:SCANNED_ROWS]
    best, found = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if len(r) > 1]
        score = (max((_score(r, names, previous) for r in rows), default=0),
                 max(widths.count(w) for w in set(widths)) if widths else 0)
        if score > found:
            best, found = delimiter, score
    return best


def diagnose(path: str | Path, table_schema: dict[str, Any],
             previous: Mapping[str, str] = {}) -> Optional[Diagnosis]:
    """Where the table of the CSV or XLSX file at ``path`` is, and what pads
    it; None when the file cannot be read as a table (the validator says why)."""
    path = Path(path)
    names = [f["name"] for f in table_schema["fields"]]
    with path.open("rb") as f:
        start = f.read(_SNIFFED_BYTES)
    if start.startswith(b"PK\x03\x04"):
        return _diagnose_workbook(path, names, previous)
    if b"\x00" in start:
        return None
    encoding = _encoding(start)
    if encoding is None:
        return None
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(start)
    diagnosis = Diagnosis("csv", encoding, _delimiter(text, names, previous))
    rows = []
    try:
        for row in read_rows(path, diagnosis):
            rows.append(row)
            if len(rows) == SCANNED_ROWS:
                break
    except (csv.Error, UnicodeDecodeError):
        pass   # the first lines are enough to find the header
    _place_header(diagnosis, rows, names, previous)
    return diagnosis


def _diagnose_workbook(path: Path, names: list[str],
                       previous: Mapping[str, str]) -> Optional[Diagnosis]:
    sheets = []
    try:
        with _workbook(path) as workbook:
            for sheet in workbook.worksheets:
                rows = [list(r) for _, r in zip(range(SCANNED_ROWS),
                                                sheet.iter_rows(values_only=True))]
                sheets.append((sheet.title, rows, _header(rows, names, previous)[1]))
    except Exception:   # a zip that is no workbook: the validator says what it is
        return None
    if not sheets:
        return None
    title, rows, score = max(sheets, key=lambda s: s[2])   # the first of the best
    diagnosis = Diagnosis("xlsx", sheet=title)
    if score and score > sheets[0][2]:
        diagnosis.findings.append(Finding("notice-sheet",
                                          {"first": sheets[0][0], "sheet": title}))
    _place_header(diagnosis, rows, names, previous)
    return diagnosis


def _place_header(diagnosis: Diagnosis, rows: list[list[Any]], names: list[str],
                  previous: Mapping[str, str]) -> None:
    index, _ = _header(rows, names, previous) if rows else (0, 0)
    diagnosis.header_line = index + 1
    labels = [_text(c) for c in rows[index]] if rows else []
    header = index + 1
    titles = [i + 1 for i, row in enumerate(rows[:index])
              if sum(1 for c in row if _text(c).strip()) == 1]
    groups = [i + 1 for i, row in enumerate(rows[:index])
              if sum(1 for c in row if _text(c).strip()) > 1]
    if titles:
        diagnosis.findings.append(Finding("title-lines", {"lines": titles, "header": header}))
    if groups:
        diagnosis.findings.append(Finding("group-rows", {"lines": groups, "header": header}))
    trailing = len(labels)
    while trailing and not labels[trailing - 1].strip():
        trailing -= 1
    if trailing < len(labels):
        diagnosis.findings.append(Finding("empty-columns", {
            "columns": list(range(trailing + 1, len(labels) + 1))}))
    diagnosis.labels = labels
