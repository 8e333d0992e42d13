"""Properties of the repair, tested: a valid file is never changed; repairing
a repaired file changes nothing; every change is one of the rules, keeps
the value's meaning (the value is generated, written as a spreadsheet or a
person writes it, and must come back) and is the only difference between
the file and its repair; row count and row order are kept."""
from __future__ import annotations

import csv
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ckanext.opendatalocale.scdl.catalogue import catalogue
from ckanext.opendatalocale.scdl.diagnosis import diagnose, read_rows
from ckanext.opendatalocale.scdl.repair import FILE_RULES, Change, repair
from ckanext.opendatalocale.scdl.repair_rules import CELL_RULES, Column
from ckanext.opendatalocale.scdl.validation import validate_file

HERE = Path(__file__).resolve().parent
FILES = sorted(p for folder in ("corpus", "repair_corpus") for p in (HERE / folder).glob("*/*")
               if p.suffix in (".csv", ".xlsx"))
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
FIELDS = [f for entry in catalogue().entries for f in entry.latest.table_schema()["fields"]]


def schema_of(path: Path) -> dict:
    return catalogue().get(path.parent.name).latest.table_schema()


def name(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


# -- cells -------------------------------------------------------------------------
@st.composite
def written_dates(draw):
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    d, m, y = day.day, day.month, day.year
    forms = [f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}-{m:02d}-{y}",
             f"{d:02d}.{m:02d}.{y}", f"{y}/{m:02d}/{d:02d}",
             f"{'1er' if d == 1 else d} {MONTHS[m - 1]} {y}",
             f"{d} {MONTHS[m - 1].upper()} {y}", f"{day.isoformat()}T00:00:00",
             f"{d:02d}/{m:02d}/{y} 00:00", f" {day.isoformat()} ", f"'{day.isoformat()}"]
    return day, draw(st.sampled_from(forms))


@given(written_dates())
def test_a_written_date_comes_back_as_the_same_date(case):
    day, text = case
    repaired = Column({"name": "d", "type": "date"}).repair_cell(text)
    assert repaired is not None and date.fromisoformat(repaired[0]) == day


@st.composite
def written_numbers(draw):
    value = draw(st.decimals(min_value=-10**9, max_value=10**9, places=2,
                             allow_nan=False, allow_infinity=False))
    sign = "-" if value < 0 else ""
    integer, decimals = f"{abs(value):.2f}".split(".")
    separator = draw(st.sampled_from([" ", "\u00a0", "\u202f", ".", ""]))
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + separator.join(groups) + "," + decimals
    text = draw(st.sampled_from([text, text + " €", text + "\u00a0€", "€ " + text,
                                 text + " EUR", "'" + text, " " + text + " "]))
    return value, text


@given(written_numbers())
def test_a_written_number_comes_back_as_the_same_number(case):
    value, text = case
    repaired = Column({"name": "n", "type": "number"}).repair_cell(text)
    assert repaired is not None and Decimal(repaired[0]) == value


ENUM = ["aide en numéraire", "aide en nature", "Équipement sportif", "élémentaire"]


def unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


@given(st.sampled_from(ENUM), st.sampled_from([str.upper, str.lower, unaccented,
                                               lambda t: t.replace(" ", "  "),
                                               lambda t: " " + t.upper()]))
def test_a_list_value_comes_back(value, damage):
    typed = damage(value)
    repaired = Column({"name": "e", "type": "string",
                       "constraints": {"enum": ENUM}}).repair_cell(typed)
    assert (repaired[0] if repaired else typed) == value


@given(st.from_regex(r"\A[0-9]{14}\Z"), st.lists(st.sampled_from([" ", ".", "\u00a0"]),
                                               min_size=3, max_size=3))
def test_a_grouped_siret_comes_back(siret, separators):
    typed = (siret[:3] + separators[0] + siret[3:6] + separators[1] + siret[6:9]
             + separators[2] + siret[9:])
    repaired = Column({"name": "s", "type": "string",
                       "constraints": {"pattern": r"^\d{14}$"}}).repair_cell(typed)
    assert repaired == (siret, "identifier-spacing")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9 .,'€%/\-]{1,20}\Z"),
    st.sampled_from(["Oui", "NON", "vrai", "x", "12/03/2024", "2024/03/12", "1 234,5 €",
                     "18 %", "12 mars 2024", " 46100", "215 601 782 00018"])))
def test_any_repair_is_accepted_by_its_column_and_final(field, text):
    column = Column(field)
    repaired = column.repair_cell(text)
    if repaired is None:
        return
    after, rule = repaired
    assert rule in CELL_RULES
    assert not column.accepts(text) and column.accepts(after)
    assert column.repair_cell(after) is None


# -- files -------------------------------------------------------------------------
VALID = [p for p in FILES if validate_file(p, schema_of(p)).valid]
INVALID = [p for p in FILES if p not in VALID]


def test_both_corpora_have_valid_and_invalid_files():
    assert len(VALID) >= 30 and len(INVALID) >= 90


@pytest.mark.parametrize("path", VALID, ids=name)
def test_a_valid_file_is_never_changed(path, tmp_path):
    before = path.read_bytes()
    result = repair(path, schema_of(path), tmp_path / "out.csv")
    assert not result.repaired and result.output is None
    assert result.counts == {} and result.file_changes == []
    assert not (tmp_path / "out.csv").exists()
    assert path.read_bytes() == before


@pytest.mark.parametrize("path", INVALID, ids=name)
def test_repair_is_final_and_its_changes_are_the_only_differences(path, tmp_path):
    schema = schema_of(path)
    changes: list[Change] = []
    result = repair(path, schema, tmp_path / "out.csv", on_change=changes.append)
    if not result.repaired:
        assert result.output is None
        return
    again = repair(tmp_path / "out.csv", schema, tmp_path / "again.csv")
    assert not again.repaired and again.counts == {} and again.file_changes == []
    assert {c.rule for c in changes} <= set(CELL_RULES)
    assert {f.id for f in result.file_changes} <= set(FILE_RULES)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[1:] == expected_rows(path, schema, changes)
    assert len(written) - 1 == result.rows


def expected_rows(path: Path, schema: dict, changes: list[Change]) -> list[list[str]]:
    """The source's rows below the header, empty ones and empty unnamed
    columns left out, each cell as text, with the changes applied: the
    repair must have written exactly that, in that order."""
    diagnosis = diagnose(path, schema)
    fields = {f["name"]: f for f in schema["fields"]}
    by_cell = {(c.row, c.column): c for c in changes}
    result = repair(path, schema)   # names as the repair matched them
    if result.output:
        result.output.unlink()
    dropped = {i - 1 for f in result.file_changes if f.id == "empty-columns"
               for i in f.values["columns"]}
    renamed = {c["column"] - 1: c["after"] for f in result.file_changes
               if f.id.startswith("header-") for c in f.values["columns"]}
    names = [renamed.get(i, label) for i, label in enumerate(diagnosis.labels)]
    rows = []
    for line, row in enumerate(read_rows(path, diagnosis), start=1):
        if line <= diagnosis.header_line or all(c is None or not str(c).strip() for c in row):
            continue
        while len(row) > len(names) and (row[-1] is None or not str(row[-1]).strip()):
            row = row[:-1]
        out = []
        for i, cell in enumerate(row):
            if i in dropped:
                continue
            column = names[i] if i < len(names) else None
            text = Column(fields[column]).text_of(cell) if column in fields else \
                ("" if cell is None else str(cell))
            change = by_cell.get((line, column))
            if change:
                assert change.before == text
                text = change.after
            out.append(text)
        rows.append(out)
    return rows
