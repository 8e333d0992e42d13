"""A territory's organisations in the format of OpenDataFrance's observatoire
(``scdl.opendatafrance``): each territory organisation below it (itself
included) that publishes at least one public dataset on the portal, with its
socle commun statuses (the live report's rule)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import opendatafrance as odf
from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.territory import LEVEL_RANK

from . import compliance

__all__ = ["lines"]

_PUBLISHED = """
SELECT owner_org, count(*) FROM package
WHERE state = 'active' AND NOT private AND owner_org = ANY(%(owners)s)
GROUP BY owner_org
"""
_SIRENS = """
SELECT group_id, value FROM group_extra
WHERE key = 'siren' AND state = 'active' AND value <> '' AND group_id = ANY(%(owners)s)
"""


def lines(root: Optional[str], types: list[str],
          now: Optional[datetime] = None) -> Iterator[dict[str, Any]]:
    """One dict per publishing organisation, keyed by ``odf.columns(types)``,
    ordered by level (régions first) then name."""
    now = now or datetime.now(timezone.utc)
    root_id = None
    if root is not None:
        root_id = compliance.territory(root).id  # UnknownTerritory
    territories = compliance._territories(root_id)
    if root_id is not None:  # the codes of the région and département above
        above = compliance._territories(None)
    else:
        above = territories
    owners = list(territories)
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(_PUBLISHED, {"owners": owners})
    published = dict(cursor.fetchall())
    cursor.execute(_SIRENS, {"owners": owners})
    sirens = dict(cursor.fetchall())
    cells = compliance._cells(types, owners, now)
    site, title = tk.config.get("ckan.site_url", "").rstrip("/"), tk.config.get(
        "ckan.site_title", "")

    def code_above(start: compliance.Territory, level: str) -> str:
        seen = set()
        t: Optional[compliance.Territory] = start
        while t is not None and t.id not in seen:
            if t.level == level:
                return t.code
            seen.add(t.id)
            t = above.get(t.parent_id) if t.parent_id else None
        return ""

    chosen = [t for t in territories.values() if published.get(t.id)]
    chosen.sort(key=lambda t: (LEVEL_RANK.get(t.level, len(LEVEL_RANK)), t.name))
    for t in chosen:
        statuses = {}
        for kind in types:
            found = cells.get((t.id, kind))
            statuses[kind] = st.STATUSES[found[0]] if found else st.ABSENT
        line: dict[str, Any] = dict.fromkeys(odf.columns(types), "")
        line.update({
            "siren": sirens.get(t.id) or (t.code if t.level == "epci" else ""),
            "nom": t.title, "type": odf.organisation_type(t.level, t.title),
            "regcode": code_above(t, "region"), "depcode": code_above(t, "departement"),
            "url-ptf": f"{site}/organization/{t.name}", "nb-ptf": published[t.id],
            "pop-insee": t.population or "", "ptf": title, "cog": t.code,
            "obligation": "oui" if t.obliged else "non",
            "scdl-publies": sum(s != st.ABSENT for s in statuses.values()),
            "scdl-conformes": sum(s == st.CONFORMANT for s in statuses.values()),
            **{f"scdl-{kind}": status for kind, status in statuses.items()},
        })
        yield line

