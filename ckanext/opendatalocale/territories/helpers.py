"""Template helpers of the territory pages."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import tree

__all__ = ["territory_ancestors", "territory_children", "territory_fields", "territory_placed",
           "territory_summary",
           "territory_level_label", "territory_level_options", "territory_roots",
           "territories_named"]

def _levels() -> dict[str, str]:
    return {"region": tk._("Region"), "departement": tk._("Département"),
            "epci": tk._("EPCI"), "commune": tk._("Commune")}


def territory_ancestors(group_id: str) -> list[dict[str, Any]]:
    return tree.ancestors(group_id)


def territory_placed(group_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Level, parent, obligation of many organisations at once (by id)."""
    return tree.placed(group_ids)


def territory_fields(group_id: str) -> dict[str, str]:
    return tree.territory_fields(group_id)


def territory_children(group_id: str) -> list[dict[str, Any]]:
    """The children with their public dataset counts (one facet query)."""
    children = tree.children(group_id)
    if not children:
        return []
    counts = tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "*:*", "fq": "capacity:public", "rows": 0,
        "facet.field": ["vocab_territories"], "facet.limit": -1,
        "fq_list": ["vocab_territories:(" + " OR ".join(
            f'"{c["name"]}"' for c in children) + ")"]})
    found = counts["facets"].get("vocab_territories", {})
    for child in children:
        child["dataset_count"] = found.get(child["name"], 0)
    return children


def territory_level_label(level: str) -> str:
    return _levels().get(level or "", level or "")


def territory_level_options() -> list[dict[str, str]]:
    return [{"value": "", "text": tk._("Not a territory")}] + [
        {"value": value, "text": text} for value, text in _levels().items()]


def territory_roots() -> list[dict[str, Any]]:
    return tree.roots()


def territory_summary(organization: dict[str, Any]) -> str | None:
    """What a territory is, in one line, for an organisation without a
    description: "Commune de Rennes Métropole, 220 488 habitants"."""
    fields = tree.territory_fields(organization["id"])
    level = fields.get("territory_level")
    if not level:
        return None
    parent = tree.parent_of(organization["id"])
    text = territory_level_label(level)
    if parent:
        text = tk._("{level} in {parent}").format(level=text, parent=parent["title"])
    population = fields.get("population") or ""
    if population.isdigit() and int(population):
        count = int(population)
        text += ", " + tk.ungettext("{num} inhabitant", "{num} inhabitants", count).format(
            num=f"{count:,}".replace(",", "\u202f"))
    return text


def territories_named(names_or_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The territory organisations among these names or ids, by name and by
    id (``{id, name, title, level, code, siren}``): how the other plugins
    (datasets, DCAT) look territories up."""
    return tree.territories_named(names_or_ids)
