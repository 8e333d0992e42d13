"""`ckan opendatalocale repair FILE --type TYPE [-o OUT] [--format json]`: what
the correction changes, in French, the corrected file where asked (and
nowhere else), exit 0 valid after the correction, 1 still invalid, 2
unusable input."""
import json
from pathlib import Path

import pytest
from ckan.cli.cli import ckan as ckan_command

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file

from .conftest import VALID, with_french_date

CORPUS = Path(__file__).resolve().parents[1] / "scdl" / "repair_corpus"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ok.csv").write_bytes(VALID)
    (tmp_path / "dates.csv").write_bytes(with_french_date(VALID))
    text = with_french_date(VALID).decode("utf-8")
    (tmp_path / "nc.csv").write_bytes(_with_nc(text).encode("utf-8"))
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 16)
    return tmp_path


def _with_nc(text: str) -> str:
    """The French date, and an amount no rule may repair."""
    header, row = text.splitlines()[:2]
    cells = row.split(",")
    cells[header.split(",").index("montant")] = "NC"
    return header + "\r\n" + ",".join(cells) + "\r\n"


def run(cli, *args):
    return cli.invoke(ckan_command, ["opendatalocale", "repair", *map(str, args)])


def test_a_repairable_file_exits_0_and_is_written_where_asked(cli, files):
    out = files / "corrige.csv"
    before = (files / "dates.csv").read_bytes()
    result = run(cli, files / "dates.csv", "--type", "subventions", "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 valeur corrigée : le fichier corrigé est conforme au schéma." in result.output
    assert "Date écrite comme le schéma l’attend (année-mois-jour) (1)" in result.output
    assert f"Fichier corrigé écrit : {out}" in result.output
    assert validate_file(out, catalogue().get("subventions").latest.table_schema()).valid
    assert (files / "dates.csv").read_bytes() == before   # FILE is only read


def test_without_output_nothing_is_written(cli, files):
    result = run(cli, files / "dates.csv", "--type", "subventions")
    assert result.exit_code == 0
    assert sorted(p.name for p in files.iterdir()) == ["binary.csv", "dates.csv", "nc.csv",
                                                        "ok.csv"]
    assert "Fichier corrigé écrit" not in result.output


def test_still_invalid_exits_1_with_what_remains(cli, files):
    result = run(cli, files / "nc.csv", "--type", "subventions", "-o", files / "out.csv")
    assert result.exit_code == 1
    assert "1 valeur corrigée ; 1 erreur reste à corriger à la main." in result.output
    assert "Ce qui resterait à corriger (lignes du fichier corrigé) :" in result.output
    assert "Colonne montant" in result.output
    assert (files / "out.csv").is_file()


def test_a_valid_file_is_not_rewritten(cli, files):
    result = run(cli, files / "ok.csv", "--type", "subventions", "-o", files / "out.csv")
    assert result.exit_code == 0 and "Fichier conforme au schéma" in result.output
    assert not (files / "out.csv").exists()


def test_unusable_input_exits_2_with_the_validations_message(cli, files):
    result = run(cli, files / "binary.csv", "--type", "subventions", "-o", files / "out.csv")
    assert result.exit_code == 2
    assert "Fichier illisible" in result.output and not (files / "out.csv").exists()
    assert run(cli, files / "ok.csv", "--type", "toilettes").exit_code == 2
    assert run(cli, files / "missing.csv", "--type", "subventions").exit_code == 2
    same = run(cli, files / "dates.csv", "--type", "subventions", "-o", files / "dates.csv")
    assert same.exit_code == 2 and "ne peut pas remplacer FILE" in same.output
    assert (files / "dates.csv").read_bytes() == with_french_date(VALID)


def test_json_and_another_language(cli, files):
    result = run(cli, CORPUS / "deliberations" / "tableur.xlsx", "--type", "deliberations",
                 "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    data = json.loads(result.output[result.output.index("{"):])
    repair = data["repair"]
    assert repair["repaired"] and repair["report"]["valid"] and data["output"] is None
    assert [f["id"] for f in repair["file_changes"]] == ["format", "notice-sheet",
                                                         "title-lines"]
    assert repair["file_changes"][0]["message"] == (
        "The workbook becomes a CSV file (UTF-8, comma-separated).")
    assert {c["rule_label"] for c in repair["changes"]} == {
        "Number of a workbook cell written as the schema expects"}
