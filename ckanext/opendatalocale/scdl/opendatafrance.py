"""The file of OpenDataFrance's *Observatoire open data des territoires*.

Its table of organisations (one line per organisation publishing open data)
has the columns ``ORGANISATION_COLUMNS``; a portal knows its own part of
them — who publishes (``nb-ptf``: public datasets on this platform, ``url-ptf``
the organisation's page, ``ptf`` the platform's name), the organisation's
SIREN, type, région and département codes and population — and leaves empty
what only OpenDataFrance gathers (data.gouv.fr and OpenDataSoft accounts,
coordinates). The socle commun columns follow (``SOCLE_COLUMNS``, then
``scdl-<type>`` for each SCDL type): the national observatoire can take the
territory's figures as they are.
"""
from __future__ import annotations

__all__ = ["ORGANISATION_COLUMNS", "SOCLE_COLUMNS", "organisation_type", "columns"]

ORGANISATION_COLUMNS = (
    "siren", "nom", "type", "regcode", "depcode", "url-ptf", "nb-ptf", "url-datagouv",
    "nb-datagouv", "id-datagouv", "id-ods", "pop-insee", "lat", "long", "ptf",
)
# ours: the COG code, the legal obligation, the SCDL types published and conformant
SOCLE_COLUMNS = ("cog", "obligation", "scdl-publies", "scdl-conformes")

_LEVEL_TYPES = {"region": "REG", "departement": "DEP", "commune": "COM"}
# the nature of an EPCI, as the COG's names tell it: « CC du Pays de
# Châteaugiron », « CA Vitré Communauté », « CU Angers Loire Métropole »; the
# métropoles' names hold the word (« Rennes Métropole », « Eurométropole de
# Strasbourg »), checked on the 1 254 EPCI of the COG 2024
_EPCI_PREFIXES = (("CC ", "CC"), ("CA ", "CA"), ("CU ", "CU"))


def organisation_type(level: str, title: str) -> str:
    """The observatoire's type: REG, DEP, COM, or for an EPCI its nature
    (MET, CU, CA, CC; EPCI when its name does not tell)."""
    if level in _LEVEL_TYPES:
        return _LEVEL_TYPES[level]
    for prefix, kind in _EPCI_PREFIXES:
        if title.startswith(prefix):
            return kind
    if "métropole" in title.lower():
        return "MET"
    return "EPCI"


def columns(types: list[str]) -> list[str]:
    return [*ORGANISATION_COLUMNS, *SOCLE_COLUMNS, *(f"scdl-{kind}" for kind in types)]
