"""Each cell rule of the repair, on examples: what it repairs, and what it
leaves as it is because repairing would be a guess (scdl/repair_rules.py)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ckanext.opendatalocale.scdl.repair_rules import (DAY_FIRST, MIXED, MONTH_FIRST, Column,
                                                      DateOrder)


def column(kind: str = "string", **extra) -> Column:
    return Column({"name": "c", "type": kind, **extra})


@pytest.mark.parametrize("before, after, rule", [
    ("12/03/2024", "2024-03-12", "date-format"),
    ("12-03-2024", "2024-03-12", "date-format"),
    ("12.03.2024", "2024-03-12", "date-format"),
    ("2024/03/12", "2024-03-12", "date-format"),
    ("1/3/2024", "2024-03-01", "date-format"),
    ("12 mars 2024", "2024-03-12", "date-format"),
    ("1er août 2024", "2024-08-01", "date-format"),
    ("mardi 12 MARS 2024", "2024-03-12", "date-format"),
    ("12 déc. 2024", "2024-12-12", "date-format"),
    ("2024-03-12T00:00:00", "2024-03-12", "date-midnight"),
    ("2024-03-12 00:00", "2024-03-12", "date-midnight"),
    ("12/03/2024 00:00:00", "2024-03-12", "date-midnight"),
    (" 2024-03-12 ", "2024-03-12", "trim"),
    ("'2024-03-12", "2024-03-12", "leading-apostrophe"),
])
def test_dates_are_written_iso(before, after, rule):
    assert column("date").repair_cell(before) == (after, rule)


@pytest.mark.parametrize("before", [
    "12/03/24",            # which century: a guess
    "2024-03-12T10:30:00",  # a time would be lost
    "31/02/2024",          # no such day
    "12 marsupial 2024", "bientôt", "",
])
def test_dates_that_need_a_guess_stay(before):
    assert column("date").repair_cell(before) is None


def test_a_valid_date_is_not_touched():
    assert column("date").repair_cell("2024-03-12") is None


def test_a_date_column_with_its_own_format_gets_it():
    assert column("date", format="%d/%m/%Y").repair_cell("12-03-2024") == \
        ("12/03/2024", "date-format")


def test_datetimes():
    assert column("datetime").repair_cell("12/03/2024 14:30") == \
        ("2024-03-12T14:30:00", "date-format")
    assert column("datetime").repair_cell("12/03/2024") is None   # no time: not invented


def test_day_month_order_follows_the_column():
    assert Column({"name": "c", "type": "date"}, MONTH_FIRST).repair_cell("03/12/2024") == \
        ("2024-03-12", "date-format")
    mixed = Column({"name": "c", "type": "date"}, MIXED)
    assert mixed.repair_cell("25/03/2024") == ("2024-03-25", "date-format")
    assert mixed.repair_cell("03/25/2024") == ("2024-03-25", "date-format")
    assert mixed.repair_cell("03/04/2024") is None     # both readable: a guess


def test_date_order_decision():
    order = DateOrder()
    assert order.decision == DAY_FIRST                  # French files: day first
    for text in ["03/04/2024", "05/06/2024"]:
        order.see(text)
    assert order.decision == DAY_FIRST and order.either == 2
    order.see("04/25/2024")
    assert order.decision == MONTH_FIRST
    order.see("25/04/2024")
    assert order.decision == MIXED
    assert order.as_dict() == {"order": MIXED, "day_first": 1, "month_first": 1, "either": 2}


@pytest.mark.parametrize("before, after", [
    ("1234,56", "1234.56"), ("1 234,56", "1234.56"), ("1\u00a0234,56", "1234.56"),
    ("1\u202f234,56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
    ("1 234,56 €", "1234.56"), ("€ 12", "12"), ("12 500 EUR", "12500"), ("-3,5", "-3.5"),
    ("'12,5", "12.5"), ("1.234.567", "1234567"), ("0,18", "0.18"),
])
def test_numbers(before, after):
    assert column("number").repair_cell(before) == (after, "number-format")


@pytest.mark.parametrize("before", ["1.234 €", "1,2,3", "douze", "12 ans", "1 23,5"])
def test_numbers_that_need_a_guess_stay(before):
    assert column("number").repair_cell(before) is None


def test_integers():
    assert column("integer").repair_cell("1 234") == ("1234", "number-format")
    assert column("integer").repair_cell("12,0") == ("12", "number-format")
    assert column("integer").repair_cell("12,5") is None      # not a whole number


def test_percent_in_a_share_column_and_in_a_percent_column():
    share = column("number", constraints={"minimum": 0.01, "maximum": 1})
    assert share.repair_cell("18 %") == ("0.18", "number-format")
    assert share.repair_cell("0,18") == ("0.18", "number-format")
    percent = column("number", constraints={"maximum": 100})
    assert percent.repair_cell("18 %") == ("18", "number-format")


@pytest.mark.parametrize("before, after", [
    ("Oui", "oui"), ("OUI", "oui"), ("vrai", "oui"), ("1", "oui"), ("true", "oui"),
    ("Non", "non"), ("FAUX", "non"), ("0", "non"),
])
def test_booleans_take_the_schema_words(before, after):
    col = column("boolean", trueValues=["oui"], falseValues=["non"])
    assert col.repair_cell(before) == (after, "boolean-word")


def test_booleans_without_words_in_the_schema_and_x():
    assert column("boolean").repair_cell("oui") == ("true", "boolean-word")
    assert column("boolean").repair_cell("x") is None           # x means yes only if said
    ticked = column("boolean", trueValues=["x"], falseValues=[""])
    assert ticked.repair_cell("X") == ("x", "boolean-word")
    assert column("boolean").repair_cell("peut-être") is None


def test_enumeration_values_by_case_accents_and_spaces():
    col = column(constraints={"enum": ["aide en numéraire", "aide en nature",
                                       "aide en numéraire;aide en nature"]})
    assert col.repair_cell("AIDE EN NUMERAIRE") == ("aide en numéraire", "enum-spelling")
    assert col.repair_cell("aide en numéraire ; aide en nature") == \
        ("aide en numéraire;aide en nature", "enum-spelling")
    assert col.repair_cell("subvention de fonctionnement") is None


def test_enumeration_values_alike_are_not_chosen_between():
    col = column(constraints={"enum": ["Réel", "reel"]})
    assert col.repair_cell("REEL") is None


@pytest.mark.parametrize("pattern, before, after", [
    (r"^\d{14}$", "215 601 782 00018", "21560178200018"),
    (r"^\d{14}$", "215.601.782.00018", "21560178200018"),
    (r"^\d{14}$", "215\u00a0601\u00a0782\u00a000018", "21560178200018"),
    (r"^\d{9}$", "215 601 782", "215601782"),
    (r"^\d{5}$", "39 198", "39198"),
    (r"^\d{5}$", "15187.0", "15187"),
    (r"^([013-9]\d|2[AB1-9])\d{3}$", "2A 004", "2A004"),
])
def test_identifiers_written_with_spaces_or_dots(pattern, before, after):
    col = column(constraints={"pattern": pattern})
    assert col.repair_cell(before) == (after, "identifier-spacing")


def test_identifiers_that_need_a_guess_stay():
    col = column(constraints={"pattern": r"^\d{5}$"})
    assert col.repair_cell("1053") is None        # a lost leading zero, or a lost digit?
    assert col.repair_cell("39-198") is None


def test_leading_apostrophe_and_trim():
    col = column(constraints={"pattern": r"^\d{5}$"})
    assert col.repair_cell("'01053") == ("01053", "leading-apostrophe")
    assert col.repair_cell("46100 ") == ("46100", "trim")
    plain = column(constraints={"maxLength": 5})
    assert plain.repair_cell(" abc ") is None     # accepted as it is: not touched


def test_workbook_cells():
    assert column(constraints={"pattern": r"^\d{14}$"}).repair_cell(21220093500014) == \
        ("21220093500014", "workbook-number")
    assert column(constraints={"pattern": r"^\d{14}$"}).repair_cell(21220093500014.0) == \
        ("21220093500014", "workbook-number")
    iso = column(constraints={"pattern": r"^\d{4}-\d{2}-\d{2}$"})
    assert iso.repair_cell(datetime(2024, 4, 15)) == ("2024-04-15", "workbook-date")
    dates = column("date")
    assert dates.repair_cell(datetime(2024, 4, 15)) is None     # the validator reads it
    assert dates.text_of(datetime(2024, 4, 15)) == "2024-04-15"
    assert dates.repair_cell(datetime(2024, 4, 15, 10, 30)) is None   # a time: kept
    assert column("date").text_of(date(2024, 4, 15)) == "2024-04-15"
    assert column("number").text_of(0.18) == "0.18"


def test_one_point_alone_is_no_identifier_separator():
    col = column(constraints={"pattern": r"^\d{2}$"})
    assert col.repair_cell("1.5") is None
