"""Files over a limit are reported before they are parsed, with the limit
and its value (said here in French and English); warnings are capped like
errors."""
import json
import time
import zipfile

import pytest
import xlsxwriter

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.limits import Limits, over_limit
from ckanext.opendatalocale.scdl.templates import csv_template
from ckanext.opendatalocale.scdl.validation import LISTED_WARNINGS, validate_file

from .words import en, fr

SUBVENTIONS = catalogue().get("subventions").latest.table_schema()
HEADER, ROW = csv_template(SUBVENTIONS).splitlines()[:2]


def checked(path, limits=Limits()):
    """The report, and how long it took."""
    start = time.monotonic()
    report = validate_file(path, SUBVENTIONS, limits=limits)
    return report, time.monotonic() - start


def spaced(text: str) -> str:
    """French groups digits with a narrow no-break space (« 10 000 »)."""
    return text.replace("\u202f", " ")


def only_message(report) -> str:
    """The one message, in French."""
    assert not report.valid and report.unusable and report.rows == 0
    [error] = report.errors
    assert error.type == "limit-error"
    return spaced(fr(error.message))


def test_real_files_pass_every_limit(tmp_path):
    (tmp_path / "ok.csv").write_text(f"{HEADER}\n{ROW}\n")
    book = xlsxwriter.Workbook(str(tmp_path / "ok.xlsx"))
    sheet = book.add_worksheet()
    for column, name in enumerate(HEADER.split(",")):
        sheet.write(0, column, name)
    for row in range(1, 2000):
        for column in range(len(HEADER.split(","))):
            sheet.write(row, column, f"valeur {row}")
    book.close()
    assert over_limit(tmp_path / "ok.csv", "csv", Limits()) is None
    assert over_limit(tmp_path / "ok.xlsx", "xlsx", Limits()) is None
    assert validate_file(tmp_path / "ok.csv", SUBVENTIONS).valid


def test_a_10000_column_csv(tmp_path):
    names = ",".join(f"colonne{i}" for i in range(10_000))
    (tmp_path / "large.csv").write_text(f"{names}\n{','.join(['1'] * 10_000)}\n")
    report, seconds = checked(tmp_path / "large.csv", Limits(header_bytes=1_000_000))
    assert seconds < 1  # frictionless took 48 s and 2.5 GB
    assert only_message(report).startswith(
        "Le fichier a 10 000 colonnes : c'est plus que la limite de 500 colonnes")


def test_a_1_mb_header_of_duplicate_names(tmp_path):
    (tmp_path / "dup.csv").write_text(",".join(["nom"] * 500_000) + "\n")
    report, seconds = checked(tmp_path / "dup.csv")
    assert seconds < 1  # it once grew a web process to 21.8 GB
    assert "La première ligne du fichier (les noms des colonnes) dépasse 65 536 octets" \
        in only_message(report)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_columns_are_counted_whatever_the_delimiter(tmp_path, delimiter):
    (tmp_path / "f.csv").write_text(delimiter.join(["x"] * 600) + "\n")
    assert "600 colonnes" in fr(over_limit(tmp_path / "f.csv", "csv", Limits()))


def test_a_workbook_bomb(tmp_path):
    """1 MB on disk, 1 GB of XML once inflated."""
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(1000):
                sheet.write(b" " * (1 << 20))
    assert (tmp_path / "bomb.xlsx").stat().st_size < 1_100_000
    report, seconds = checked(tmp_path / "bomb.xlsx")
    assert seconds < 1
    assert only_message(report).startswith(
        "Le classeur, une fois décompressé, fait 1 049 Mo : c'est plus que la limite de "
        "200 Mo du portail.")
    assert en(report.errors[0].message).startswith(
        "The workbook, once uncompressed, takes 1,049 MB: that is more than the portal's "
        "limit of 200 MB.")


def test_a_workbook_that_lies_about_its_size_is_measured(tmp_path):
    """A member whose declared size is small inflates no further: zipfile
    stops there, and what is read is counted against the limit."""
    path = tmp_path / "lie.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * 3_000_000)
    data = bytearray(path.read_bytes())
    # declared sizes (local header and central directory) shrunk to 100 bytes
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset:at + offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert over_limit(path, "xlsx", Limits(workbook_bytes=1000)) is None  # stopped at 100
    report, _ = checked(path, Limits(workbook_bytes=1000))
    assert report.unusable  # and then unreadable, not inflated


def test_a_sheet_declaring_every_cell_of_excel(tmp_path):
    """openpyxl would pad each row to the declared width."""
    with zipfile.ZipFile(tmp_path / "pad.xlsx", "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:XFD1048576"/>'
                      '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
                      '</worksheet>')
    assert only_message(checked(tmp_path / "pad.xlsx")[0]).startswith(
        "Le fichier a 16 384 colonnes")


def test_a_sheet_with_a_far_away_last_row(tmp_path):
    """openpyxl would yield every missing row, each as wide as the widest."""
    with zipfile.ZipFile(tmp_path / "rows.xlsx", "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", '<x:worksheet><x:sheetData>'
                      '<x:row r="1"><x:c r="A1"/><x:c r="CV1"/></x:row>'
                      '<x:row r="1048576"><x:c r="A1048576"/></x:row>'
                      '</x:sheetData></x:worksheet>')
    assert only_message(checked(tmp_path / "rows.xlsx")[0]) == (
        "Une feuille du classeur compte 104 857 600 cases (1 048 576 lignes sur 100 "
        "colonnes) : c'est plus que la limite de 10 000 000 cases du portail. Supprimez les "
        "lignes et colonnes vides en fin de feuille, ou enregistrez le tableau en CSV.")


def test_cells_without_references_are_counted(tmp_path):
    cells = "<c><v>1</v></c>" * 600
    with zipfile.ZipFile(tmp_path / "wide.xlsx", "w") as book:
        book.writestr("xl/worksheets/sheet1.xml",
                      f"<worksheet><sheetData><row>{cells}</row></sheetData></worksheet>")
    assert "600 colonnes" in fr(over_limit(tmp_path / "wide.xlsx", "xlsx", Limits()))


def test_extra_columns_make_one_warning(tmp_path):
    """20 000 extra columns once made a 7 MB report: over the column limit,
    a one-line report; under a raised limit, one warning for them all."""
    def file(extra: int):
        names = [f"colonne{i}" for i in range(extra)]
        (tmp_path / "f.csv").write_text(",".join(HEADER.split(",") + names) + "\n"
                                        + ",".join(ROW.split(",") + ["1"] * extra) + "\n")
        return tmp_path / "f.csv"
    report = validate_file(file(20_000), SUBVENTIONS, limits=Limits(header_bytes=10**6))
    assert len(json.dumps(report.as_dict())) < 2_000
    report = validate_file(file(1_000), SUBVENTIONS,
                           limits=Limits(columns=2_000, header_bytes=10**6))
    assert report.valid and report.warning_count == 1
    assert [spaced(fr(w)) for w in report.warnings] == [
        "1 000 colonnes en trop ne font pas partie du schéma et sont ignorées : colonne0, "
        "colonne1, colonne2, colonne3, colonne4, colonne5, colonne6, colonne7, colonne8, "
        "colonne9 et 990 autres."]
    assert en(report.warnings[0]).startswith(
        "1,000 extra columns are not part of the schema and are ignored: colonne0, ")


def test_warnings_are_capped_like_errors(tmp_path):
    schema = {"fields": [{"name": "id", "constraints": {"required": True}}]
              + [{"name": f"facultatif{i}"} for i in range(250)]}
    (tmp_path / "f.csv").write_text("id\n1\n")
    report = validate_file(tmp_path / "f.csv", schema)
    assert report.valid and report.warning_count == 250
    assert len(report.warnings) == LISTED_WARNINGS + 1
    assert fr(report.warnings[0]) == ("Colonne facultative absente : facultatif0 (vous pouvez "
                                      "l'ajouter).")
    assert fr(report.warnings[-1]) == f"… et {250 - LISTED_WARNINGS} autres avertissements."
    assert en(report.warnings[-1]) == f"… and {250 - LISTED_WARNINGS} more warnings."
