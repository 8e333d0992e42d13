"""`ckan opendatalocale validate FILE --type TYPE`: the French report, exit codes."""
import json

import pytest
from ckan.cli.cli import ckan as ckan_command

from .conftest import VALID, with_french_date


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ok.csv").write_bytes(VALID)
    (tmp_path / "dates.csv").write_bytes(with_french_date(VALID))
    (tmp_path / "empty.csv").write_bytes(b"")
    return tmp_path


def run(cli, *args):
    return cli.invoke(ckan_command, ["opendatalocale", "validate", *map(str, args)])


def test_valid_file_exits_0(cli, files):
    result = run(cli, files / "ok.csv", "--type", "subventions")
    assert result.exit_code == 0
    assert "Fichier conforme au schéma" in result.output


def test_invalid_file_exits_1_with_the_report(cli, files):
    result = run(cli, files / "dates.csv", "--type", "scdl/subventions")
    assert result.exit_code == 1
    assert "1 erreur dans 1 colonne" in result.output
    assert "Colonne dateConvention" in result.output and "ligne 2" in result.output


def test_the_report_in_another_language(cli, files):
    result = run(cli, files / "dates.csv", "--type", "subventions", "--lang", "en")
    assert result.exit_code == 1
    assert "1 error in 1 column (1 row read)." in result.output
    assert "Column dateConvention — 1 error; expected: a date in the format YYYY-MM-DD" \
        in result.output


def test_json_output(cli, files):
    result = run(cli, files / "dates.csv", "--type", "subventions", "--format", "json")
    report = json.loads(result.output[result.output.index("{"):])
    assert report["valid"] is False and report["errors"][0]["field"] == "dateConvention"
    assert report["summary"] == "1 erreur dans 1 colonne"
    assert report["summary_key"]["key"] == "{errors} in {columns}"
    assert "Écrivez plutôt" in report["errors"][0]["message"]


@pytest.mark.parametrize("args", [("--type", "toilettes"),
                                  ("--type", "subventions", "--version", "9.9")])
def test_unknown_type_or_version_exits_2(cli, files, args):
    result = run(cli, files / "ok.csv", *args)
    assert result.exit_code == 2
    assert "known" in result.output


def test_unusable_file_exits_2(cli, files):
    result = run(cli, files / "empty.csv", "--type", "subventions")
    assert result.exit_code == 2
    assert "Le fichier est vide" in result.output
