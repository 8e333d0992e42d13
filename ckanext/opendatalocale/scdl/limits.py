"""Limits a file must fit before it is parsed at all.

frictionless' cost grows with the square of the number of columns (10 000
columns: 48 s and 2.5 GB), and a workbook is a zip whose few compressed
bytes can stand for gigabytes of XML or for millions of padding cells
(openpyxl fills every row up to the sheet's widest column and every missing
row up to the last one). Each limit is checked on the raw bytes, cheaply,
and a file over one is reported (a message, ``wording``) with the limit and
its value.
"""
from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .messages import megabytes
from .wording import Message, msg

__all__ = ["Limits", "over_limit"]

# delimiters frictionless' CSV sniffer may pick
_DELIMITERS = (",", ";", "\t", "|")
# a worksheet's tags that make cells: <dimension ref="A1:C10">, <row r="3">, <c r="B3">
_TAG = re.compile(rb'<(?:\w+:)?(dimension|row|c)\b([^>]*)>')
_REF = re.compile(rb'\b(?:ref|r)="([A-Z]{0,3})(\d*)(?::([A-Z]{1,3})(\d+))?"')
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Defaults generous for real files: the widest SCDL schema has about
    sixty columns, a workbook of a million cells is about 50 MB of XML."""
    columns: int = 500
    header_bytes: int = 65_536
    workbook_bytes: int = 200_000_000
    workbook_cells: int = 10_000_000


def _too_many_columns(found: int, limits: Limits) -> Message:
    return msg("The file has {found} columns: that is more than the portal's limit of "
               "{limit} columns (an SCDL file has about sixty at most). Check the header "
               "row and the separator, and keep only the schema's columns.",
               found=found, limit=limits.columns)


def over_limit(path: Path, fmt: str, limits: Limits) -> Optional[Message]:
    """The message of the first limit the file exceeds, or None."""
    message = _csv_header(path, limits) if fmt in ("csv", "tsv") else None
    if not message and zipfile.is_zipfile(path):
        message = _workbook(path, limits)
    return message


def _csv_header(path: Path, limits: Limits) -> Optional[Message]:
    with path.open("rb") as f:
        start = f.read(limits.header_bytes + 1)
    end = re.search(rb"[\r\n]", start)
    if end is None and len(start) > limits.header_bytes:
        return msg("The first row of the file (the column names) is longer than {limit} "
                   "bytes, the portal's limit: it is probably not a CSV table, or its rows "
                   "are not separated by line breaks.", limit=limits.header_bytes)
    line = start[:end.start() if end else len(start)].decode("latin-1")
    found = max(_cells(line, delimiter) for delimiter in _DELIMITERS)
    return _too_many_columns(found, limits) if found > limits.columns else None


def _cells(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a stray quote or NUL: count the delimiters instead
        return line.count(delimiter) + 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _Sheet:
    """What openpyxl would make of one worksheet: its widest row and its
    number of rows, as declared (dimension) and as written (rows, cells)."""

    def __init__(self):
        self.columns = self.rows = self.cells = 0
        self._row = self._column = 0   # where the parser stands

    def feed(self, tag: bytes, attributes: bytes) -> None:
        ref = _REF.search(attributes)
        if tag == b"dimension":
            if ref:
                letters, number = ref.group(3, 4) if ref.group(3) else ref.group(1, 2)
                self.columns = max(self.columns, _column_number(letters or b""))
                self.rows = max(self.rows, int(number or 0))
            return
        if tag == b"row":
            self._row = int(ref.group(2)) if ref and ref.group(2) else self._row + 1
            self._column = 0
            self.rows = max(self.rows, self._row)
            return
        self.cells += 1
        self._column = (_column_number(ref.group(1)) if ref and ref.group(1)
                        else self._column + 1)
        self.columns = max(self.columns, self._column)


def _too_big(size: Message, limits: Limits) -> Message:
    return msg("The workbook, once uncompressed, takes {size}: that is more than the "
               "portal's limit of {limit}. Save it as CSV instead (no size limit), or split "
               "it.", size=size, limit=megabytes(limits.workbook_bytes))


def _workbook(path: Path, limits: Limits) -> Optional[Message]:
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
            declared = sum(m.file_size for m in members)
            if declared > limits.workbook_bytes:
                return _too_big(megabytes(declared), limits)
            read = 0
            for member in members:
                if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                    continue
                sheet, rest = _Sheet(), b""
                # zipfile stops at the declared size (then fails on the CRC):
                # counting what it yields bounds the actual size as well
                with book.open(member) as stream:
                    for chunk in iter(lambda: stream.read(_CHUNK), b""):
                        read += len(chunk)
                        if read > limits.workbook_bytes:
                            return _too_big(msg("more than {size}", size=megabytes(read)),
                                            limits)
                        rest = _scan(rest + chunk, sheet)
                if sheet.columns > limits.columns:
                    return _too_many_columns(sheet.columns, limits)
                cells = max(sheet.cells, sheet.rows * sheet.columns)
                if cells > limits.workbook_cells:
                    return msg("A sheet of the workbook has {cells} cells ({rows} rows by "
                               "{columns} columns): that is more than the portal's limit of "
                               "{limit} cells. Delete the empty rows and columns at the end "
                               "of the sheet, or save the table as CSV.", cells=cells,
                               rows=sheet.rows, columns=sheet.columns,
                               limit=limits.workbook_cells)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError):
        return None  # not a readable workbook: the parser says so in its own words
    return None


def _scan(data: bytes, sheet: _Sheet) -> bytes:
    """Feed the complete tags of ``data`` to the sheet; the unfinished end
    (from the last "<") is returned, to be continued by the next chunk."""
    cut = data.rfind(b"<")
    if cut < 0:
        return b""
    for match in _TAG.finditer(data, 0, cut):
        sheet.feed(match.group(1), match.group(2))
    # no tag is that long: beyond, it is text, which holds no cell
    return data[cut:cut + 4096]
