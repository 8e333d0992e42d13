"""No cell of a CSV the suite writes is run by a spreadsheet as a formula."""
from __future__ import annotations

import pytest

from ckanext.opendatalocale.scdl.spreadsheet import spreadsheet_safe


@pytest.mark.parametrize("value", [
    "=2+2", "+SUM(A1:A2)", "-2+3", "@SUM(1)", " =2+2", "\u00a0=1", "\t=1+1", "\r=1",
    "\n=3+3", " \n\t@x", '=HYPERLINK("http://evil.example")', "-", "+", "=",
])
def test_formulas_become_text(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", [
    "Cesson-Sévigné", "", "  ", "a=b", "x+1", "mail@example.org", "-12", "+3,5", "-1.5e3",
    " -4 ", "2024-03-12",
])
def test_text_and_numbers_stay(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", [None, 3, -3, 2.5, True])
def test_non_strings_stay(value):
    assert spreadsheet_safe(value) is value
