"""Where a collectivité stands for one SCDL type (no CKAN import): the status
of each of its datasets, and of the collectivité — a cell of the
observatoire, a card of the socle-commun chooser.

A dataset is *périmé* when it is older than the update frequency it declares
(computed against today, never stored); otherwise it is *conforme*,
*invalide* or *publié sans validation* after the check of its files (the
``scdl_conformity`` index field). A commune's cell is the best status among
its datasets of the type, *absent* without any.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

__all__ = ["STATUSES", "ABSENT", "UNCHECKED", "INVALID", "STALE", "CONFORMANT",
           "FREQUENCY_PERIODS", "conformity", "dataset_status", "stale_from", "best", "rank"]

ABSENT = "absent"
UNCHECKED = "sans-validation"
INVALID = "invalide"
STALE = "perime"
CONFORMANT = "conforme"
# from worst to best: a cell keeps the best status among the commune's datasets
STATUSES = (ABSENT, UNCHECKED, INVALID, STALE, CONFORMANT)
_RANK = {status: rank for rank, status in enumerate(STATUSES)}

# the DCAT frequencies the SCDL types declare (schemas/scheming/presets.yaml);
# continuous and irregular datasets are never stale
FREQUENCY_PERIODS = {
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(days=7),
    "MONTHLY": timedelta(days=31),
    "QUARTERLY": timedelta(days=92),
    "SEMIANNUAL": timedelta(days=183),
    "ANNUAL": timedelta(days=366),
}


def conformity(validation_statuses: list[Optional[str]]) -> Optional[str]:
    """One word for the checks of a dataset's SCDL files (CKAN-validation's
    statuses): conforme when every one of them validated, else invalide,
    en-cours or non-valide (never checked); None without SCDL file."""
    if not validation_statuses:
        return None
    if all(s == "success" for s in validation_statuses):
        return "conforme"
    if any(s in ("failure", "error") for s in validation_statuses):
        return "invalide"
    if any(s in ("running", "created") for s in validation_statuses):
        return "en-cours"
    return "non-valide"


def dataset_status(conformity: Optional[str], modified: Optional[datetime],
                   frequency: Optional[str], now: datetime) -> str:
    """The status of one public dataset."""
    period = FREQUENCY_PERIODS.get((frequency or "").upper())
    if period is not None and modified is not None and modified + period < now:
        return STALE
    if conformity == "conforme":
        return CONFORMANT
    if conformity == "invalide":
        return INVALID
    return UNCHECKED


def stale_from(modified: Optional[datetime], frequency: Optional[str]) -> Optional[datetime]:
    """When a dataset changed last at ``modified`` becomes out of date by the
    frequency it declares (None: never — continuous, irregular, no date)."""
    period = FREQUENCY_PERIODS.get((frequency or "").upper())
    if period is None or modified is None:
        return None
    return modified + period


def best(statuses) -> str:
    return max(statuses, key=_RANK.__getitem__, default=ABSENT)


def rank(status: str) -> int:
    return _RANK[status]
