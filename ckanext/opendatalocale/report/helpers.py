"""Template helpers of the observatoire pages."""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk

from . import status as st

__all__ = ["observatoire_status_label", "observatoire_statuses", "observatoire_percent"]


def observatoire_status_label(status: str) -> str:
    return {st.ABSENT: tk._("absent"), st.UNCHECKED: tk._("published, not checked"),
            st.INVALID: tk._("invalid"), st.STALE: tk._("out of date"),
            st.CONFORMANT: tk._("conformant")}[status]


def observatoire_statuses() -> list[str]:
    return list(st.STATUSES)


def observatoire_percent(share: Optional[float]) -> str:
    """0.4567 → "46 %" (French spacing); no communes → "–"."""
    if share is None:
        return "–"
    return f"{round(share * 100)}\u202f%"
