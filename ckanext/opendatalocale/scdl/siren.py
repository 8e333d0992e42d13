"""Whose file is it? The SIRET a file gives for the collectivité that
publishes it, against the publishing organisation's own SIREN.

A commune that copies her neighbour's file (or the example of the guide)
publishes a file that says it is someone else's: the report says so plainly,
as a warning (the file may be valid all the same), and gives her own number.
Only the columns that hold the publisher's own SIRET count — not a
beneficiary's, a supplier's or an establishment's, nor a budget's (a CCAS or
an annexed budget has a SIREN of its own).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from .wording import Message, msg

__all__ = ["PUBLISHER_COLUMNS", "publisher_column", "siren_of", "other_publisher",
           "of_name", "mismatch_warnings"]

# per schema, the column of the publishing collectivité's SIRET
PUBLISHER_COLUMNS = (
    "COLL_SIRET",      # délibérations, équipements, catalogue
    "idAttribuant",    # subventions: the collectivité that grants them
    "menuCollSiret",   # menus collectifs
    "platCollSiret",   # plats des menus collectifs
)
# distinct SIRENs remembered per file: a file of one publisher has one
KEPT = 20
_SIRET = re.compile(r"\d{9}(\d{5})?")


def publisher_column(header: list[str]) -> Optional[str]:
    """The column of the file that names its publisher, if it has one."""
    return next((c for c in PUBLISHER_COLUMNS if c in header), None)


def siren_of(value: object) -> Optional[str]:
    """The SIREN (9 digits) of a SIRET or SIREN cell, else None."""
    text = str(value or "").replace(" ", "").strip()
    return text[:9] if _SIRET.fullmatch(text) else None


def other_publisher(found: dict[str, int], own: Optional[str]) -> Optional[str]:
    """The SIREN the file names most often when it is not ``own``, else None
    (no SIREN in the file, or the organisation's SIREN unknown)."""
    if not found or not own:
        return None
    most, _ = Counter(found).most_common(1)[0]
    return None if most == own else most


_VOWEL = re.compile(r"^[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸaeiouyàâäéèêëîïôöùûüÿ]")


def of_name(name: str) -> str:
    """« de Rennes », « d'Antibes », « du Mans », « des Sables-d'Olonne »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if _VOWEL.match(name):
        return "d'" + name
    return "de " + name


def mismatch_warnings(other_siren: str, other_title: Optional[str], own_siren: str,
                      own_title: str) -> list[Message]:
    """The two sentences of the report: whose file it seems to be, and the
    publisher's own number, to write instead. ``of_*`` are the names with
    French's « de » (« d'Antibes », « du Mans »), for the French sentences."""
    own = {"own": own_title, "of_own": of_name(own_title)}
    if other_title:
        whose = msg("This file seems to belong to {name}: its SIRET number designates the "
                    "SIREN {siren}, not that of {own}. Check that it is your file.",
                    name=other_title, of_name=of_name(other_title), siren=other_siren, **own)
    else:
        whose = msg("This file seems to belong to another collectivité (SIREN {siren}): its "
                    "SIRET number designates the SIREN {siren}, not that of {own}. Check that "
                    "it is your file.", siren=other_siren, **own)
    return [whose, msg("The SIREN number of {own} is {siren}: its SIRET numbers start with "
                       "these 9 digits.", siren=own_siren, **own)]
