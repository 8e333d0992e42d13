"""The SCDL core's validator: counts in full, lists a readable part, in French."""
import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.report import as_text, by_column
from ckanext.opendatalocale.scdl.templates import csv_template
from ckanext.opendatalocale.scdl.validation import validate_file

from .words import FRENCH, en, fr

DELIBERATIONS = catalogue().get("deliberations").latest.table_schema()


def rows(n: int, transform=lambda cells: cells) -> bytes:
    lines = csv_template(DELIBERATIONS).splitlines()
    header, row = lines[0], lines[1]
    names = header.split(",")
    import csv, io
    cells = next(csv.reader([row]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for i in range(n):
        values = dict(zip(names, cells))
        values["DELIB_ID"] = f"D{i}"
        writer.writerow([transform(values)[name] for name in names])
    return out.getvalue().encode("utf-8")


def test_errors_are_counted_in_full_and_listed_up_to_a_cap(tmp_path):
    def wrong_date(values):
        year, month, day = values["DELIB_DATE"].split("-")
        return dict(values, DELIB_DATE=f"{day}/{month}/{year}", PREF_DATE="")
    (tmp_path / "f.csv").write_bytes(rows(1000, wrong_date))
    report = validate_file(tmp_path / "f.csv", DELIBERATIONS, listed=10)
    assert report.rows == 1000 and report.error_count == 1000
    assert report.counts == {"DELIB_DATE": 1000}
    assert len(report.errors) == 10
    assert fr(report.summary()) == "1\u202f000 erreurs dans 1 colonne"
    assert en(report.summary()) == "1,000 errors in 1 column"
    text = as_text(report, DELIBERATIONS, FRENCH)
    assert "… et 990 autres erreurs dans cette colonne." in text


def test_a_valid_file_of_many_rows(tmp_path):
    (tmp_path / "f.csv").write_bytes(rows(500))
    report = validate_file(tmp_path / "f.csv", DELIBERATIONS)
    assert report.valid and report.rows == 500
    assert fr(report.summary()) == "Fichier conforme au schéma"
    assert en(report.summary()) == "The file conforms to the schema"


def test_groups_follow_the_schema_order_with_file_errors_first(tmp_path):
    def broken(values):
        return dict(values, VOTE_POUR="beaucoup", COLL_SIRET="123")
    (tmp_path / "f.csv").write_bytes(rows(3, broken).replace(b"DELIB_URL", b"AUTRE"))
    report = validate_file(tmp_path / "f.csv", DELIBERATIONS)
    columns = [g["column"] for g in by_column(report, DELIBERATIONS)]
    assert columns[0] is None or columns[0] == "COLL_SIRET"
    assert columns.index("COLL_SIRET") < columns.index("VOTE_POUR")
    assert any("Colonne en trop : AUTRE" in fr(w) for w in report.warnings)
    assert any("Extra column: AUTRE" in en(w) for w in report.warnings)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "latin-1"])
def test_encodings_are_detected(tmp_path, encoding):
    (tmp_path / "f.csv").write_bytes(rows(5).decode("utf-8").encode(encoding))
    assert validate_file(tmp_path / "f.csv", DELIBERATIONS).valid


def test_semicolons_are_read(tmp_path):
    (tmp_path / "f.csv").write_bytes(rows(5).replace(b",", b";"))
    report = validate_file(tmp_path / "f.csv", DELIBERATIONS)
    assert report.rows == 5 and not any(e.type == "missing-label" for e in report.errors)


def test_a_huge_cell_is_kept_as_its_first_characters(tmp_path):
    """A 400 000-character cell in 50 rows: the report counts each error and
    keeps, and says, at most 200 characters of each value (a report of a
    hostile file stays small)."""
    path = tmp_path / "grosse-cellule.csv"
    path.write_bytes(rows(50, lambda v: dict(v, DELIB_DATE="9" * 400_000)))
    report = validate_file(path, DELIBERATIONS)
    assert report.error_count == 50
    for error in report.errors:
        assert error.value == "9" * 200 + "…"
    said = fr(report.errors[0].message)
    assert "9" * 200 + "…" in said and "9" * 201 not in said
    assert len(str(report.as_dict())) < 100_000
