"""Territory codes of the Code officiel géographique (COG) and EPCI SIREN.

A commune is 5 characters (``35238``, Corsica ``2A004``, overseas ``97411``), a
département 2 or 3 (``35``, ``2A``, ``974``), a région 2 (``53``); an EPCI is
known by its SIREN (9 digits with a Luhn check digit).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional

from stdnum.fr import siren

__all__ = ["normalise", "is_territory_code", "code_of_organization", "levels_of_code",
           "organization_name", "cog_uri", "candidate_names", "covered", "LEVELS", "LEVELS_FROM_TOP", "LEVEL_RANK"]

# the levels of the territories, from the commune up, then from the top
# down (the order of every list of territories) and their rank in it
LEVELS = ("commune", "epci", "departement", "region")
LEVELS_FROM_TOP = tuple(reversed(LEVELS))
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS_FROM_TOP)}
# INSEE's geographical linked data names territories by level and code
# (http://id.insee.fr/geo/commune/35238); an EPCI is an "intercommunalite"
_COG_URI = {
    "commune": "http://id.insee.fr/geo/commune/{}",
    "epci": "http://id.insee.fr/geo/intercommunalite/{}",
    "departement": "http://id.insee.fr/geo/departement/{}",
    "region": "http://id.insee.fr/geo/region/{}",
}

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


def levels_of_code(code: str) -> tuple[str, ...]:
    """The levels a code can name, most likely first: a 2-digit code is a
    département or a région (35 is Ille-et-Vilaine, 53 Bretagne)."""
    code = normalise(code)
    if not is_territory_code(code):
        return ()
    if len(code) == 9:
        return ("epci",)
    if len(code) == 5:
        return ("commune",)
    if len(code) == 3 or code in ("2A", "2B"):
        return ("departement",)
    return ("departement", "region")


def organization_name(level: str, code: str) -> str:
    """The name of a territory's organisation (``commune-35238``)."""
    return f"{level}-{normalise(code).lower()}"


def cog_uri(level: str, code: str) -> str:
    """The URI of a territory in INSEE's geographical linked data."""
    return _COG_URI[level].format(normalise(code))


def covered(code: Optional[str], owner_id: Optional[str],
            named: Callable[[list[str]], dict[str, dict[str, Any]]]) -> Optional[dict[str, Any]]:
    """The territory a dataset covers: its own ``territory_code`` (the
    publishing territory when it has none), as the organisation of that
    territory when the portal has it, else from the code alone.

    A 2-digit code is the publisher's level when the publisher has that code,
    else the département or région organisation the portal holds, else
    unknown (None): the level cannot be told from the code. ``named`` looks
    organisations up by name or id (the territories plugin's
    ``territories_named`` helper, or a memo of it): ``{id, name, title,
    level, code, siren}``."""
    owner = named([owner_id]).get(owner_id) if owner_id else None
    if not code:
        return owner
    code = normalise(code)
    if owner and (owner["code"] or "").upper() == code:
        return owner
    names = candidate_names(code)
    known = named(names)
    for name in names:
        if name in known:
            return known[name]
    levels = levels_of_code(code)
    if len(levels) == 1:
        return {"id": None, "name": names[0], "title": None, "level": levels[0],
                "code": code, "siren": code if levels[0] == "epci" else None}
    return None


def candidate_names(code: str) -> list[str]:
    """The organisation names a territory code may have, most likely first."""
    return [organization_name(level, code)
            for level in levels_of_code(code)]
