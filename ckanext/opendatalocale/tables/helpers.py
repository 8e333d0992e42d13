"""A resource's table for the pages of the other plugins (each guards its
call: ``'scdl_table' in h``)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

__all__ = ["scdl_table", "scdl_table_api_url"]


def scdl_table(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The resource's table as ``scdl_table_show`` gives it, for the
    visitor (None: no SCDL file, or never loaded)."""
    if not resource.get("schema") or not resource.get("id"):
        return None
    try:
        table = tk.get_action("scdl_table_show")({}, {"resource_id": resource["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return table if table["state"] is not None else None


def scdl_table_api_url(resource: dict[str, Any]) -> Optional[str]:
    """The page that says how to query the resource's table, when it has one."""
    if not resource.get("datastore_active") or not resource.get("schema"):
        return None
    return tk.h.url_for("scdl_tables.api", id=resource["package_id"],
                        resource_id=resource["id"])
