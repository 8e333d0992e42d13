from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultOrganizationForm, DefaultPermissionLabels

from ckanext.opendatalocale.scdl import territory
from ckanext.opendatalocale.translation import Translation

from . import helpers, moves, places, tree
from .table import EXTRAS

from .places import ABOVE_FIELD, PUBLISHER_FIELD, TERRITORIES_FIELD
# the territory a dataset covers (single-valued): commune/epci/departement/region
# and its INSEE code (SIREN for an EPCI), for harvesters' filters and facets
LEVEL_FIELD, CODE_FIELD = "territory_level", "territory_code"
TERRITORY_FIELDS = [k for k in EXTRAS]


def _cascading_roles() -> list[str]:
    roles = tk.config.get("ckan.auth.roles_that_cascade_to_sub_groups")
    return roles.split() if isinstance(roles, str) else list(roles or [])


def _publisher_title(pkg_dict: dict[str, Any]) -> str | None:
    """The organisation's title, from the dataset CKAN is indexing."""
    organization = json.loads(pkg_dict.get("data_dict") or "{}").get("organization")
    return (organization or {}).get("title") or None


def _template_helpers() -> dict[str, Any]:
    return {name: getattr(module, name) for module, names in (
        (helpers, helpers.__all__), (places, ["territory_place"])) for name in names}


@tk.blanket.actions
@tk.blanket.cli
@tk.blanket.helpers(_template_helpers)
@tk.blanket.validators
@tk.blanket.auth_functions
class TerritoriesPlugin(Translation, DefaultOrganizationForm, p.SingletonPlugin):
    """Communes, EPCI, départements and régions as organisations in a tree."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IGroupForm, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IConfigurable
    def configure(self, config):
        moves.listen()

    # IGroupForm: the organisation form and schemas
    def group_types(self):
        return ("organization",)

    def is_organization(self) -> bool:
        return True

    def group_form(self) -> str:
        return "organization/snippets/territory_form.html"

    def _with_territory_fields(self, schema: dict) -> dict:
        keep = tk.get_validator("territory_field")
        to_extras = tk.get_converter("convert_to_extras")
        for name in TERRITORY_FIELDS:
            schema[name] = [keep, tk.get_validator("unicode_safe"), to_extras]
        schema["siret"] = [tk.get_validator("territory_siret"),
                           tk.get_validator("unicode_safe"), to_extras]
        keep_name = tk.get_validator("territory_name")
        schema["name"] = [keep_name] + schema["name"]
        schema["title"] = [keep_name] + schema["title"]
        schema["__before"] = [tk.get_validator("territory_parent")]
        schema["groups"] = {"name": [tk.get_validator("not_empty"),
                                     tk.get_validator("unicode_safe")],
                            "capacity": [tk.get_validator("ignore_missing")],
                            "__extras": [tk.get_validator("ignore")]}
        return schema

    def create_group_schema(self):
        return self._with_territory_fields(super().create_group_schema())

    def update_group_schema(self):
        return self._with_territory_fields(super().update_group_schema())

    def show_group_schema(self):
        """Core's, without ``no_loops_in_hierarchy`` (it loads every
        organisation to show one: a second with 36 000 territories)."""
        schema = super().show_group_schema()
        schema["groups"] = {"name": [], "capacity": [], "__extras": [tk.get_validator("keep_extras")]}
        # extras with their key and value in the open (core keeps them whole
        # under __extras), for convert_from_extras to find the territory's
        schema["extras"] = {"key": [], "value": [],
                            "__extras": [tk.get_validator("keep_extras")]}
        from_extras = tk.get_converter("convert_from_extras")
        ignore_missing = tk.get_validator("ignore_missing")
        for name in TERRITORY_FIELDS + ["siret"]:
            schema[name] = [from_extras, ignore_missing]
        return schema

    # IPermissionLabels: a dataset carries the labels of its organisation's
    # ancestors, a user those of the organisations they belong to directly —
    # a handful either way, whatever the size of the territory
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        labels = DefaultPermissionLabels().get_dataset_labels(dataset_obj)
        if labels != ["public"] and dataset_obj.owner_org:
            labels += [f"cascade-{a['id']}" for a in tree.ancestors(dataset_obj.owner_org)]
        return labels

    def get_user_dataset_labels(self, user_obj) -> list[str]:
        labels = ["public"]
        if not user_obj or user_obj.is_anonymous:
            return labels
        labels.append(f"creator-{user_obj.id}")
        cascading = set(_cascading_roles())
        for org_id, capacity in tree.direct_memberships_with_roles(user_obj.id):
            labels.append(f"member-{org_id}")
            if capacity in cascading:
                labels.append(f"cascade-{org_id}")
        if authz.check_config_permission("allow_dataset_collaborators"):
            datasets = tk.get_action("package_collaborator_list_for_user")(
                {"ignore_auth": True}, {"id": user_obj.id})
            labels.extend(f"collaborator-{d['package_id']}" for d in datasets)
        return labels

    # IPackageController: an organisation page with ?ext_territoires=1 lists
    # the datasets of the territories below too
    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        if not (search_params.get("extras") or {}).get("ext_territoires"):
            return search_params
        fq = search_params.get("fq") or ""
        match = re.search(r'owner_org:"([^"]+)"', fq)
        group = model.Group.get(match.group(1)) if match else None
        if match and group is not None:
            search_params["fq"] = fq.replace(
                match.group(0), f'{TERRITORIES_FIELD}:"{group.name}"')
        return search_params

    # IPackageController: the territories a dataset belongs to (organisation
    # pages listing sub-territories, the "Territoire" facet) and their titles
    # as searchable text, from one ancestors query
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        owner = pkg_dict.get("owner_org")
        if owner:
            above = tree.ancestors(owner)
            names = [a["name"] for a in above]
            if pkg_dict.get("organization"):
                names.append(pkg_dict["organization"])
            pkg_dict[TERRITORIES_FIELD] = names
            titles = [a["title"] for a in above if a["title"]]
            if titles:
                pkg_dict[ABOVE_FIELD] = titles
            publisher = _publisher_title(pkg_dict)
            if publisher:
                pkg_dict[PUBLISHER_FIELD] = [publisher]
        covered = territory.covered(pkg_dict.get(CODE_FIELD), owner, tree.territories_named)
        if covered:
            pkg_dict[LEVEL_FIELD] = covered["level"]
            pkg_dict[CODE_FIELD] = covered["code"]
        return pkg_dict

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        """Territories by their title in the territory facet."""
        facet = search_results.get("search_facets", {}).get(TERRITORIES_FIELD)
        items = (facet or {}).get("items", [])
        titles = places.titles_of([i["name"] for i in items])
        for item in items:
            item["display_name"] = titles.get(item["name"]) or item["display_name"]
        return search_results

    # IFacets: the territory first (a visitor looks for a place, then a kind
    # of data), core's and the other plugins' facets after it
    def dataset_facets(self, facets_dict: OrderedDict, package_type: str) -> OrderedDict:
        ordered = OrderedDict([(TERRITORIES_FIELD, tk._("Territory"))])
        ordered.update((k, v) for k, v in facets_dict.items() if k != TERRITORIES_FIELD)
        return ordered

    def organization_facets(self, facets_dict, organization_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    def group_facets(self, facets_dict, group_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    # IOrganizationController: the territory table follows every change of an
    # organisation (moves in the tree, and the datasets below, follow through
    # ``moves``, whatever the path)
    def edit(self, entity: model.Group) -> None:
        tree.refresh_table(entity.id)
        places.follow_renaming(entity)

    def create(self, entity: model.Group) -> None:
        tree.refresh_table(entity.id)

    def delete(self, entity: model.Group) -> None:
        tree.refresh_table(entity.id, whole=True)
