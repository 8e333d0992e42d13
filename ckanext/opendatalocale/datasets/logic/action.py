"""API actions: the SCDL schema catalogue."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue

from . import schema

__all__ = ["scdl_schema_list", "scdl_schema_show"]


@tk.side_effect_free
def scdl_schema_list(context, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The SCDL schemas this portal supports, with their versions and the
    canonical URL of each.

    :rtype: list of dictionaries
    """
    tk.check_access("scdl_schema_list", context, data_dict)
    return [entry.as_dict() for entry in catalogue().entries]


@tk.side_effect_free
def scdl_schema_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """One SCDL schema: its catalogue entry and the Table Schema of a version.

    :param id: the schema's slug (``deliberations``, also the dataset type) or
        its schema.data.gouv.fr id (``scdl/deliberations``)
    :param version: a supported version (default: the current one)
    """
    tk.check_access("scdl_schema_show", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.scdl_schema_show(), context)
    if errors:
        raise tk.ValidationError(errors)
    try:
        entry = catalogue().get(data["id"])
        version = entry.version(data.get("version"))
    except (UnknownSchema, UnknownVersion) as e:
        raise tk.ObjectNotFound(str(e)) from e
    return dict(entry.as_dict(), version=version.version, schema_url=version.schema_url,
                table_schema=version.table_schema())
