"""Whether a dataset is a consolidation, for the other plugins (each guards
its call: ``'scdl_consolidation_of' in h``): the observatoire does not count
a territory's consolidated files as its own publications."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .model import consolidation_table

__all__ = ["scdl_consolidation_of", "scdl_consolidation_manageable"]


def scdl_consolidation_of(package_id: str) -> Optional[dict[str, Any]]:
    """The territory and type a dataset consolidates (None: not a consolidation)."""
    row = model.Session.execute(sa.select(
        consolidation_table.c.territory_id, consolidation_table.c.type).where(
            consolidation_table.c.package_id == package_id)).first()
    return {"territory_id": row[0], "type": row[1]} if row else None


def scdl_consolidation_manageable(organization: dict[str, Any]) -> bool:
    """The visitor may turn the organisation's consolidations on or off, and
    it has communes below it."""
    from .build import territories_with_communes
    if not tk.h.check_access("scdl_consolidation_update", {"territory": organization["id"]}):
        return False
    return bool(territories_with_communes(organization["id"]))
