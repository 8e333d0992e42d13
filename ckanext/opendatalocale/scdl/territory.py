"""Territory codes of the Code officiel géographique (COG) and EPCI SIREN.

A commune is 5 characters (``35238``, Corsica ``2A004``, overseas ``97411``), a
département 2 or 3 (``35``, ``2A``, ``974``), a région 2 (``53``); an EPCI is
known by its SIREN (9 digits with a Luhn check digit).
"""
from __future__ import annotations

import re
from typing import Optional

from stdnum.fr import siren

__all__ = ["normalise", "is_territory_code", "code_of_organization"]

_COG = re.compile(r"^(\d{5}|2[AB]\d{3}|\d{2}|2[AB]|97\d)$")
_ORGANIZATION = re.compile(r"^(commune|epci|departement|region)-([0-9a-z]+)$")


def normalise(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def is_territory_code(code: str) -> bool:
    code = normalise(code)
    if _COG.match(code):
        return True
    return len(code) == 9 and code.isdigit() and siren.is_valid(code)


def code_of_organization(name: Optional[str]) -> Optional[str]:
    """The code in a territory organisation's name (``commune-35238`` →
    ``35238``, ``departement-2a`` → ``2A``), None for other organisations."""
    match = _ORGANIZATION.match(name or "")
    return normalise(match.group(2)) if match else None
