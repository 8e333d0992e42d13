"""Test-only plugins, declared under the ``ckan.test_plugins`` entry points
(setup.py): CKAN loads them by name, like any plugin."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p


class IndexFieldsPlugin(p.SingletonPlugin):
    """What an SCDL plugin does in ``before_dataset_index``: add fields that
    only exist in the index (a string under Solr's catch-all ``*``, a date
    under ``*_date``)."""

    p.implements(p.IPackageController, inherit=True)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        notes = pkg_dict.get("notes") or ""
        pkg_dict["scdl_conformity"] = (
            "conforme" if notes.startswith("SCDL conforme") else "non-conforme")
        if "checked:" in notes:
            pkg_dict["scdl_checked_date"] = notes.split("checked:")[1].split()[0]
        return pkg_dict
