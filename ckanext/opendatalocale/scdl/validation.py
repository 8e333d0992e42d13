"""Validate a file against an SCDL Table Schema, Validata's way.

frictionless reads the file as a stream (any size: rows are checked one at a
time) and checks types and constraints; the schema's ``custom_checks`` run on
each row (``checks``). Columns are matched by name, as Validata does: a
missing required column is an error, a missing optional or an extra column a
warning. Every error is counted; at most ``listed`` per column are kept with
their row and value, so that a million wrong cells still give a readable
report; warnings are capped the same way. A file over one of the ``limits``
(columns, header, workbook size and cells) is reported before it is parsed.
Messages are keys and values (``wording``), said where they are shown.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Optional

import frictionless
from frictionless import Control, Detector, Dialect, Schema, formats
from frictionless.resources import TableResource

from . import checks as custom
from . import siren as publisher
from .diagnosis import Diagnosis, diagnose
from .limits import Limits, over_limit
from .messages import error_message, file_message
from .text import shortened
from .wording import Message, Said, msg, msg_n, said_dict, said_from

__all__ = ["Error", "Report", "validate_file", "LISTED_PER_COLUMN", "LISTED_WARNINGS"]

LISTED_PER_COLUMN = 100
LISTED_WARNINGS = 100
# extra columns named one by one in the report; beyond, in one warning
NAMED_EXTRA_COLUMNS = 10
# errors that make the file unreadable: no row could be checked
FILE_ERRORS = {"source-error", "scheme-error", "format-error", "encoding-error",
               "schema-error", "resource-error", "general-error", "package-error"}


@dataclass
class Error:
    row: Optional[int]       # the file's line as Validata counts it (header = 1)
    field: Optional[str]
    type: str                # frictionless error code, or "custom-check-error"
    message: Said            # for the commune
    value: Optional[str] = None
    check: Optional[str] = None   # the custom check's name


@dataclass
class Report:
    valid: bool
    rows: int = 0
    error_count: int = 0
    errors: list[Error] = dc_field(default_factory=list)   # listed ones
    counts: dict[str, int] = dc_field(default_factory=dict)  # per column ("" = file)
    warnings: list[Said] = dc_field(default_factory=list)  # listed ones
    warning_count: int = 0
    unusable: bool = False   # the file could not be read at all
    # a linked file that could not be downloaded: why (« HTTP 404 »)
    unreachable: Optional[Said] = None
    # SIRENs of the publisher's SIRET column (siren.PUBLISHER_COLUMNS), with
    # their number of rows: whose file it is
    sirens: dict[str, int] = dc_field(default_factory=dict)

    def summary(self) -> Message:
        """« 3 erreurs dans 2 colonnes »."""
        if self.unreachable:
            return msg("File unreachable ({reason})", reason=self.unreachable)
        if self.unusable:
            return msg("Unreadable file")
        if self.valid:
            return msg("The file conforms to the schema")
        columns = len([c for c in self.counts if c])
        errors = msg_n("{num} error", "{num} errors", self.error_count)
        if not columns:
            return errors
        return msg("{errors} in {columns}", errors=errors,
                   columns=msg_n("{num} column", "{num} columns", columns))

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON: each message as its key and values."""
        return {
            "valid": self.valid, "rows": self.rows, "error_count": self.error_count,
            "errors": [dict(vars(e), message=said_dict(e.message)) for e in self.errors],
            "counts": dict(self.counts), "warnings": [said_dict(w) for w in self.warnings],
            "warning_count": self.warning_count, "unusable": self.unusable,
            "unreachable": said_dict(self.unreachable), "sirens": dict(self.sirens),
            "summary": self.summary().as_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["errors"] = [Error(**dict(e, message=said_from(e.get("message"))))
                            for e in data.get("errors", [])]
        values["warnings"] = [said_from(w) for w in data.get("warnings", [])]
        values["unreachable"] = said_from(data.get("unreachable"))
        return cls(**values)


class _Collector:
    def __init__(self, listed: int):
        self.listed = listed
        self.report = Report(valid=True)
        self.no_expected_column = False  # the header holds none of the schema's names

    def add(self, error: Error, first: bool = False) -> None:
        report = self.report
        report.valid = False
        report.error_count += 1
        column = error.field or ""
        report.counts[column] = report.counts.get(column, 0) + 1
        if report.counts[column] <= self.listed:
            report.errors.insert(0, error) if first else report.errors.append(error)

    def publisher(self, value: Any) -> None:
        siren = publisher.siren_of(value)
        found = self.report.sirens
        if siren and (siren in found or len(found) < publisher.KEPT):
            found[siren] = found.get(siren, 0) + 1

    def warn(self, message: Message, first: bool = False) -> None:
        report = self.report
        report.warning_count += 1
        if first:
            report.warnings.insert(0, message)
            del report.warnings[LISTED_WARNINGS:]
        elif len(report.warnings) < LISTED_WARNINGS:
            report.warnings.append(message)

    def done(self) -> Report:
        hidden = self.report.warning_count - len(self.report.warnings)
        if hidden > 0:
            self.report.warnings.append(msg_n("… and {num} more warning.",
                                              "… and {num} more warnings.", hidden))
        return self.report


def _raw(cell: Any) -> Optional[str]:
    """A cell's value as the report keeps it (its first characters)."""
    return None if cell is None else shortened(str(cell))


def validate_file(path: str | os.PathLike, table_schema: dict[str, Any],
                  listed: int = LISTED_PER_COLUMN, limits: Limits = Limits()) -> Report:
    """Validate the file at ``path`` (CSV or XLSX) against ``table_schema``."""
    collect = _Collector(listed)
    descriptor = {k: v for k, v in table_schema.items() if k != "custom_checks"}
    fields = {f["name"]: f for f in table_schema["fields"]}
    row_checks = custom.build(table_schema.get("custom_checks", []))
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        collect.report.unusable = True
        collect.add(Error(None, None, "source-error", file_message("empty")))
        return collect.report
    with path.open("rb") as f:
        start = f.read(2048)
    text_start = start.lstrip().lower()
    if text_start.startswith(b"<!doctype html") or text_start.startswith(b"<html"):
        collect.report.unusable = True
        collect.add(Error(None, None, "format-error", file_message("html")))
        return collect.report
    fmt = _format(path, start)
    limit = over_limit(path, fmt, limits)
    if limit:
        collect.report.unusable = True
        collect.add(Error(None, None, "limit-error", limit))
        return collect.report
    collect = _read(path, fmt, descriptor, fields, row_checks, listed)
    if collect.report.unusable or collect.no_expected_column:
        # a table below a title, a merged header row or a notice sheet: said
        # precisely, then every row checked from the header where it is
        # (a file still unreadable from there, e.g. with two columns without a
        # name, is at least told where its table is)
        diagnosis = diagnose(path, table_schema)
        if diagnosis is None:  # not a table at all: the validator's word stands
            return collect.done()
        if diagnosis.padded:
            padded = _read(path, fmt, descriptor, fields, row_checks, listed,
                           _dialect(diagnosis, fmt))
            if not padded.report.unusable:
                collect = padded
        for message in reversed(diagnosis.messages()):
            collect.add(Error(None, None, "padded-header", message), first=True)
    return collect.done()


def _read(path: Path, fmt: str, descriptor: dict, fields: dict, row_checks: list,
          listed: int, dialect: Optional[Dialect] = None) -> "_Collector":
    collect = _Collector(listed)
    try:
        _check(path, fmt, None, descriptor, fields, row_checks, collect, dialect)
    except _EncodingRetry:
        # frictionless could not guess the encoding: French files are most
        # often Windows-1252 (Excel's "CSV" on Windows), which we then read
        collect = _Collector(listed)
        try:
            _check(path, fmt, "cp1252", descriptor, fields, row_checks, collect, dialect)
            collect.warn(msg(
                "The file is encoded in Windows-1252, not UTF-8: it was read, but save it "
                "as UTF-8 if you can (“CSV UTF-8” in your spreadsheet)."), first=True)
        except _EncodingRetry:
            collect.report.unusable = True
            collect.add(Error(None, None, "encoding-error", file_message("encoding-error")))
    return collect


def _dialect(diagnosis: Diagnosis, fmt: str) -> Dialect:
    """Where the diagnosis found the header (rows keep the file's numbers)."""
    controls: list[Control] = [formats.ExcelControl(sheet=diagnosis.sheet)] \
        if fmt == "xlsx" and diagnosis.sheet else []
    return Dialect(header_rows=[diagnosis.header_line], controls=controls)


class _EncodingRetry(Exception):
    pass


def _labels(path: Path, fmt: str, encoding: Optional[str],
            dialect: Optional[Dialect] = None) -> list[str]:
    with TableResource(path=path.name, basepath=str(path.parent), format=fmt,
                       encoding=encoding, **_with(dialect)) as peek:
        return list(peek.header.labels)


def _present_only(descriptor: dict, labels: list[str]) -> dict:
    """The schema without uniqueness on columns the file lacks (frictionless
    5.18 fails on a unique constraint of an absent column)."""
    descriptor = dict(descriptor, fields=[
        dict(f, constraints={k: v for k, v in f.get("constraints", {}).items()
                             if k != "unique"}) if f["name"] not in labels else f
        for f in descriptor["fields"]])
    key = descriptor.get("primaryKey")
    keys = [key] if isinstance(key, str) else list(key or [])
    if keys and not all(k in labels for k in keys):
        descriptor.pop("primaryKey")
    return descriptor


def _with(dialect: Optional[Dialect]) -> dict[str, Any]:
    return {"dialect": dialect} if dialect is not None else {}


def _check(path: Path, fmt: str, encoding: Optional[str], descriptor: dict, fields: dict,
           row_checks: list, collect: _Collector, dialect: Optional[Dialect] = None) -> None:
    try:
        descriptor = _present_only(descriptor, _labels(path, fmt, encoding, dialect))
    except frictionless.FrictionlessException:
        pass  # reported below, when the file is read for good
    resource = TableResource(path=path.name, basepath=str(path.parent), format=fmt,
                             encoding=encoding, schema=Schema.from_descriptor(descriptor),
                             detector=Detector(schema_sync=True), **_with(dialect))
    try:
        with resource:
            header = list(resource.header.labels)
            if not set(header) & set(fields):
                collect.no_expected_column = True
                collect.warn(msg(
                    "No column of the file has an expected name: check that the first row "
                    "holds the column names and that the file is the one for this type of "
                    "data."))
            _header_errors(resource, header, fields, collect)
            for check in row_checks:
                message = check.missing(header)
                if message:
                    collect.add(Error(None, check.first, "custom-check-error", message,
                                      check=check.name))
            applicable = [c for c in row_checks if c.applies(header)]
            own = publisher.publisher_column(header)
            for row in resource.row_stream:
                collect.report.rows += 1
                _row_errors(row, fields, applicable, collect)
                if own:
                    collect.publisher(row[own])
    except frictionless.FrictionlessException as e:
        error = e.error
        if error.type == "encoding-error" and collect.report.rows == 0:
            raise _EncodingRetry() from e
        collect.report.unusable = collect.report.rows == 0
        if "unique labels" in (error.note or ""):  # frictionless' schema_sync
            collect.add(Error(None, None, "duplicate-label", msg(
                "Several columns have the same name or no name: give each column of the "
                "header its own name, or delete the empty columns.")))
            return
        collect.add(Error(getattr(error, "row_number", None), None, error.type,
                          file_message(error.type, error.note)))


def _format(path: Path, start: bytes) -> str:
    """The tabular format, from the name or, for files stored without an
    extension (CKAN's uploads), from the first bytes."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "xlsx", "xls", "ods"):
        return suffix
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def _header_errors(resource, header: list[str], fields: dict, collect: _Collector) -> None:
    for name, schema_field in fields.items():
        if name in header:
            continue
        if schema_field.get("constraints", {}).get("required"):
            collect.add(Error(None, name, "missing-label",
                              error_message("missing-label", name, None, schema_field)))
        else:
            collect.warn(msg("Optional column missing: {column} (you may add it).",
                             column=name))
    extra = [label for label in header if label and label not in fields]
    if len(extra) <= NAMED_EXTRA_COLUMNS:
        for label in extra:
            collect.warn(msg("Extra column: {column} is not part of the schema; it is ignored.",
                             column=str(label)))
    else:
        more = len(extra) - NAMED_EXTRA_COLUMNS
        collect.warn(msg_n(
            "{num} extra column is not part of the schema and is ignored: {named} and "
            "{others}.",
            "{num} extra columns are not part of the schema and are ignored: {named} and "
            "{others}.", len(extra), named=[str(label) for label in extra[:NAMED_EXTRA_COLUMNS]],
            others=msg_n("{num} other", "{num} others", more)))
    for error in resource.header.errors:
        if error.type in ("missing-label", "extra-label", "incorrect-label"):
            continue  # matched by name above
        if error.type == "blank-label":
            collect.warn(msg(
                "A column without a name was ignored (often a separator at the end of the "
                "line left by the spreadsheet)."))
            continue
        collect.add(Error(None, getattr(error, "label", None), error.type,
                          error_message(error.type, getattr(error, "label", None), None, {})))


def _row_errors(row, fields: dict, row_checks: list, collect: _Collector) -> None:
    failed = set()  # cells that could not be read as their type
    for error in row.errors:
        name = getattr(error, "field_name", None)
        value = _raw(getattr(error, "cell", None))
        if error.type == "type-error":
            failed.add(name)
        collect.add(Error(row.row_number, name, error.type,
                          error_message(error.type, name, value, fields.get(name, {}),
                                        getattr(error, "note", "")),
                          value=value))
    if not row_checks:
        return
    cells = {name: (None if name in failed else row[name]) for name in row.field_names}
    for check in row_checks:
        problem = check.check(cells)
        if problem:
            value = cells.get(problem.field)
            collect.add(Error(row.row_number, problem.field, "custom-check-error",
                              problem.message, value=_raw(value), check=check.name))
