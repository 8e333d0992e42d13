"""Cells a spreadsheet opens as text, never as a formula (CSV injection).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``,
``+``, ``-`` or ``@`` — also after leading blanks, and after a tab, carriage
return or line feed, which some of them skip. Such a cell is prefixed with an
apostrophe, which the spreadsheet shows as text. A plain number ("-12",
"+3,5") is no formula and is kept as it is, so counts and coordinates stay
numbers.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["spreadsheet_safe"]

_TRIGGERS = frozenset("=+-@")
_SKIPPED = " \t\r\n\u00a0"
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` unchanged unless a spreadsheet would run it as a formula."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(_SKIPPED)
    if stripped[:1] in _TRIGGERS and not _NUMBER.fullmatch(stripped.rstrip(_SKIPPED)):
        return "'" + value
    return value
