from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

from ckanext.opendatalocale.resources import SHARED_ASSETS, SHARED_TEMPLATES, resource_dir
from ckanext.opendatalocale.scdl import UnknownSchema, catalogue
from ckanext.opendatalocale.translation import Translation

from . import helpers

PLUGIN = "opendatalocale_datasets"
SCHEMING = "scheming_datasets"
SCHEMING_DEFAULT_PRESETS = "ckanext.scheming:presets.json"
VERSION_FIELD = "vocab_scdl_schema_version"  # multi-valued: a vocab_* field in Solr
# the type's titles in every language, searchable ("délibérations" finds a
# dataset of that type whatever its title): Solr copies vocab_* into text
TYPE_TITLE_FIELD = "vocab_scdl_type_title"
log = logging.getLogger(__name__)


def upload_problem(config) -> str | None:
    """Why the resource form would offer no upload button, if it would not.
    CKAN shows it only when ``ckan.uploads_enabled`` is true (an empty value,
    as ``ckan generate config`` writes it, is false) or an uploader plugin
    stores files elsewhere, and writes files under ``ckan.storage_path``."""
    if any(True for _ in p.PluginImplementations(p.IUploader)):
        return None
    if config.get("ckan.uploads_enabled") is not True:
        return ("ckan.uploads_enabled is not true: the resource form offers no upload "
                "button and communes can only link files. Set ckan.uploads_enabled = true "
                "and ckan.storage_path")
    path = config.get("ckan.storage_path")
    if not path:
        return "ckan.storage_path is not set: uploaded files cannot be stored"
    existing = path
    while not os.path.exists(existing):  # CKAN creates the missing folders
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing) or not os.access(existing, os.W_OK):
        return f"ckan.storage_path {path} is not a writable folder: uploads will fail"
    return None


def _scheming_urls() -> tuple[list[str], str]:
    """Our scheming YAMLs (``schemas/scheming``) as file URLs, which
    ckanext-scheming reads like any schema URL."""
    directory = resource_dir("schemas") / "scheming"
    types = [(directory / f"{slug}.yaml").as_uri() for slug in catalogue().slugs]
    return types, (directory / "presets.yaml").as_uri()


def _add(config, key: str, values: list[str], default: str = "") -> None:
    current = config.get(key) or default
    words = current.split()
    config[key] = " ".join(words + [v for v in values if v not in words])


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class DatasetsPlugin(Translation, p.SingletonPlugin):
    """One ckanext-scheming dataset type per SCDL schema (schemas/scheming),
    with its pages, API, facets and licences."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config):
        plugins = config.get("ckan.plugins", [])
        if isinstance(plugins, str):
            plugins = plugins.split()
        # CKAN calls update_config last-listed first: ours must come after
        # scheming_datasets to hand it the SCDL types before it reads them
        if SCHEMING not in plugins or plugins.index(SCHEMING) > plugins.index(PLUGIN):
            raise CkanConfigurationException(
                f"{PLUGIN} needs ckanext-scheming: list {SCHEMING} before it in "
                f"ckan.plugins (…{SCHEMING} {PLUGIN}…)")
        types, presets = _scheming_urls()
        _add(config, "scheming.dataset_schemas", types)
        _add(config, "scheming.presets", [presets], SCHEMING_DEFAULT_PRESETS)
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = (resource_dir("schemas") / "licenses.json").as_uri()
        tk.add_template_directory(config, SHARED_TEMPLATES)
        tk.add_resource(SHARED_ASSETS, "opendatalocale")

    # IConfigurable
    def configure(self, config):
        problem = upload_problem(config)
        if problem:
            log.warning("Uploads are off for communes: %s.", problem)

    # IFacets
    def dataset_facets(self, facets_dict: OrderedDict, package_type: str) -> OrderedDict:
        """The SCDL type before core's facets, the schema version last."""
        ordered = OrderedDict([("dataset_type", tk._("SCDL type"))])
        ordered.update(facets_dict)
        if "license_id" in ordered:
            # CKAN's French catalogue leaves it "Licenses"
            ordered["license_id"] = tk._("Licences")
        ordered[VERSION_FIELD] = tk._("Schema version")
        return ordered

    def organization_facets(self, facets_dict, organization_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    def group_facets(self, facets_dict, group_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Index the type's titles and the schema versions the dataset's
        files follow."""
        try:
            entry = catalogue().get(pkg_dict.get("dataset_type") or "")
        except UnknownSchema:
            return pkg_dict
        pkg_dict[TYPE_TITLE_FIELD] = sorted(set(entry.title.values()))
        resources = json.loads(pkg_dict.get("data_dict") or "{}").get("resources", [])
        versions = sorted({r["schema_version"] for r in resources if r.get("schema_version")})
        if versions:
            pkg_dict[VERSION_FIELD] = versions
        return pkg_dict

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        """SCDL types by their title in the type facet."""
        facet = search_results.get("search_facets", {}).get("dataset_type")
        for item in (facet or {}).get("items", []):
            item["display_name"] = (helpers.scdl_title(item["name"])
                                    or (tk._("Other dataset") if item["name"] == "dataset"
                                        else item["display_name"]))
        return search_results
