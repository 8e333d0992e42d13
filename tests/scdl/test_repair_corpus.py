"""The repair corpus (``tests/scdl/repair_corpus``, written by
``bench/repair/make_corpus.py``): its files are what the generator writes,
each type has its five damaged files, and each repaired file gives back the
valid file it was made from — every cell the original one, or the damaged
cell where its column accepts it as it is (a valid value is not touched) —
except the files damaged beyond what a rule may repair, which stay invalid
with the unrepairable cells reported."""
from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from ckanext.opendatalocale.scdl.catalogue import catalogue
from ckanext.opendatalocale.scdl.repair import repair
from ckanext.opendatalocale.scdl.repair_rules import Column

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = HERE / "repair_corpus"
GENERATOR = REPO / "bench" / "repair" / "make_corpus.py"


def _generator():
    name = "bench_repair_make_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GENERATOR)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


FILES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
               if p.is_file() and p.name != "README.md")


def test_files_are_what_the_generator_writes():
    written = _generator().outputs()
    assert sorted(written) == sorted(FILES + ["README.md"])
    stale = [n for n, data in written.items() if (CORPUS / n).read_bytes() != data]
    assert stale == [], "run `.venv/bin/python bench/repair/make_corpus.py`"


def test_every_type_has_its_five_damaged_files():
    slugs = catalogue().slugs
    assert sorted({f.split("/")[0] for f in FILES}) == sorted(slugs)
    for slug in slugs:
        assert sorted(f.split("/")[1] for f in FILES if f.startswith(slug + "/")) == [
            "a-verifier.csv", "excel-fr.csv", "mise-en-page.csv", "saisie.csv",
            "tableur.xlsx"]


def _rows(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


@pytest.mark.parametrize("name", [f for f in FILES if _generator().expected_valid(f)])
def test_a_repaired_file_gives_back_the_valid_one(name, tmp_path):
    slug = name.split("/")[0]
    schema = catalogue().get(slug).latest.table_schema()
    fields = {f["name"]: Column(f) for f in schema["fields"]}
    original = _rows(HERE / "corpus" / slug / "valide.csv")
    result = repair(CORPUS / name, schema, tmp_path / "out.csv")
    assert result.report.valid, result.report.as_dict()["errors"][:3]
    if result.repaired:
        written = _rows(tmp_path / "out.csv", "utf-8")
    else:   # valid as it was (prenoms has no date nor number): not repaired
        assert name.endswith("excel-fr.csv") and not (tmp_path / "out.csv").exists()
        written = _rows(CORPUS / name, "cp1252", ";")
    assert written[0] == original[0]
    assert len(written) == len(original)
    for line, (got, want) in enumerate(zip(written[1:], original[1:]), start=2):
        for column, cell, expected in zip(original[0], got, want):
            assert cell == expected or fields[column].accepts(cell), (line, column, cell)


@pytest.mark.parametrize("name", [f for f in FILES if not _generator().expected_valid(f)])
def test_what_needs_a_guess_stays_and_is_reported(name, tmp_path):
    slug = name.split("/")[0]
    schema = catalogue().get(slug).latest.table_schema()
    result = repair(CORPUS / name, schema, tmp_path / "out.csv")
    assert not result.report.valid
    left = {e.value for e in result.report.errors if e.value}
    assert "NC" in left
    assert "NC" in {c.before for examples in result.unrepaired_examples.values()
                    for c in examples}
