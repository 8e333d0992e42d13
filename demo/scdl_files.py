"""CSV files for the demo's SCDL datasets: valid ones, made from each type's
template, and the mistakes communes really make.

Every file starts from the schema's example row (valid against the schema);
a mistake changes just what it names.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Callable, Optional

from ckanext.opendatalocale.scdl.templates import example_row

__all__ = ["MISTAKES", "valid_csv", "mistaken_csv"]


def _rows(table_schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    return [f["name"] for f in table_schema["fields"]], example_row(table_schema)


def _write(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def valid_csv(table_schema: dict[str, Any]) -> bytes:
    header, row = _rows(table_schema)
    return _write(header, [row]).encode("utf-8")


def _siret_column(table_schema: dict[str, Any]) -> Optional[str]:
    for check in table_schema.get("custom_checks", []):
        if check["name"] == "french-siret-value":
            return check["params"]["column"]
    return None


def _wrong_siret(table_schema, header, row):
    column = _siret_column(table_schema)
    if column is None:
        return None
    i = header.index(column)
    digits = row[i]
    row[i] = digits[:-1] + str((int(digits[-1]) + 1) % 10)  # breaks the Luhn key
    return _write(header, [row]).encode("utf-8")


def _french_dates(table_schema, header, row):
    for i, field in enumerate(table_schema["fields"]):
        if field.get("type") == "date" and re.match(r"^\d{4}-\d{2}-\d{2}$", row[i]):
            year, month, day = row[i].split("-")
            row[i] = f"{day}/{month}/{year}"
            return _write(header, [row]).encode("utf-8")
    return None


def _missing_column(table_schema, header, row):
    for i, field in enumerate(table_schema["fields"]):
        if field.get("constraints", {}).get("required"):
            del header[i], row[i]
            return _write(header, [row]).encode("utf-8")
    return None


def _semicolons(table_schema, header, row):
    return _write(header, [row], delimiter=";").encode("utf-8")


def _latin1(table_schema, header, row):
    text = _write(header, [row])
    if text == text.encode("ascii", "ignore").decode():
        return None  # nothing that Latin-1 would write differently
    return text.encode("latin-1", "replace")


# name: (what it is, how to make it, whether the file is invalid; semicolons
# and Latin-1 are read, as Validata reads them, with a warning)
MISTAKES: dict[str, tuple[str, Callable, bool]] = {
    "siret": ("SIRET erroné", _wrong_siret, True),
    "dates": ("dates écrites 12/03/2024", _french_dates, True),
    "colonne": ("colonne obligatoire manquante", _missing_column, True),
    "point-virgule": ("séparateur point-virgule", _semicolons, False),
    "latin1": ("encodage Latin-1", _latin1, False),
}


def mistaken_csv(table_schema: dict[str, Any], mistake: str) -> Optional[bytes]:
    """The example file with one mistake, or None when the schema gives it no
    hold (no SIRET column, no date…)."""
    header, row = _rows(table_schema)
    return MISTAKES[mistake][1](table_schema, header, row)
