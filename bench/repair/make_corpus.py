"""The repair corpus (``tests/scdl/repair_corpus``): each type's valid file
of the parity corpus (``tests/scdl/corpus/<type>/valide.csv``) damaged the
way Excel and people damage exports, five ways per type.

- ``excel-fr.csv``: French Excel's « CSV (séparateur : point-virgule) »:
  Windows-1252, ``;``, CRLF, dates 12/03/2024, datetimes 12/03/2024 10:00,
  decimal commas and no-break spaces between thousands.
- ``mise-en-page.csv``: a title line and an empty line above the header,
  two empty columns after the last one, an empty line in the middle and two
  at the end.
- ``saisie.csv``: what people type: the header in lower case with spaces,
  list values in capitals or without accents, Oui/Non, identifiers in
  groups (215 601 782 00018), amounts « 1 234,56 € », dates « 12 mars
  2024 », a leading apostrophe before a code, spaces around values.
- ``tableur.xlsx``: a workbook whose first sheet is a notice, the table on
  the second under a title row, dates as date cells, identifiers as numbers.
- ``a-verifier.csv``: ``excel-fr`` plus what no rule may repair without a
  guess (« NC » in a required column, a two-digit year): stays invalid.

``saisie`` writes amounts with narrow no-break spaces and « € » on every
other row, plain spaces on the others.

Deterministic: ``python bench/repair/make_corpus.py`` rewrites the same
bytes; ``tests/scdl/test_repair_corpus.py`` checks it.
"""
from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "scdl" / "corpus"
TARGET = ROOT / "tests" / "scdl" / "repair_corpus"
NBSP, NNBSP = "\u00a0", "\u202f"   # Excel's thousands separator, and typography's
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
UNACCENTED = str.maketrans("éèêëàâîïôûùçÉÈÊÀÂÎÔÛÇ", "eeeeaaiiouucEEEAAIOUC")

# name → (file, what was done, becomes valid after repair)
DEFECTS = {
    "excel-fr": ("excel-fr.csv", "Windows-1252, semicolons, CRLF, French dates and "
                 "decimal commas with no-break spaces between thousands", True),
    "mise-en-page": ("mise-en-page.csv", "a title line and an empty line above the header, "
                     "two empty trailing columns, empty lines in the middle and at the end",
                     True),
    "saisie": ("saisie.csv", "header in lower case with spaces, list values in capitals or "
               "unaccented, Oui/Non, identifiers in groups of digits, amounts with € and "
               "spaces, dates in words, a leading apostrophe, spaces around values", True),
    "tableur": ("tableur.xlsx", "a notice sheet first, a title row, date cells, "
                "identifiers as numeric cells", True),
    "a-verifier": ("a-verifier.csv", "excel-fr plus « NC » in a required column and a "
                   "two-digit year: no rule may repair them", False),
}


def _schema(slug: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from ckanext.opendatalocale.scdl.catalogue import catalogue
    return catalogue().get(slug).latest.table_schema()


def _read(slug: str) -> tuple[list[str], list[list[str]]]:
    with (SOURCE / slug / "valide.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _french_number(text: str, thousands: str = NBSP) -> str:
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    integer, _, decimals = text.partition(".")
    sign = "-" if integer.startswith("-") else ""
    digits = integer.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + thousands.join(groups) + ("," + decimals if decimals else "")


def _french_date(text: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2})?)?.*", text)
    if not match:
        return text
    y, m, d, hh, mm = match.groups()
    return f"{d}/{m}/{y}" + (f" {hh}:{mm}" if hh else "")


def _digits_pattern(field: dict[str, Any]) -> bool:
    pattern = field.get("constraints", {}).get("pattern", "")
    return bool(re.fullmatch(r"\^?(\\d|\[0-9\])\{\d+\}\$?", pattern))


def _excel(field: dict[str, Any], value: str) -> str:
    kind = field.get("type")
    if kind in ("date", "datetime"):
        return _french_date(value)
    if kind == "number":
        return _french_number(value)
    return value


def _typed(field: dict[str, Any], value: str, n: int) -> str:
    kind, c = field.get("type"), field.get("constraints", {})
    if not value:
        return value
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = date.fromisoformat(value)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if kind == "number":
        return _french_number(value, NNBSP) + " €" if n % 2 else _french_number(value, " ")
    if kind == "boolean":
        trues = field.get("trueValues", ["true"])
        return ("Oui" if value in trues else "Non") if n % 2 else \
            ("OUI" if value in trues else "NON")
    if "enum" in c and kind == "string":
        return value.upper() if n % 2 else value.translate(UNACCENTED) + " "
    if _digits_pattern(field) and len(value) >= 9:
        return " ".join([value[:3], value[3:6], value[6:9], value[9:]]).strip()
    if _digits_pattern(field):
        return "'" + value
    if c and kind == "string" and not c.get("pattern"):
        return " " + value
    return value


def _typed_header(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced.lower()


def _csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\n",
         encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def _cells(table_schema: dict[str, Any], header: list[str], rows: list[list[str]],
           change: Callable[[dict[str, Any], str, int], str]) -> list[list[str]]:
    fields = {f["name"]: f for f in table_schema["fields"]}
    return [[change(fields.get(name, {}), cell, n) for name, cell in zip(header, row)]
            for n, row in enumerate(rows)]


def _unguessable(table_schema: dict[str, Any], header: list[str],
                 rows: list[list[str]]) -> list[list[str]]:
    fields = {f["name"]: f for f in table_schema["fields"]}
    rows = [list(r) for r in rows]
    from frictionless import Field
    required = [i for i, name in enumerate(header)
                if fields.get(name, {}).get("constraints", {}).get("required")
                and Field.from_descriptor(fields[name]).read_cell("NC")[1]]
    rows[0][required[-1]] = "NC"
    dates = [i for i, name in enumerate(header) if fields.get(name, {}).get("type") == "date"
             and re.fullmatch(r"\d{2}/\d{2}/\d{4}", rows[1][i])]
    if dates:
        rows[1][dates[0]] = rows[1][dates[0]][:-4] + rows[1][dates[0]][-2:]
    return rows


def _workbook(table_schema: dict[str, Any], header: list[str], rows: list[list[str]],
              slug: str) -> bytes:
    import xlsxwriter
    fields = {f["name"]: f for f in table_schema["fields"]}
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": datetime(2024, 1, 1)})   # same bytes every time
    shown = book.add_format({"num_format": "dd/mm/yyyy"})
    notice = book.add_worksheet("Notice")
    notice.write(0, 0, f"Fichier {slug} : mode d'emploi")
    notice.write(1, 0, "Remplir une ligne par enregistrement sur la feuille Données.")
    data = book.add_worksheet("Données")
    data.write(0, 0, f"Export {slug} de la collectivité")
    for j, name in enumerate(header):
        data.write_string(1, j, name)
    for i, row in enumerate(rows, start=2):
        for j, (name, cell) in enumerate(zip(header, row)):
            field = fields.get(name, {})
            if field.get("type") == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
                data.write_datetime(i, j, datetime.fromisoformat(cell), shown)
            elif _digits_pattern(field) and cell.isdigit() and not cell.startswith("0"):
                data.write_number(i, j, int(cell))
            elif cell:
                data.write_string(i, j, cell)
    book.close()
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with its zip entries dated alike (same bytes every run)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def slugs() -> list[str]:
    return sorted(p.name for p in SOURCE.iterdir() if (p / "valide.csv").is_file())


def outputs() -> dict[str, bytes]:
    """Relative path → bytes of every corpus file, README.md included."""
    files: dict[str, bytes] = {}
    lines = ["# Repair corpus (written by bench/repair/make_corpus.py; do not edit)", "",
             "Each type's valid file of `tests/scdl/corpus` damaged as exports are.", "",
             "| file | defects | valid after repair |", "|---|---|---|"]
    for slug in slugs():
        schema = _schema(slug)
        header, rows = _read(slug)
        excel = _cells(schema, header, rows, lambda f, v, n: _excel(f, v))
        padded_rows = [r + ["", ""] for r in rows]
        padded = ([["Export " + slug] + [""] * (len(header) + 1), [""] * (len(header) + 2),
                   header + ["", ""]] + padded_rows[:2] + [[""] * (len(header) + 2)]
                  + padded_rows[2:] + [[""] * (len(header) + 2)] * 2)
        typed = [[_typed_header(h) for h in header]] + _cells(schema, header, rows, _typed)
        files[f"{slug}/excel-fr.csv"] = _csv([header] + excel, ";", "\r\n", "cp1252")
        files[f"{slug}/mise-en-page.csv"] = _csv(padded)
        files[f"{slug}/saisie.csv"] = _csv(typed)
        files[f"{slug}/tableur.xlsx"] = _workbook(schema, header, rows, slug)
        files[f"{slug}/a-verifier.csv"] = _csv(
            [header] + _unguessable(schema, header, excel), ";", "\r\n", "cp1252")
    for name in sorted(files):
        defect = DEFECTS[Path(name).stem]
        lines.append(f"| `{name}` | {defect[1]} | {'yes' if defect[2] else 'no'} |")
    files["README.md"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def expected_valid(name: str) -> bool:
    """Whether the corpus file ``name`` (``budget/saisie.csv``) is meant to
    be valid once repaired."""
    return DEFECTS[Path(name).stem][2]


def write(target: Path = TARGET) -> list[str]:
    written = outputs()
    for name, data in written.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sorted(written)


if __name__ == "__main__":
    for name in write():
        print(name)
