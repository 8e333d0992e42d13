"""Validata's custom checks, as the SCDL schemas use them."""
from datetime import date

import pytest

from ckanext.opendatalocale.scdl.checks import UnknownCheck, build

from .words import en, fr


def one(name, **params):
    return build([{"name": name, "params": params}])[0]


def errors(check, rows):
    return [check.check(row) for row in rows]


class TestSingleColumns:
    def test_siret(self):
        check = one("french-siret-value", column="s")
        assert check.check({"s": "21350238800019"}) is None  # a real key
        problem = check.check({"s": "21350238800018"})
        assert problem.field == "s"
        assert fr(problem.message).startswith("« 21350238800018 » n'est pas un numéro SIRET "
                                              "valide : 14 chiffres dont le dernier, la clé")
        assert en(problem.message).startswith("“21350238800018” is not a valid SIRET number")
        assert check.check({"s": ""}) is None  # empty: "required" says so, not the check

    def test_siret_of_la_poste(self):
        # La Poste's establishments follow their own rule (sum of digits % 5)
        assert one("french-siret-value", column="s").check({"s": "35600000000048"}) is None

    def test_siren(self):
        check = one("french-siren-value", column="s")
        assert check.check({"s": "243500139"}) is None
        assert check.check({"s": "243500138"}) is not None

    @pytest.mark.parametrize("value, ok", [("2017/2018", True), ("2017", True),
                                           ("2018/2017", False), ("2017/2017", False),
                                           ("17/18", False), ("toto", False)])
    def test_year_interval_with_years_alone(self, value, ok):
        check = one("year-interval-value", column="y", **{"allow-year-only": "yes"})
        assert (check.check({"y": value}) is None) is ok

    def test_year_interval_without_years_alone(self):
        assert one("year-interval-value", column="y").check({"y": "2017"}) is not None

    @pytest.mark.parametrize("value, ok", [
        ("Finances locales/Décisions budgétaires", True),
        ("finances LOCALES/x", True), ("Finances locales/ x", False),
        ("Finances locales /x", False), ("Finances locales", False), ("Cuisine/x", False)])
    def test_nomenclature_actes(self, value, ok):
        check = one("nomenclature-actes-value", column="n")
        assert (check.check({"n": value}) is None) is ok


class TestSeveralColumns:
    def test_cohesive_columns(self):
        check = one("cohesive-columns-value", column="a", othercolumns=["b", "c"])
        assert check.check({"a": "1", "b": "2", "c": "3"}) is None
        assert check.check({"a": "", "b": None, "c": ""}) is None
        assert check.check({"a": "1", "b": "", "c": "3"}).field == "a"

    def test_cohesive_columns_partly_absent_is_a_file_error(self):
        check = one("cohesive-columns-value", column="a", othercolumns=["b"])
        assert check.missing(["a"]) and not check.missing([])
        assert not check.applies(["a"])

    @pytest.mark.parametrize("a, b, ok", [(5, 3, True), (3, 3, True), (2, 3, False),
                                          (date(2024, 3, 2), date(2024, 3, 1), True),
                                          (date(2024, 2, 2), date(2024, 3, 1), False)])
    def test_compare_columns(self, a, b, ok):
        check = one("compare-columns-value", column="a", op=">=", column2="b")
        assert (check.check({"a": a, "b": b}) is None) is ok

    def test_compare_says_how_in_words(self):
        problem = one("compare-columns-value", column="a", op=">=", column2="b").check(
            {"a": 2, "b": 3})
        assert fr(problem.message) == "a (2) devrait être supérieure ou égale à b (3)."
        assert en(problem.message) == "a (2) should be greater than or equal to b (3)."

    def test_compare_skips_a_row_with_an_empty_cell(self):
        check = one("compare-columns-value", column="a", op=">=", column2="b")
        assert check.check({"a": 1, "b": None}) is None

    def test_unknown_operator(self):
        with pytest.raises(UnknownCheck):
            one("compare-columns-value", column="a", op="~", column2="b")

    def test_sum_columns(self):
        check = one("sum-columns-value", column="t", columns=["a", "b", "c"])
        assert check.check({"t": 10, "a": 5, "b": 3, "c": 2}) is None
        problem = check.check({"t": 11, "a": 5, "b": 3, "c": 2})
        assert problem.field == "t"
        assert fr(problem.message) == "t (11) devrait valoir la somme de a + b + c, soit 10."
        assert en(problem.message) == "t (11) should be the sum of a + b + c, that is 10."

    def test_one_of_required(self):
        check = one("one-of-required", column1="siret", column2="rna")
        assert check.check({"siret": "x", "rna": ""}) is None
        assert check.check({"siret": "", "rna": "W123456789"}) is None
        assert check.check({"siret": "", "rna": None}).field == "siret"

    def test_one_of_required_with_one_column_absent_still_checks_rows(self):
        check = one("one-of-required", column1="siret", column2="rna")
        assert check.applies(["siret"]) and check.missing(["siret"]) is None
        assert check.check({"siret": ""}) is not None
        assert check.missing(["other"]) is not None


def test_unknown_check_is_refused():
    with pytest.raises(UnknownCheck):
        build([{"name": "toilettes-value", "params": {}}])


def test_every_check_of_the_official_schemas_is_implemented():
    import json
    from pathlib import Path
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "scdl"
    if not shared.is_dir():
        pytest.skip("../shared/scdl is not beside the repository: no official schemas to read")
    names = set()
    for path in shared.rglob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict):
            for entry in data.get("custom_checks", []):
                build([entry])  # raises if unknown
                names.add(entry["name"])
    assert len(names) == 8
