from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, catalogue, status
from ckanext.opendatalocale.resources import SHARED_TEMPLATES
from ckanext.opendatalocale.translation import Translation

from . import model, repairs, runner  # noqa: F401 (model: the tables on CKAN's metadata)

CONFORMITY_FIELD = "scdl_conformity"


def conformity_of(resources: list[dict[str, Any]]) -> str | None:
    """One word for a dataset's SCDL files (the rule of
    :func:`scdl.status.conformity`): conforme, invalide, en-cours or
    non-valide; None without SCDL file."""
    return status.conformity([r.get("validation_status") for r in resources
                              if runner.schema_of(r)])


def conformity_labels() -> dict[str, str]:
    """The facet's words for :func:`conformity_of`'s values."""
    return {"conforme": tk._("Compliant"), "invalide": tk._("Not compliant"),
            "en-cours": tk._("Being checked"), "non-valide": tk._("Not checked")}


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.config_declarations
class ValidationPlugin(Translation, p.SingletonPlugin):
    """SCDL files checked against their schema at upload, reports in the
    visitor's language, with ckanext-validation's API (see runner for why
    not its code)."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, SHARED_TEMPLATES)

    # IFacets: conformity beside the SCDL type, before core's facets
    def dataset_facets(self, facets_dict: OrderedDict, package_type: str) -> OrderedDict:
        ordered, placed = OrderedDict(), False
        for key, label in facets_dict.items():
            if key != CONFORMITY_FIELD:
                ordered[key] = label
            if key == "dataset_type":
                ordered[CONFORMITY_FIELD], placed = tk._("Conformity"), True
        if not placed:
            ordered[CONFORMITY_FIELD] = tk._("Conformity")
        return ordered

    def organization_facets(self, facets_dict, organization_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    def group_facets(self, facets_dict, group_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    # IResourceController
    def after_resource_create(self, context, resource: dict[str, Any]) -> None:
        runner.schedule(resource)

    def after_resource_update(self, context, resource: dict[str, Any]) -> None:
        runner.schedule(resource)

    def before_resource_delete(self, context, resource: dict[str, Any],
                               resources: list[dict[str, Any]]) -> None:
        context.setdefault("opendatalocale_deleted", []).append(resource["id"])

    def after_resource_delete(self, context, resources: list[dict[str, Any]]) -> None:
        """A deleted resource's correction goes with it (its original too)."""
        repairs.forget(context.pop("opendatalocale_deleted", []))

    # IPackageController
    def after_dataset_show(self, context, pkg_dict: dict[str, Any]) -> None:
        """Each SCDL file's ``validation_status`` / ``validation_timestamp``."""
        try:
            catalogue().get(pkg_dict.get("type") or "")
        except UnknownSchema:
            return
        validations = runner.statuses_of(pkg_dict["id"])
        for resource in pkg_dict.get("resources", []):
            validation = validations.get(resource["id"])
            if validation and validation["schema_url"] == resource.get("schema"):
                resource["validation_status"] = validation["status"]
                stamp = validation["finished"] or validation["created"]
                resource["validation_timestamp"] = stamp.isoformat() if stamp else None
            else:
                resource.pop("validation_status", None)
                resource.pop("validation_timestamp", None)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        import json
        resources = json.loads(pkg_dict.get("data_dict") or "{}").get("resources", [])
        conformity = conformity_of(resources)
        if conformity:
            pkg_dict[CONFORMITY_FIELD] = conformity
        return pkg_dict

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        """Conformity in words in its facet (the values stay the API's)."""
        facet = search_results.get("search_facets", {}).get(CONFORMITY_FIELD)
        labels = conformity_labels()
        for item in (facet or {}).get("items", []):
            item["display_name"] = labels.get(item["name"], item["display_name"])
        return search_results
