"""The repair of whole files (scdl/repair.py) and the diagnosis of padded
headers (scdl/diagnosis.py), on small files written here: each file rule,
what is reported, what is never done, and bad input."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import xlsxwriter

from ckanext.opendatalocale.scdl.catalogue import catalogue
from ckanext.opendatalocale.scdl.diagnosis import diagnose, renamed_fields
from ckanext.opendatalocale.scdl.repair import Change, previous_names, repair
from ckanext.opendatalocale.scdl.validation import validate_file

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="module")
def subventions() -> dict:
    return catalogue().get("subventions").latest.table_schema()


def valid_rows() -> list[list[str]]:
    with (CORPUS / "subventions" / "valide.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write(path: Path, rows: list[list[str]], delimiter: str = ",",
          encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def with_dates(rows: list[list[str]], column: str, dates: list[str]) -> list[list[str]]:
    i = rows[0].index(column)
    return [rows[0]] + [r[:i] + [d] + r[i + 1:] for r, d in zip(rows[1:], dates)]


def test_excel_french_csv_becomes_utf8_comma_iso(tmp_path, subventions):
    rows = valid_rows()
    i = rows[0].index("dateConvention")
    damaged = [rows[0]] + [r[:i] + ["/".join(reversed(r[i].split("-")))] + r[i + 1:]
                           for r in rows[1:]]
    source = write(tmp_path / "export.csv", damaged, ";", "cp1252")
    result = repair(source, subventions, tmp_path / "out.csv")
    assert result.repaired and result.report.valid
    assert (tmp_path / "out.csv").read_bytes().decode("utf-8")   # UTF-8
    assert read(tmp_path / "out.csv") == rows
    ids = [f.id for f in result.file_changes]
    assert ids == ["encoding", "delimiter"]
    assert result.file_changes[0].values == {"before": "cp1252", "after": "utf-8"}
    assert result.file_changes[1].values == {"before": ";", "after": ","}
    assert result.counts == {("date-format", "dateConvention"): len(rows) - 1}
    assert result.date_orders["dateConvention"].decision == "day-first"


def test_a_valid_file_is_not_repaired(tmp_path, subventions):
    source = write(tmp_path / "valid.csv", valid_rows(), ";", "cp1252")
    before = source.read_bytes()
    result = repair(source, subventions)
    assert not result.repaired and result.output is None and result.counts == {}
    assert result.report.valid
    assert source.read_bytes() == before


def test_title_lines_empty_rows_and_columns(tmp_path, subventions):
    rows = valid_rows()
    width = len(rows[0]) + 2
    padded = ([["Subventions 2024"] + [""] * (width - 1), [""] * width,
               rows[0] + ["", ""]] + [r + ["", ""] for r in rows[1:3]] + [[""] * width]
              + [r + ["", ""] for r in rows[3:]] + [[""] * width])
    source = write(tmp_path / "padded.csv", padded, ";")
    assert validate_file(source, subventions).unusable      # what the validator says today
    diagnosis = diagnose(source, subventions)
    assert diagnosis.header_line == 3 and diagnosis.padded
    assert [f.as_dict() for f in diagnosis.findings] == [
        {"id": "title-lines", "values": {"lines": [1], "header": 3}},
        {"id": "empty-columns", "values": {"columns": [width - 1, width]}}]
    assert diagnosis.messages()[0].key == \
        "Line {lines} is a title: the header is on line {header}."
    result = repair(source, subventions, tmp_path / "out.csv")
    assert result.report.valid and read(tmp_path / "out.csv") == rows
    changes = {f.id: f.values for f in result.file_changes}
    assert changes["empty-rows"] == {"lines": [6, 13], "count": 2}
    assert changes["empty-columns"] == {"columns": [width - 1, width]}
    assert changes["title-lines"] == {"lines": [1], "header": 3}
    assert result.rows == len(rows) - 1


def test_an_unnamed_column_with_values_is_kept(tmp_path, subventions):
    rows = valid_rows()
    rows = [rows[0] + [""]] + [r + ["note"] for r in rows[1:2]] + [r + [""] for r in rows[2:]]
    rows[1][rows[0].index("dateConvention")] = "08/04/2024"
    source = write(tmp_path / "note.csv", rows)
    result = repair(source, subventions, tmp_path / "out.csv")
    assert read(tmp_path / "out.csv")[1][-1] == "note"
    assert "empty-columns" not in [f.id for f in result.file_changes]


def test_group_row_above_the_header(tmp_path, subventions):
    rows = valid_rows()
    group = ["Attribuant", "", "", "", "Bénéficiaire"] + [""] * (len(rows[0]) - 5)
    source = write(tmp_path / "groups.csv", [group] + rows)
    diagnosis = diagnose(source, subventions)
    assert diagnosis.header_line == 2
    assert diagnosis.findings[0].as_dict() == {"id": "group-rows",
                                               "values": {"lines": [1], "header": 2}}
    assert repair(source, subventions).report.valid


def test_headers_by_case_accents_spaces_and_punctuation(tmp_path, subventions):
    rows = valid_rows()
    typed = ["Nom attribuant", "ID_ATTRIBUANT", "date convention", "Référence décision"]
    source = write(tmp_path / "typed.csv", [typed + rows[0][4:]] + rows[1:])
    result = repair(source, subventions, tmp_path / "out.csv")
    assert result.report.valid and read(tmp_path / "out.csv") == rows
    renamed = {f.id: f.values for f in result.file_changes}["header-spelling"]["columns"]
    assert renamed[0] == {"column": 1, "before": "Nom attribuant", "after": "nomAttribuant"}
    assert len(renamed) == 4


def test_columns_keep_the_files_order(tmp_path, subventions):
    rows = valid_rows()
    moved = [[r[2], r[0], r[1]] + r[3:] for r in rows]
    moved[1][0] = "08/04/2024"
    source = write(tmp_path / "moved.csv", moved)
    repair(source, subventions, tmp_path / "out.csv")
    assert read(tmp_path / "out.csv")[0][:3] == ["dateConvention", "nomAttribuant",
                                                 "idAttribuant"]


def test_names_of_a_previous_version(tmp_path, subventions):
    old = json.loads(json.dumps(subventions))
    for f in old["fields"]:
        if f["name"] == "montant":
            f["name"] = "montantSubvention"
    assert renamed_fields(old, subventions) == {"montantSubvention": "montant"}
    rows = valid_rows()
    header = ["montantSubvention" if h == "montant" else h for h in rows[0]]
    source = write(tmp_path / "old.csv", [header] + rows[1:])
    result = repair(source, subventions, tmp_path / "out.csv",
                    previous=renamed_fields(old, subventions))
    assert result.report.valid and read(tmp_path / "out.csv") == rows
    assert {f.id: f.values for f in result.file_changes}["header-previous-version"] == \
        {"columns": [{"column": 9, "before": "montantSubvention", "after": "montant"}]}


def test_previous_names_from_the_catalogue():
    entry = catalogue().get("subventions")
    assert previous_names(entry) == {}   # one version shipped: nothing renamed yet


def test_day_month_order_decided_from_the_whole_column(tmp_path, subventions):
    rows = valid_rows()
    n = len(rows) - 1
    # month first: the last value cannot be day first
    dates = ["04/08/2024"] * (n - 1) + ["04/25/2024"]
    source = write(tmp_path / "us.csv", with_dates(rows, "dateConvention", dates))
    result = repair(source, subventions, tmp_path / "out.csv")
    out = read(tmp_path / "out.csv")
    i = out[0].index("dateConvention")
    assert [r[i] for r in out[1:]] == ["2024-04-08"] * (n - 1) + ["2024-04-25"]
    assert result.date_orders["dateConvention"].as_dict() == {
        "order": "month-first", "day_first": 0, "month_first": 1, "either": n - 1}


def test_a_mixed_column_repairs_only_what_is_certain(tmp_path, subventions):
    rows = valid_rows()
    n = len(rows) - 1
    dates = ["25/03/2024", "03/25/2024"] + ["03/04/2024"] * (n - 2)
    source = write(tmp_path / "mixed.csv", with_dates(rows, "dateConvention", dates))
    result = repair(source, subventions, tmp_path / "out.csv")
    assert result.date_orders["dateConvention"].decision == "mixed"
    assert result.counts[("date-format", "dateConvention")] == 2
    assert result.unrepaired == {"dateConvention": n - 2}
    assert result.unrepaired_examples["dateConvention"][0] == Change(
        4, "dateConvention", "03/04/2024", "03/04/2024", "")
    assert not result.report.valid
    assert result.report.counts == {"dateConvention": n - 2}


def test_never_a_default_nor_a_deletion(tmp_path, subventions):
    rows = valid_rows()
    i = rows[0].index("montant")
    rows[1][i] = ""            # required, empty: left empty
    rows[2][i] = "NC"          # not a number: left as it is
    rows[3][rows[0].index("dateConvention")] = "08/04/2024"
    source = write(tmp_path / "gaps.csv", rows)
    result = repair(source, subventions, tmp_path / "out.csv")
    out = read(tmp_path / "out.csv")
    assert len(out) == len(rows)
    assert out[1][i] == "" and out[2][i] == "NC"
    assert result.unrepaired == {"montant": 2}
    assert {e.row for e in result.report.errors if e.field == "montant"} == {2, 3}


def test_changes_are_counted_with_first_examples_and_streamed(tmp_path, subventions):
    rows = valid_rows()
    header, body = rows[0], rows[1:]
    i = header.index("dateConvention")
    many = [header] + [r[:i] + ["08/04/2024"] + r[i + 1:] for r in body * 50]
    source = write(tmp_path / "many.csv", many)
    seen: list[Change] = []
    result = repair(source, subventions, tmp_path / "out.csv", examples=3,
                    on_change=seen.append)
    assert result.counts == {("date-format", "dateConvention"): len(many) - 1}
    assert result.examples[("date-format", "dateConvention")] == seen[:3]
    assert len(seen) == len(many) - 1
    assert seen[0] == Change(2, "dateConvention", "08/04/2024", "2024-04-08", "date-format")
    assert [c.row for c in seen] == list(range(2, len(many) + 1))
    as_json = json.loads(json.dumps(result.as_dict()))
    assert as_json["changes"][0]["count"] == len(many) - 1
    assert len(as_json["changes"][0]["examples"]) == 3


def test_a_stream_is_repaired_too(tmp_path, subventions):
    rows = with_dates(valid_rows(), "dateConvention", ["08/04/2024"] * 8)
    data = write(tmp_path / "s.csv", rows).read_bytes()
    result = repair(io.BytesIO(data), subventions)
    try:
        assert result.repaired and result.report.valid and result.output.is_file()
    finally:
        result.output.unlink()


def _workbook(path: Path, notice: bool, title: bool) -> Path:
    from datetime import datetime
    rows = valid_rows()
    book = xlsxwriter.Workbook(str(path))
    if notice:
        book.add_worksheet("Notice").write(0, 0, "Mode d'emploi")
    sheet = book.add_worksheet("Données")
    shown = book.add_format({"num_format": "dd/mm/yyyy"})
    top = 1 if title else 0
    if title:
        sheet.write(0, 0, "Subventions 2024")
    for j, name in enumerate(rows[0]):
        sheet.write_string(top, j, name)
    for i, row in enumerate(rows[1:], start=top + 1):
        for j, (name, cell) in enumerate(zip(rows[0], row)):
            if name == "dateConvention":
                sheet.write_datetime(i, j, datetime.fromisoformat(cell), shown)
            elif name == "idAttribuant":
                sheet.write_number(i, j, int(cell))
            elif cell:
                sheet.write_string(i, j, cell)
    book.close()
    return path


def test_workbook_notice_sheet_title_and_cells(tmp_path, subventions):
    source = _workbook(tmp_path / "book.xlsx", notice=True, title=True)
    diagnosis = diagnose(source, subventions)
    assert diagnosis.sheet == "Données" and diagnosis.header_line == 2
    assert [f.as_dict() for f in diagnosis.findings] == [
        {"id": "notice-sheet", "values": {"first": "Notice", "sheet": "Données"}},
        {"id": "title-lines", "values": {"lines": [1], "header": 2}}]
    result = repair(source, subventions, tmp_path / "out.csv")
    assert result.report.valid
    assert read(tmp_path / "out.csv") == valid_rows()
    assert result.counts == {("workbook-number", "idAttribuant"): 8}
    assert [f.id for f in result.file_changes] == ["format", "notice-sheet", "title-lines"]
    assert result.file_changes[0].values == {"before": "xlsx", "after": "csv"}


def test_workbook_date_cells_are_read_not_changed(tmp_path, subventions):
    source = _workbook(tmp_path / "book.xlsx", notice=False, title=False)
    result = repair(source, subventions, tmp_path / "out.csv")
    assert ("workbook-date", "dateConvention") not in result.counts   # already dates
    assert read(tmp_path / "out.csv") == valid_rows()


@pytest.mark.parametrize("name, content", [
    ("empty.csv", b""),
    ("page.csv", b"<!DOCTYPE html><html><body>Erreur 404</body></html>"),
    ("binary.csv", bytes(range(256)) * 40),
    ("undetectable.csv", b"a,b\n\x81\x8d,\x8f\x90\x9d\n" * 10),
    ("one-line.csv", b"x," * 40_000),
])
def test_bad_input_is_left_as_it_is_with_the_validators_words(tmp_path, subventions, name,
                                                             content):
    source = tmp_path / name
    source.write_bytes(content)
    result = repair(source, subventions, tmp_path / "out.csv")
    assert not result.repaired and result.output is None and result.counts == {}
    assert result.report.as_dict() == validate_file(source, subventions).as_dict()
    assert not result.report.valid
    assert source.read_bytes() == content
