"""How a cell the schema refuses is rewritten, when its meaning is certain.

A rule is tried only on a cell its column refuses (type or constraint, read
as the validator reads it), and its result is kept only if the column then
accepts it: a valid value is never touched, and a repaired value is never
repaired again. Each rule keeps the meaning: ``12/03/2024`` and
``2024-03-12`` are the same date, ``1 234,56 €`` and ``1234.56`` the same
amount. What would need a guess (a two-digit year, a day/month order the
column does not settle, a word that is neither yes nor no) stays as it is.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from frictionless import Field

from .text import fold

__all__ = ["CELL_RULES", "DAY_FIRST", "MONTH_FIRST", "MIXED", "Column", "DateOrder",
           "numeric_date", "parse_date", "parse_number"]

# rule ids, in the order they are tried
CELL_RULES = ("trim", "leading-apostrophe", "workbook-number", "workbook-date",
              "date-midnight", "date-format", "number-format", "boolean-word",
              "enum-spelling", "identifier-spacing")

DAY_FIRST, MONTH_FIRST, MIXED = "day-first", "month-first", "mixed"
_BLANKS = " \t\r\n\u00a0\u202f\u2007"
_NUMERIC_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2,
           "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7,
           "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
           "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}
_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
_WORDED_DATE = re.compile(rf"(?:(?:{_WEEKDAYS})\s+)?(\d{{1,2}})(?:er)?\s+([a-z]+)\.?\s+(\d{{4}})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.0+)?)?(?:\s*(?:z|\+00:?00))?")
_SEPARATOR = re.compile(r"[T ]|\s+(?:a|à)\s+", re.IGNORECASE)
_YES = {"oui", "o", "vrai", "v", "true", "yes", "y", "1"}
_NO = {"non", "n", "faux", "f", "false", "no", "0"}
_THOUSANDS = " \u00a0\u202f\u2007'’"
_GROUPED = re.compile(r"\d{1,3}(?:[%s]\d{3})+" % _THOUSANDS)
_CURRENCY = re.compile(r"^(?:€|eur|euros?)\s*|\s*(?:€|eur|euros?)$", re.IGNORECASE)
_SPACED_ID = re.compile(r"[0-9A-Za-z]+(?:[ \u00a0\u202f.][0-9A-Za-z]+)+")
_FLOAT_ID = re.compile(r"(\d+)\.0+")


@dataclass
class DateOrder:
    """What a date column says of its day/month order: values whose first
    number cannot be a month (25/03/2024), whose second cannot (03/25/2024),
    and those both ways readable (03/04/2024)."""
    day_first: int = 0
    month_first: int = 0
    either: int = 0

    def see(self, text: str) -> None:
        found = numeric_date(text)
        if not found:
            return
        a, b = found
        if a > 12 >= b:
            self.day_first += 1
        elif b > 12 >= a:
            self.month_first += 1
        elif a <= 12 and b <= 12:
            self.either += 1

    @property
    def decision(self) -> str:
        """French files are day first; a column only month first says so
        with its own values; both seen: only the unambiguous ones are read."""
        if self.month_first and self.day_first:
            return MIXED
        return MONTH_FIRST if self.month_first else DAY_FIRST

    def as_dict(self) -> dict[str, Any]:
        return {"order": self.decision, "day_first": self.day_first,
                "month_first": self.month_first, "either": self.either}


def numeric_date(text: str) -> Optional[tuple[int, int]]:
    """The two first numbers of a d/m/yyyy-like date (year last), or None."""
    date_part = _SEPARATOR.split(text.strip(_BLANKS), maxsplit=1)[0]
    match = _NUMERIC_DATE.fullmatch(date_part)
    if not match or len(match.group(3)) != 4 or len(match.group(1)) > 2:
        return None
    return int(match.group(1)), int(match.group(2))


def parse_date(text: str, order: str = DAY_FIRST) -> Optional[date]:
    """The date a French spreadsheet's text means, or None if unsure."""
    text = text.strip(_BLANKS)
    match = _NUMERIC_DATE.fullmatch(text)
    try:
        if match:
            a, b, c = match.groups()
            if len(a) == 4 and len(c) <= 2:
                return date(int(a), int(b), int(c))
            if len(c) != 4 or len(a) > 2:
                return None       # a two-digit year: which century is a guess
            first, second = int(a), int(b)
            if order == MONTH_FIRST or (order == MIXED and second > 12 >= first):
                first, second = second, first
            elif order == MIXED and not first > 12 >= second:
                return None
            return date(int(c), second, first)
        worded = _WORDED_DATE.fullmatch(fold(text))
        if worded and worded.group(2) in _MONTHS:
            return date(int(worded.group(3)), _MONTHS[worded.group(2)],
                        int(worded.group(1)))
    except ValueError:
        return None
    return None


def _parse_datetime(text: str, order: str) -> Optional[datetime]:
    parts = _SEPARATOR.split(text.strip(_BLANKS), maxsplit=1)
    if len(parts) != 2:
        return None
    day = parse_date(parts[0], order)
    clock = _TIME.fullmatch(parts[1].strip(_BLANKS).lower())
    if day is None or clock is None:
        return None
    try:
        moment = time(int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0))
    except ValueError:
        return None
    return datetime.combine(day, moment)


def parse_number(text: str) -> Optional[Decimal]:
    """The number a French spreadsheet's text means (decimal comma, spaces
    or points between thousands, a currency sign), or None if unsure.
    A percent sign is the caller's: it says what 18 % means in its column."""
    text = _CURRENCY.sub("", text.strip(_BLANKS)).strip(_BLANKS)
    sign = ""
    if text[:1] in "+-":
        sign, text = text[:1], text[1:].lstrip(_BLANKS)
    if re.fullmatch(r"\d{1,3}\.\d{3}", text):
        return None       # 1.234: a thousand or one and a bit, French or English
    integer, decimals = text, ""
    last = max(text.rfind(","), text.rfind("."))
    if "," in text and "." in text:
        integer, decimals = text[:last], text[last + 1:]   # the last one is the decimal
    elif text.count(",") == 1:
        integer, decimals = text.split(",")
    elif text.count(".") == 1:
        integer, decimals = text.split(".")
    if not re.fullmatch(r"\d*", decimals):
        return None
    if not (re.fullmatch(r"\d+", integer) or _GROUPED.fullmatch(integer)
            or re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", integer)):
        return None
    digits = re.sub(r"\D", "", integer)
    try:
        return Decimal(f"{sign}{digits}.{decimals or '0'}" if decimals
                       else f"{sign}{digits}")
    except InvalidOperation:
        return None


class Column:
    """One column of the schema: whether it accepts a cell, and the rules
    that may rewrite a cell it refuses."""

    def __init__(self, descriptor: dict[str, Any], order: str = DAY_FIRST):
        self.descriptor = descriptor
        self.name: str = descriptor["name"]
        self.type: str = descriptor.get("type", "string")
        self.constraints: dict[str, Any] = descriptor.get("constraints", {})
        self.order = order
        self._field = Field.from_descriptor(descriptor)
        self.accepts = functools.lru_cache(maxsize=4096)(self._accepts)
        self.repaired = functools.lru_cache(maxsize=4096)(self._repaired)

    def _accepts(self, cell: Any) -> bool:
        return not self._field.read_cell(cell)[1]

    def text_of(self, cell: Any) -> str:
        """A workbook cell as the validator reads it, written as text."""
        if cell is None:
            return ""
        if isinstance(cell, bool):
            values = self.descriptor.get("trueValues" if cell else "falseValues")
            return str(values[0]) if values else ("true" if cell else "false")
        if isinstance(cell, datetime):
            if self.type == "date" and cell.time() == time():
                return cell.date().isoformat()
            return cell.isoformat()
        if isinstance(cell, (date, time)):
            return cell.isoformat()
        if isinstance(cell, float) and cell.is_integer() and self.type != "number":
            return str(int(cell))
        return str(cell)

    def repair_cell(self, cell: Any) -> Optional[tuple[str, str]]:
        """(repaired text, rule) for a workbook cell or a text the column
        refuses; None when it accepts it or no rule applies for certain."""
        if self.accepts(cell):
            return None
        if isinstance(cell, str):
            return self.repaired(cell)
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            text = self.text_of(cell)
            return (text, "workbook-number") if self.accepts(text) else self.repaired(text)
        if isinstance(cell, (datetime, date)):
            text = cell.date().isoformat() if isinstance(cell, datetime) and \
                cell.time() == time() else cell.isoformat()
            return (text, "workbook-date") if self.accepts(text) else None
        return None

    def _repaired(self, text: str) -> Optional[tuple[str, str]]:
        if self.accepts(text):
            return None
        trimmed = text.strip(_BLANKS)
        if trimmed != text and self.accepts(trimmed):
            return trimmed, "trim"
        if trimmed.startswith("'") and self.accepts(trimmed[1:]):
            return trimmed[1:], "leading-apostrophe"
        base = trimmed[1:].lstrip(_BLANKS) if trimmed.startswith("'") else trimmed
        for rule, candidate in self._candidates(base):
            if candidate is not None and candidate != text and self.accepts(candidate):
                return candidate, rule
        return None

    def _candidates(self, text: str):
        if self.type == "date":
            midnight = _parse_datetime(text, self.order)
            if midnight is not None and midnight.time() == time():
                yield "date-midnight", self._date_text(midnight.date())
            day = parse_date(text, self.order)
            yield "date-format", None if day is None else self._date_text(day)
        elif self.type == "datetime":
            moment = _parse_datetime(text, self.order)
            yield "date-format", None if moment is None else moment.isoformat()
        elif self.type in ("number", "integer"):
            yield "number-format", self._number_text(text)
        elif self.type == "boolean":
            yield "boolean-word", self._boolean_text(text)
        elif self.type == "string":
            if "enum" in self.constraints:
                yield "enum-spelling", self._enum_text(text)
            if "pattern" in self.constraints:
                yield "identifier-spacing", self._identifier_text(text)

    def _date_text(self, day: date) -> Optional[str]:
        form = self.descriptor.get("format") or "default"
        if form in ("default", "any", "%Y-%m-%d"):
            return day.isoformat()
        return day.strftime(form) if form.startswith("%") else None

    def _number_text(self, text: str) -> Optional[str]:
        percent = text.rstrip(_BLANKS).endswith("%")
        number = parse_number(text.rstrip(_BLANKS).rstrip("%") if percent else text)
        if number is None:
            return None
        maximum = self.constraints.get("maximum")
        if percent and maximum is not None and Decimal(str(maximum)) <= 1:
            number = number / 100   # 18 % in a column of shares from 0 to 1
        if self.type == "integer":
            return str(int(number)) if number == number.to_integral_value() else None
        return format(number, "f")

    def _boolean_text(self, text: str) -> Optional[str]:
        trues = [str(v) for v in self.descriptor.get("trueValues", ["true", "True", "TRUE", "1"])]
        falses = [str(v) for v in self.descriptor.get("falseValues",
                                                       ["false", "False", "FALSE", "0"])]
        word = fold(text)
        yes = word in _YES | {fold(v) for v in trues}
        no = word in _NO | {fold(v) for v in falses}
        if yes == no:
            return None
        return trues[0] if yes else falses[0]

    def _enum_text(self, text: str) -> Optional[str]:
        key = _enum_key(text)
        found = [v for v in self.constraints["enum"] if _enum_key(str(v)) == key]
        return str(found[0]) if len(found) == 1 else None

    def _identifier_text(self, text: str) -> Optional[str]:
        whole = _FLOAT_ID.fullmatch(text)
        if whole:
            return whole.group(1)   # 15187.0: a number a script wrote
        separators = re.findall(r"[ \u00a0\u202f.]", text)
        # one point alone may be a decimal point (1.5): not an identifier's
        if _SPACED_ID.fullmatch(text) and separators != ["."]:
            return re.sub(r"[ \u00a0\u202f.]", "", text)
        return None


def _enum_key(text: str) -> str:
    return "".join(fold(text).split())
