"""Where "Saisir en ligne" starts, for the pages of the other plugins (each
guards its call: ``'scdl_entry_new_url' in h``)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import render

__all__ = ["scdl_entry_new_url", "scdl_entry_editable", "scdl_entry_new_file",
           "scdl_entry_said"]


def scdl_entry_new_url(slug: str, organisation: Optional[str] = None) -> str:
    """The grid of a new dataset of the type, for the organisation."""
    return tk.h.url_for("scdl_entry.start", slug=slug, organisation=organisation)


def scdl_entry_editable(resource: dict[str, Any]) -> bool:
    """A resource whose file the grid can reopen: an SCDL file (uploaded, or
    linked) the visitor may update."""
    from .linked import is_link
    return bool(resource.get("schema")
                and (resource.get("url_type") == "upload" or is_link(resource))
                and tk.h.check_access("resource_update", {"id": resource["id"]}))


def scdl_entry_new_file(dataset: dict[str, Any]) -> bool:
    """An SCDL dataset the visitor may add a file to, typed online."""
    from ckanext.opendatalocale.scdl import UnknownSchema, catalogue
    try:
        catalogue().get(dataset.get("type") or "")
    except UnknownSchema:
        return False
    return bool(tk.h.check_access("resource_create", {"package_id": dataset["id"]}))


def scdl_entry_said(message: Any) -> str:
    """A message of the core in the visitor's language."""
    return render(message)
