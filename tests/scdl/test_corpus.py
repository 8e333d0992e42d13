"""The SCDL parity corpus (``tests/scdl/corpus``) and its generator.

The corpus is written by ``bench/parity/make_corpus.py`` and compared with
Validata by ``bench/parity/run.py`` (a benchmark, not run here: it needs
Validata's own virtualenv). These tests need neither Validata nor ``../shared``:
the README lists exactly the files present, every file is byte for byte what
the generator writes, and the README's expected verdicts parse.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
README = CORPUS / "README.md"
GENERATOR = REPO / "bench" / "parity" / "make_corpus.py"
# mistakes every one of which the corpus shows at least twice (file name stems)
MISTAKES = ["valide-bom", "valide-cp1252", "point-virgule", "latin1", "dates-francaises",
            "virgule-decimale", "lignes-vides-finales", "colonne-en-trop",
            "colonne-manquante", "colonnes-dans-le-desordre", "siret-faux",
            "code-insee-faux", "valeur-hors-liste", "entete-en-majuscules",
            "entete-en-minuscules"]


@pytest.fixture(scope="module")
def make_corpus():
    name = "bench_parity_make_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GENERATOR)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module   # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def verdicts(make_corpus) -> dict[str, str]:
    return make_corpus.read_readme(README.read_text(encoding="utf-8"))


def corpus_files() -> set[str]:
    return {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
            if p.is_file() and p.name != "README.md"}


def slugs() -> list[str]:
    catalogue = yaml.safe_load((REPO / "schemas" / "catalogue.yaml").read_text("utf-8"))
    return [entry["slug"] for entry in catalogue["schemas"]]


def test_readme_lists_every_file_and_only_them(verdicts):
    files = corpus_files()
    assert sorted(set(verdicts) - files) == [], "listed in the README, but missing"
    assert sorted(files - set(verdicts)) == [], "present, but not listed in the README"


def test_files_are_what_the_generator_writes(make_corpus, tmp_path):
    written = make_corpus.write(tmp_path)
    assert set(written) == corpus_files() | {"README.md"}
    stale = [name for name in written
             if (tmp_path / name).read_bytes() != (CORPUS / name).read_bytes()]
    assert stale == [], ("files differ from what bench/parity/make_corpus.py writes; "
                         "run `.venv/bin/python bench/parity/make_corpus.py`")


def test_generator_is_deterministic(make_corpus):
    assert make_corpus.outputs() == make_corpus.outputs()


def test_expected_verdicts_parse(make_corpus, verdicts):
    assert verdicts, "no file listed in the README"
    assert set(verdicts.values()) <= {"valid", "invalid"}
    with pytest.raises(ValueError):
        make_corpus.read_readme(
            make_corpus.README_HEADER + "\n|---|\n| `x/y.csv` | z | maybe | — |")


def test_every_type_has_valid_and_invalid_files(verdicts):
    per_type = Counter(path.split("/")[0] for path in verdicts)
    assert set(per_type) == set(slugs())
    for slug in slugs():
        assert per_type[slug] >= 6, slug
        assert verdicts[f"{slug}/valide.csv"] == "valid"
        assert "invalid" in {v for p, v in verdicts.items() if p.startswith(slug + "/")}


def test_every_mistake_appears_twice(verdicts):
    stems = Counter(Path(path).stem for path in verdicts)
    assert {m: stems[m] for m in MISTAKES if stems[m] < 2} == {}


def test_valid_files_have_valid_sirets(verdicts):
    """The SIRETs of the plain valid files pass the Luhn check (python-stdnum)."""
    from stdnum.fr import siret

    schema_dirs = {}
    catalogue = yaml.safe_load((REPO / "schemas" / "catalogue.yaml").read_text("utf-8"))
    for entry in catalogue["schemas"]:
        schema_dirs[entry["slug"]] = (REPO / "schemas" / entry["id"]
                                      / entry["default_version"] / "schema.json")
    checked = 0
    for slug, schema_path in schema_dirs.items():
        schema = json.loads(schema_path.read_text("utf-8"))
        columns = [c["params"]["column"] for c in schema.get("custom_checks", [])
                   if c["name"] == "french-siret-value"]
        rows = list(csv.DictReader(io.StringIO(
            (CORPUS / slug / "valide.csv").read_text(encoding="utf-8"))))
        for row in rows:
            for column in columns:
                if row[column]:
                    assert siret.is_valid(row[column]), (slug, column, row[column])
                    checked += 1
    assert checked > 50
