"""The Validata custom checks the SCDL schemas use (their ``custom_checks``).

Each check looks at one row (a mapping of column name → cell) and returns
the messages (``wording``) of what is wrong, keyed by the column the error belongs
to. As Validata does, a check on columns the file lacks is skipped (except
where noted), and so is a row where one of its cells is empty; a cell that
is empty or failed its type counts as empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Optional

from stdnum.fr import siren, siret

from .text import fold
from .wording import Message, msg

__all__ = ["CHECKS", "CheckError", "RowCheck", "build", "UnknownCheck"]


class UnknownCheck(ValueError):
    pass


@dataclass
class CheckError:
    field: Optional[str]
    message: Message


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return str(value).strip()


@dataclass
class RowCheck:
    """A custom check bound to its parameters."""
    name: str
    columns: list[str]            # every column it reads
    first: str                    # the column its errors belong to
    run: Callable[[dict[str, Any]], Optional[Message]]
    skip_empty: bool = True       # skip a row where one of the columns is empty
    when_missing: Optional[Callable[[list[str]], Optional[Message]]] = None
    partial: bool = False         # still checks rows when some columns are absent

    def missing(self, header: list[str]) -> Optional[Message]:
        """A file-level message when the file lacks some of the columns
        (None: the check just does not apply)."""
        absent = [c for c in self.columns if c not in header]
        if absent and self.when_missing:
            return self.when_missing(absent)
        return None

    def applies(self, header: list[str]) -> bool:
        present = [c in header for c in self.columns]
        return all(present) or (self.partial and any(present))

    def check(self, row: dict[str, Any]) -> Optional[CheckError]:
        if self.skip_empty and any(_empty(row.get(c)) for c in self.columns):
            return None
        message = self.run(row)
        return CheckError(self.first, message) if message else None


# -- single columns ------------------------------------------------------------
def _siret(params):
    column = params["column"]

    def run(row):
        value = _text(row[column])
        if not siret.is_valid(value):
            return msg("“{value}” is not a valid SIRET number: 14 digits, the last of which, "
                       "the check digit, must match the first 13 (check what was typed, for "
                       "example on annuaire-entreprises.data.gouv.fr).", value=value)
        return None
    return RowCheck("french-siret-value", [column], column, run)


def _siren(params):
    column = params["column"]

    def run(row):
        value = _text(row[column])
        if not siren.is_valid(value):
            return msg("“{value}” is not a valid SIREN number: 9 digits, the last of which, "
                       "the check digit, must match the first 8.", value=value)
        return None
    return RowCheck("french-siren-value", [column], column, run)


_YEARS = re.compile(r"^(\d{4})/(\d{4})$")


def _year_interval(params):
    column = params["column"]
    year_alone = str(params.get("allow-year-only", "false")).lower() in ("true", "yes")

    def run(row):
        value = _text(row[column])
        match = _YEARS.match(value)
        if not match:
            if year_alone and re.fullmatch(r"\d{4}", value):
                return None
            expected = msg("a year (YYYY) or a period (YYYY/YYYY)") if year_alone \
                else msg("a period (YYYY/YYYY)")
            return msg("“{value}” is not {expected}.", value=value, expected=expected)
        first, second = int(match.group(1)), int(match.group(2))
        if first == second:
            return msg("Period “{value}”: the two years must be different.", value=value)
        if first > second:
            return msg("Period “{value}”: the second year must follow the first ({fixed}).",
                       value=value, fixed=f"{second}/{first}")
        return None
    return RowCheck("year-interval-value", [column], column, run)


_ACTES = ["Commande publique", "Urbanisme", "Domaine et patrimoine", "Fonction publique",
          "Institutions et vie politique", "Libertés publiques et pouvoirs de police",
          "Finances locales", "Domaines de compétences par thèmes",
          "Autres domaines de compétences"]


_ACTES_FOLDED = {fold(a) for a in _ACTES}


def _nomenclature_actes(params):
    column = params["column"]

    def run(row):
        value = _text(row[column])
        if "/" not in value:
            return msg("“{value}”: the slash “/” between the level 1 subject of the ACTES "
                       "nomenclature and its sub-subject is missing.", value=value)
        prefix = value[:value.find("/")]
        if fold(prefix) in _ACTES_FOLDED and "/ " not in value:
            return None
        if fold(prefix.rstrip()) in _ACTES_FOLDED or "/ " in value:
            return msg("“{value}”: no space before or after the slash.", value=value)
        # the subjects are the nomenclature's own names, in French
        return msg("“{prefix}” is not a level 1 subject of the ACTES nomenclature "
                   "({subjects}).", prefix=prefix, subjects=_ACTES)
    return RowCheck("nomenclature-actes-value", [column], column, run)


# -- several columns -------------------------------------------------------------
def _cohesive(params):
    column, others = params["column"], list(params["othercolumns"])
    columns = [column] + others

    def run(row):
        filled = [not _empty(row.get(c)) for c in columns]
        if any(filled) and not all(filled):
            return msg("The columns {columns} must be all filled in or all empty on the same "
                       "row.", columns=columns)
        return None

    def when_missing(absent):
        if len(absent) == len(columns):
            return None
        return msg("The columns {columns} go together: {absent} is missing.",
                   columns=columns, absent=absent)
    return RowCheck("cohesive-columns-value", columns, column, run, skip_empty=False,
                    when_missing=when_missing)


_OPERATORS = {">": (msg("greater than"), lambda a, b: a > b),
              ">=": (msg("greater than or equal to"), lambda a, b: a >= b),
              "==": (msg("equal to"), lambda a, b: a == b),
              "<=": (msg("less than or equal to"), lambda a, b: a <= b),
              "<": (msg("less than"), lambda a, b: a < b)}


def _comparable(value: Any) -> Any:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return ("number", Decimal(str(value)))
    if isinstance(value, (date, datetime)):
        return ("date", value)
    text = _text(value)
    try:
        return ("number", Decimal(text.replace(",", ".")))
    except Exception:
        return ("text", text)


def _compare(params):
    column, other, op = params["column"], params["column2"], params["op"]
    if op not in _OPERATORS:
        raise UnknownCheck(f"compare-columns-value: unknown operator {op!r}")
    label, test = _OPERATORS[op]

    def run(row):
        (kind1, a), (kind2, b) = _comparable(row[column]), _comparable(row[other])
        if kind1 != kind2 and "number" in (kind1, kind2):
            return msg("{column} ({value}) cannot be compared with {other} ({other_value}).",
                       column=column, value=str(row[column]), other=other,
                       other_value=str(row[other]))
        if not test(a, b):
            return msg("{column} ({value}) should be {relation} {other} ({other_value}).",
                       column=column, value=str(row[column]), relation=label, other=other,
                       other_value=str(row[other]))
        return None
    return RowCheck("compare-columns-value", [column, other], column, run)


def _sum(params):
    column, parts = params["column"], list(params["columns"])

    def run(row):
        values = [_comparable(row[c]) for c in [column] + parts]
        if any(kind != "number" for kind, _ in values):
            return None  # a type error already says so
        total = sum(v for _, v in values[1:])
        if total != values[0][1]:
            return msg("{column} ({value}) should be the sum of {parts}, that is {total}.",
                       column=column, value=str(row[column]), parts=" + ".join(parts),
                       total=str(total))
        return None
    return RowCheck("sum-columns-value", [column] + parts, column, run)


def _one_of_required(params):
    first, second = params["column1"], params["column2"]

    def run(row):
        if _empty(row.get(first)) and _empty(row.get(second)):
            return msg("Fill in at least one of the columns {first} or {second}.",
                       first=first, second=second)
        return None

    def when_missing(absent):
        if len(absent) == 2:
            return msg("At least one of the columns {first} or {second} is needed.",
                       first=first, second=second)
        return None
    return RowCheck("one-of-required", [first, second], first, run, skip_empty=False,
                    when_missing=when_missing, partial=True)


CHECKS: dict[str, Callable[[dict], RowCheck]] = {
    "french-siret-value": _siret,
    "french-siren-value": _siren,
    "year-interval-value": _year_interval,
    "nomenclature-actes-value": _nomenclature_actes,
    "cohesive-columns-value": _cohesive,
    "compare-columns-value": _compare,
    "sum-columns-value": _sum,
    "one-of-required": _one_of_required,
}


def build(custom_checks: list[dict]) -> list[RowCheck]:
    """The checks a schema's ``custom_checks`` names."""
    built = []
    for entry in custom_checks:
        if entry["name"] not in CHECKS:
            raise UnknownCheck(f"unknown custom check {entry['name']!r}")
        built.append(CHECKS[entry["name"]](entry.get("params", {})))
    return built
