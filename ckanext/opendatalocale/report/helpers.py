"""Template helpers of the observatoire pages."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import status as st

__all__ = ["observatoire_status_label", "observatoire_statuses", "observatoire_percent",
           "observatoire_portal_progress", "home_latest_datasets", "observatoire_url"]

PORTAL_TERRITORY = "ckanext.opendatalocale.report.portal_territory"


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


def observatoire_portal_progress() -> Optional[dict]:
    """The home page's socle commun: the portal's territory and, for each
    SCDL type, how many of its communes publish it and how many conform.
    None when the territory is unknown (the home page then says nothing)."""
    territory = tk.config.get(PORTAL_TERRITORY) or None
    try:
        report = tk.get_action("scdl_compliance_show")(
            {"ignore_auth": True}, {"territory": territory})
    except tk.ObjectNotFound:
        return None
    return {"territory": report["territory"], "totals": report["totals"]}


def home_latest_datasets(limit: int = 5) -> list[dict]:
    """The public datasets changed last, newest first."""
    result = tk.get_action("package_search")(
        {}, {"sort": "metadata_modified desc", "rows": limit, "include_private": False})
    return result["results"]


def observatoire_url(organization: dict[str, Any]) -> Optional[str]:
    """The observatoire page of a territory (None for an organisation that
    is not one): linked from the territory's own page."""
    fields = tk.h.territory_fields(organization["id"]) if "territory_fields" in tk.h else {}
    if not fields.get("territory_level"):
        return None
    return tk.h.url_for("observatoire.read", territory=organization["name"])
