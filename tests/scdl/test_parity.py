"""Parity with Validata without running it: the corpus README records
Validata's own verdict for every file (bench/parity checks it against
validata-table 0.12.5); our validator must give the same, except for the
differences documented here, each with its reason."""
import importlib.util
import sys
from pathlib import Path

import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.validation import validate_file

from .words import fr

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "scdl" / "corpus"


def _module(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


MAKE_CORPUS = _module("bench_parity_make_corpus", REPO / "bench" / "parity" / "make_corpus.py")
RUN = _module("bench_parity_run", REPO / "bench" / "parity" / "run.py")
VALIDATA_VERDICTS = MAKE_CORPUS.read_readme((CORPUS / "README.md").read_text("utf-8"))
DELIBERATE = {label.removeprefix("corpus/") for label in RUN.DELIBERATE}


def check(relative: str):
    slug = relative.split("/")[0]
    return validate_file(CORPUS / relative, catalogue().get(slug).latest.table_schema())


@pytest.mark.parametrize("relative", sorted(set(VALIDATA_VERDICTS) - DELIBERATE))
def test_our_verdict_is_validata_s(relative):
    report = check(relative)
    ours = "valid" if report.valid else "invalid"
    assert ours == VALIDATA_VERDICTS[relative], [
        (e.row, e.field, e.type, e.message) for e in report.errors[:5]]


def test_the_documented_differences_are_corpus_files():
    assert DELIBERATE <= set(VALIDATA_VERDICTS)


@pytest.mark.parametrize("relative", ["dae/entete-en-majuscules.csv",
                                      "equipements/entete-en-minuscules.csv",
                                      "subventions/entete-en-majuscules.csv"])
def test_a_header_in_the_wrong_case_lists_the_missing_columns(relative):
    """Validata 0.12.5 crashes on these files ('unmatched-header' is not a
    valid ErrType). Column names are case-sensitive in Table Schema: we say
    which required columns are missing, and that no column name matched."""
    report = check(relative)
    assert not report.valid and not report.unusable
    assert {e.type for e in report.errors} >= {"missing-label"}
    assert any("Aucune colonne du fichier ne porte un nom attendu" in fr(w)
               for w in report.warnings)


def test_excel_date_cells_are_dates():
    """A real date cell of a workbook is a date for Table Schema: valid for us.
    Validata reads it as the text Excel shows (08/04/2024), not an ISO date,
    and calls the file invalid."""
    assert check("subventions/dates-excel.xlsx").valid
