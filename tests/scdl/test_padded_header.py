"""A table below a title line, or on a workbook's second sheet, is no longer
"unreadable": the validator says where its header is (the diagnosis) and
checks every row from there, with the file's own line numbers."""
from pathlib import Path

import openpyxl
import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file

from .words import en, fr

DELIBERATIONS = catalogue().get("deliberations").latest.table_schema()
VALID = Path(__file__).parent / "corpus" / "deliberations" / "valide.csv"


def _lines() -> list[str]:
    return VALID.read_text(encoding="utf-8").splitlines()


def test_a_title_line_above_the_header_is_said_and_every_row_checked(tmp_path):
    lines = _lines()
    width = lines[0].count(",")
    padded = tmp_path / "avec-titre.csv"
    padded.write_text("\n".join([f"Délibérations 2024{',' * width}"] + lines) + "\n",
                      encoding="utf-8")
    plain = validate_file(VALID, DELIBERATIONS)
    report = validate_file(padded, DELIBERATIONS)
    assert plain.valid and plain.rows == len(lines) - 1
    assert not report.unusable and not report.valid
    assert report.rows == plain.rows  # every row checked
    first = report.errors[0]
    assert first.type == "padded-header"
    assert fr(first.message) == "La ligne 1 est un titre : l'en-tête est en ligne 2."
    assert en(first.message) == "Line 1 is a title: the header is on line 2."
    # the padded header is the only error: the rows themselves are right
    assert {e.type for e in report.errors} == {"padded-header"}


def test_a_row_error_keeps_the_files_own_line_number(tmp_path):
    lines = _lines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("DELIB_DATE")] = "pas une date"
    width = len(header) - 1
    padded = tmp_path / "titre-et-erreur.csv"
    padded.write_text("\n".join([f"Export{',' * width}", lines[0], ",".join(cells)])
                      + "\n", encoding="utf-8")
    report = validate_file(padded, DELIBERATIONS)
    dated = [e for e in report.errors if e.field == "DELIB_DATE"]
    assert [e.row for e in dated] == [3]  # line 3 of the file: title, header, row


@pytest.mark.parametrize("name", ["classeur.xlsx", "ea-ed91-45ed"])  # CKAN: no extension
def test_a_notice_sheet_first_is_said_and_the_data_sheet_checked(tmp_path, name):
    import csv
    rows = list(csv.reader(_lines()))
    book = openpyxl.Workbook()
    notice = book.active
    notice.title = "Notice"
    notice.append(["Ce classeur contient les délibérations."])
    data = book.create_sheet("Données")
    for row in rows:
        data.append(row)
    path = tmp_path / name
    with path.open("wb") as f:
        book.save(f)
    report = validate_file(path, DELIBERATIONS)
    assert not report.unusable
    assert report.rows == len(rows) - 1
    assert fr(report.errors[0].message) == (
        "La première feuille, « Notice », est une notice : le tableau est sur la feuille "
        "« Données ».")


def test_a_padded_file_still_unreadable_is_told_where_its_table_is(tmp_path):
    """Two columns without a name: frictionless cannot read the header, and
    the report says why and where the table is, not only "unreadable"."""
    lines = _lines()
    width = lines[0].count(",")
    padded = tmp_path / "colonnes-vides.csv"
    body = [f"Export{',' * (width + 2)}", lines[0] + ",,"] + [line + ",," for line in lines[1:]]
    padded.write_text("\n".join(body) + "\n", encoding="utf-8")
    report = validate_file(padded, DELIBERATIONS)
    said = [fr(e.message) for e in report.errors]
    assert report.unusable
    assert said[0] == "La ligne 1 est un titre : l'en-tête est en ligne 2."
    assert "2 colonnes sans nom suivent la dernière." in said
    assert any(s.startswith("Plusieurs colonnes ont le même nom ou n'en ont pas") for s in said)


def test_a_file_that_is_not_padded_is_read_as_before(tmp_path):
    report = validate_file(VALID, DELIBERATIONS)
    assert report.valid and not [e for e in report.errors if e.type == "padded-header"]


@pytest.mark.parametrize("label", [
    "DELIB_OBJET", "delib objet", "Délib. Objet", "ＤＥＬＩＢ＿ＯＢＪＥＴ", "ﬁnances — ½",
    "Œuvre n° 2", "Straße", "x" * 500 + "É", "", "___", "a\u0301b", "ǅ", "①②", "٣٤"])
def test_a_headers_key_is_its_folded_letters_and_digits(label):
    """The fast key (a regular expression on the decomposed text, cached for
    short labels) keeps exactly the letters and digits of the folded label."""
    from ckanext.opendatalocale.scdl.diagnosis import header_key
    from ckanext.opendatalocale.scdl.text import fold
    wanted = "".join(c for c in fold(label) if c.isalnum())
    assert header_key(label) == wanted
    assert header_key(label) == wanted   # from the cache, the same
