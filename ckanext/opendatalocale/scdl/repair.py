"""Repair a file toward its SCDL schema: every change shown, nothing invented.

Most errors communes make are mechanical (Excel's ``;`` and Windows-1252,
``12/03/2024``, ``1 234,56 €``, ``Oui``, a title line above the header) and
are repaired here without a guess (``repair_rules``). The file is read
twice, as a stream: the first pass decides each date column's day/month
order from the whole column and which unnamed columns are empty; the second
writes the repaired CSV — UTF-8, comma, the schema's column names, the
file's own column order (so that each change is one cell, one name or one
empty line or column, and the commune finds her file) — and counts the
changes per rule and column with their first examples (a million changes
are never held; ``on_change`` receives each one for whoever wants them all).
What no rule repairs is left as it is and counted; the validator then says
what remains. A valid file is not repaired at all.
"""
from __future__ import annotations

import csv
import os
import shutil
import tempfile
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Mapping, Optional, Union

from .diagnosis import Diagnosis, Finding, diagnose, match_header, read_rows, renamed_fields
from .limits import Limits
from .repair_rules import Column, DateOrder
from .text import shortened
from .validation import Report, validate_file

__all__ = ["Change", "Repair", "FILE_RULES", "EXAMPLES", "previous_names", "repair"]

EXAMPLES = 5          # changes kept per (rule, column)
# rules on the whole file, with what their values say
FILE_RULES = ("format", "encoding", "delimiter", "title-lines", "group-rows", "notice-sheet",
              "empty-columns", "empty-rows", "header-spelling", "header-previous-version")

Source = Union[str, os.PathLike, IO[bytes]]


@dataclass(frozen=True)
class Change:
    row: int              # the file's line (a sheet's row), header included
    column: str           # the schema's name
    before: str
    after: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class Repair:
    """What the repair did, and what the validator says of the result."""
    repaired: bool                  # a repaired file was written
    report: Report                  # the validator's: of the repaired file, else of the input
    diagnosis: Optional[Diagnosis] = None
    rows: int = 0                   # data rows written
    file_changes: list[Finding] = dc_field(default_factory=list)
    counts: dict[tuple[str, str], int] = dc_field(default_factory=dict)   # (rule, column)
    examples: dict[tuple[str, str], list[Change]] = dc_field(default_factory=dict)
    unrepaired: dict[str, int] = dc_field(default_factory=dict)           # per column
    unrepaired_examples: dict[str, list[Change]] = dc_field(default_factory=dict)
    date_orders: dict[str, DateOrder] = dc_field(default_factory=dict)
    output: Optional[Path] = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "repaired": self.repaired, "rows": self.rows,
            "report": self.report.as_dict(),
            "diagnosis": self.diagnosis.as_dict() if self.diagnosis else None,
            "file_changes": [f.as_dict() for f in self.file_changes],
            "changes": [{"rule": rule, "column": column, "count": count,
                         "examples": [c.as_dict() for c in self.examples[(rule, column)]]}
                        for (rule, column), count in self.counts.items()],
            "unrepaired": [{"column": column, "count": count,
                            "examples": [c.as_dict() for c in self.unrepaired_examples[column]]}
                           for column, count in self.unrepaired.items()],
            "date_orders": {c: o.as_dict() for c, o in self.date_orders.items()}}


def previous_names(entry: Any, version: Optional[str] = None) -> dict[str, str]:
    """Old name → current name, from the catalogue entry's other versions
    (``scdl.catalogue.SchemaEntry``) older than ``version``."""
    current = entry.version(version)
    schema = current.table_schema()
    names: dict[str, str] = {}
    for older in entry.versions:
        if older.version != current.version and \
                _version_key(older.version) < _version_key(current.version):
            names.update(renamed_fields(older.table_schema(), schema))
    return names


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def repair(source: Source, table_schema: dict[str, Any],
           output: Optional[Union[str, os.PathLike]] = None, *,
           report: Optional[Report] = None, previous: Mapping[str, str] = {},
           examples: int = EXAMPLES, on_change: Optional[Callable[[Change], None]] = None,
           limits: Limits = Limits()) -> Repair:
    """Repair the CSV or XLSX ``source`` (a path or a binary stream) toward
    ``table_schema``, writing the repaired CSV at ``output`` (a temporary
    file when None; the caller removes it). ``Repair.output`` is the file
    written; there is none when nothing was repaired (nor a half-written one
    when reading failed): the source is only ever read.

    ``report`` is the validator's report of the source when the caller has
    it (the portal does); ``previous`` the names an older version of the
    schema gave to its columns (``previous_names``).
    """
    with _as_path(source) as path:
        report = report or validate_file(path, table_schema, limits=limits)
        if report.valid or _refused(report):
            return Repair(False, report)   # nothing to repair, or not a table
        diagnosis = diagnose(path, table_schema, previous)
        if diagnosis is None or (report.unusable and not diagnosis.padded):
            return Repair(False, report, diagnosis)
        target = Path(output) if output else _temporary()
        try:
            result = _Repairer(path, table_schema, diagnosis, previous, examples,
                               on_change).run(target)
        except (csv.Error, UnicodeDecodeError, OSError, ValueError):
            target.unlink(missing_ok=True)   # no half-written repair
            return Repair(False, report, diagnosis)
        if not result.repaired:
            target.unlink(missing_ok=True)
            result.report = report
            return result
        result.output = target
        result.report = validate_file(target, table_schema, limits=limits)
        return result


class _as_path:
    """A path to read twice: the source's own, or a copy of its stream."""

    def __init__(self, source: Source):
        self.source = source
        self.copy: Optional[Path] = None

    def __enter__(self) -> Path:
        stream = self.source
        if isinstance(stream, (str, os.PathLike)):
            return Path(stream)
        handle, name = tempfile.mkstemp(prefix="scdl-repair-")
        with os.fdopen(handle, "wb") as copy:
            shutil.copyfileobj(stream, copy)
        self.copy = Path(name)
        return self.copy

    def __exit__(self, *exc: Any) -> None:
        if self.copy:
            self.copy.unlink(missing_ok=True)


def _refused(report: Report) -> bool:
    """Files the validator refuses before reading them (empty, a web page,
    over a limit, an unknown encoding): the repair reads none of them."""
    return report.unusable and any(
        e.type in ("source-error", "format-error", "limit-error", "encoding-error")
        for e in report.errors)


def _temporary() -> Path:
    handle, name = tempfile.mkstemp(prefix="scdl-repaired-", suffix=".csv")
    os.close(handle)
    return Path(name)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class _Repairer:
    def __init__(self, path: Path, table_schema: dict[str, Any], diagnosis: Diagnosis,
                 previous: Mapping[str, str], examples: int,
                 on_change: Optional[Callable[[Change], None]]):
        self.path, self.diagnosis = path, diagnosis
        self.examples, self.on_change = examples, on_change
        fields = {f["name"]: f for f in table_schema["fields"]}
        self.labels = list(diagnosis.labels)
        self.matched = match_header(self.labels, list(fields), previous)
        self.columns = {i: Column(fields[name]) for i, (name, _) in self.matched.items()}
        self.result = Repair(False, Report(valid=False), diagnosis)

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(line, cells) of every row below the header; a CSV read whole in
        the encoding its first bytes suggest, else in Windows-1252."""
        for line, row in enumerate(read_rows(self.path, self.diagnosis), start=1):
            if line > self.diagnosis.header_line:
                yield line, row

    def _first_pass(self) -> set[int]:
        """Decide the date columns' order; return the unnamed empty columns."""
        orders = {i: DateOrder() for i, c in self.columns.items()
                  if c.type in ("date", "datetime")}
        unnamed = {i for i, label in enumerate(self.labels) if not label.strip()}
        for _, row in self._rows():
            for i in list(unnamed):
                if i < len(row) and not _blank(row[i]):
                    unnamed.discard(i)
            for i, order in orders.items():
                if i < len(row) and isinstance(row[i], str) and \
                        not self.columns[i].accepts(row[i]):
                    order.see(row[i])
        for i, order in orders.items():
            self.columns[i].order = order.decision
            self.result.date_orders[self.columns[i].name] = order
        return unnamed

    def run(self, target: Path) -> Repair:
        try:
            empty_columns = self._first_pass()
        except UnicodeDecodeError:
            if self.diagnosis.encoding == "cp1252":
                raise
            self.diagnosis.encoding = "cp1252"   # undecodable further down: as the validator
            empty_columns = self._first_pass()
        self._file_changes(empty_columns)
        header = [self.matched[i][0] if i in self.matched else label
                  for i, label in enumerate(self.labels) if i not in empty_columns]
        empty_rows: list[int] = []
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for line, row in self._rows():
                if all(_blank(c) for c in row):
                    empty_rows.append(line)
                    continue
                writer.writerow(self._row(line, row, empty_columns))
                self.result.rows += 1
        if empty_rows:
            self.result.file_changes.append(Finding("empty-rows", {
                "lines": empty_rows[:self.examples], "count": len(empty_rows)}))
        structural = [f for f in self.result.file_changes
                      if f.id not in ("format", "encoding", "delimiter")]
        self.result.repaired = bool(self.result.counts or structural)
        return self.result

    def _file_changes(self, empty_columns: set[int]) -> None:
        d, changes = self.diagnosis, self.result.file_changes
        if d.format == "xlsx":
            changes.append(Finding("format", {"before": "xlsx", "after": "csv"}))
        if d.format == "csv" and d.encoding == "cp1252":
            changes.append(Finding("encoding", {"before": "cp1252", "after": "utf-8"}))
        if d.format == "csv" and d.delimiter != ",":
            changes.append(Finding("delimiter", {"before": d.delimiter, "after": ","}))
        changes.extend(f for f in d.findings if f.id != "empty-columns")
        if empty_columns:
            changes.append(Finding("empty-columns", {
                "columns": sorted(i + 1 for i in empty_columns)}))
        for how in ("header-spelling", "header-previous-version"):
            renamed = [{"column": i + 1, "before": self.labels[i], "after": name}
                       for i, (name, found) in sorted(self.matched.items()) if found == how]
            if renamed:
                changes.append(Finding(how, {"columns": renamed}))

    def _row(self, line: int, row: list[Any], dropped: set[int]) -> list[str]:
        width = len(self.labels)
        while len(row) > width and _blank(row[-1]):
            row = row[:-1]        # separators after the header's last column
        return [self._cell(line, i, cell) for i, cell in enumerate(row) if i not in dropped]

    def _cell(self, line: int, i: int, cell: Any) -> str:
        column = self.columns.get(i)
        if column is None:
            return "" if cell is None else str(cell)
        text = column.text_of(cell)
        repaired = column.repair_cell(cell)
        if repaired is not None:
            after, rule = repaired
            self._count(Change(line, column.name, text, after, rule))
            return after
        if not _blank(cell) and not column.accepts(cell) or \
                (_blank(cell) and column.constraints.get("required")):
            self._unrepaired(Change(line, column.name, text, text, ""))
        return text

    def _count(self, change: Change) -> None:
        key = (change.rule, change.column)
        r = self.result
        r.counts[key] = r.counts.get(key, 0) + 1
        kept = r.examples.setdefault(key, [])
        if len(kept) < self.examples:
            kept.append(_shortened(change))
        if self.on_change:
            self.on_change(change)

    def _unrepaired(self, change: Change) -> None:
        r = self.result
        r.unrepaired[change.column] = r.unrepaired.get(change.column, 0) + 1
        kept = r.unrepaired_examples.setdefault(change.column, [])
        if len(kept) < self.examples:
            kept.append(_shortened(change))


def _shortened(change: Change) -> Change:
    """An example as it is shown and stored: its values cut as a report cuts
    them (``text.shortened``; whoever wants every value whole has ``on_change``)."""
    return Change(change.row, change.column, shortened(change.before),
                  shortened(change.after), change.rule)
