"""The Validata custom checks the SCDL schemas use (their ``custom_checks``).

Each check looks at one row (a mapping of column name → cell) and returns
the French messages of what is wrong, keyed by the column the error belongs
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

__all__ = ["CHECKS", "CheckError", "RowCheck", "build", "UnknownCheck"]


class UnknownCheck(ValueError):
    pass


@dataclass
class CheckError:
    field: Optional[str]
    message: str


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
    run: Callable[[dict[str, Any]], Optional[str]]
    skip_empty: bool = True       # skip a row where one of the columns is empty
    when_missing: Optional[Callable[[list[str]], Optional[str]]] = None
    partial: bool = False         # still checks rows when some columns are absent

    def missing(self, header: list[str]) -> Optional[str]:
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
            return (f"« {value} » n'est pas un numéro SIRET valide : 14 chiffres dont le "
                    "dernier, la clé, doit correspondre aux 13 premiers (vérifiez la "
                    "saisie, par exemple sur annuaire-entreprises.data.gouv.fr).")
    return RowCheck("french-siret-value", [column], column, run)


def _siren(params):
    column = params["column"]

    def run(row):
        value = _text(row[column])
        if not siren.is_valid(value):
            return (f"« {value} » n'est pas un numéro SIREN valide : 9 chiffres dont le "
                    "dernier, la clé, doit correspondre aux 8 premiers.")
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
            expected = "une année (AAAA) ou une période (AAAA/AAAA)" if year_alone \
                else "une période (AAAA/AAAA)"
            return f"« {value} » n'est pas {expected}."
        first, second = int(match.group(1)), int(match.group(2))
        if first == second:
            return f"Période « {value} » : les deux années doivent être différentes."
        if first > second:
            return (f"Période « {value} » : la seconde année doit suivre la première "
                    f"({second}/{first}).")
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
            return (f"« {value} » : il manque la barre oblique « / » entre la matière de "
                    "niveau 1 de la nomenclature ACTES et sa sous-matière.")
        prefix = value[:value.find("/")]
        if fold(prefix) in _ACTES_FOLDED and "/ " not in value:
            return None
        if fold(prefix.rstrip()) in _ACTES_FOLDED or "/ " in value:
            return (f"« {value} » : pas d'espace avant ni après la barre oblique.")
        return (f"« {prefix} » n'est pas une matière de niveau 1 de la nomenclature ACTES "
                f"({', '.join(_ACTES)}).")
    return RowCheck("nomenclature-actes-value", [column], column, run)


# -- several columns -------------------------------------------------------------
def _cohesive(params):
    column, others = params["column"], list(params["othercolumns"])
    columns = [column] + others

    def run(row):
        filled = [not _empty(row.get(c)) for c in columns]
        if any(filled) and not all(filled):
            return (f"Les colonnes {', '.join(columns)} doivent être toutes remplies ou "
                    "toutes vides sur une même ligne.")
        return None

    def when_missing(absent):
        if len(absent) == len(columns):
            return None
        return (f"Les colonnes {', '.join(columns)} vont ensemble : il manque "
                f"{', '.join(absent)}.")
    return RowCheck("cohesive-columns-value", columns, column, run, skip_empty=False,
                    when_missing=when_missing)


_OPERATORS = {">": ("supérieure à", lambda a, b: a > b),
              ">=": ("supérieure ou égale à", lambda a, b: a >= b),
              "==": ("égale à", lambda a, b: a == b),
              "<=": ("inférieure ou égale à", lambda a, b: a <= b),
              "<": ("inférieure à", lambda a, b: a < b)}


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
            return (f"{column} ({row[column]}) ne peut pas être comparé à {other} "
                    f"({row[other]}).")
        if not test(a, b):
            return (f"{column} ({row[column]}) devrait être {label} {other} "
                    f"({row[other]}).")
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
            return (f"{column} ({row[column]}) devrait valoir la somme de "
                    f"{' + '.join(parts)}, soit {total}.")
        return None
    return RowCheck("sum-columns-value", [column] + parts, column, run)


def _one_of_required(params):
    first, second = params["column1"], params["column2"]

    def run(row):
        if _empty(row.get(first)) and _empty(row.get(second)):
            return f"Remplissez au moins l'une des colonnes {first} ou {second}."
        return None

    def when_missing(absent):
        if len(absent) == 2:
            return f"Il faut au moins l'une des colonnes {first} ou {second}."
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
