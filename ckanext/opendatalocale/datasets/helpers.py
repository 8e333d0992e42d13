"""Template helpers of the SCDL dataset types."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, catalogue

from .chooser import scdl_organization_choices, scdl_published_by

__all__ = ["scdl_entries", "scdl_entry", "scdl_title", "scdl_schema_versions",
           "scdl_field_type", "scdl_field_constraints", "humanize_entity_type",
           "scdl_organization_choices", "scdl_published_by"]

def N_(message: str) -> str:
    """Mark a message for extraction: translated where it is shown."""
    return message


# Table Schema types as the guide names them
_TYPES = {
    "string": N_("Text"), "integer": N_("Whole number"), "number": N_("Number"),
    "date": N_("Date (YYYY-MM-DD)"),
    "datetime": N_("Date and time (YYYY-MM-DDTHH:MM:SS)"),
    "time": N_("Time (HH:MM:SS)"), "year": N_("Year (YYYY)"),
    "yearmonth": N_("Year and month"), "boolean": N_("True or false"),
    "array": N_("List"), "object": N_("JSON object"),
    "geopoint": N_("Geographic point"), "geojson": N_("GeoJSON geometry"),
    "duration": N_("Duration"), "any": N_("Any value"),
}


def _lang() -> str:
    try:
        return tk.h.lang() or "fr"
    except Exception:
        return "fr"


def _pick(labels: dict[str, str]) -> str:
    return labels.get(_lang()) or labels.get("fr") or next(iter(labels.values()), "")


def scdl_entries() -> list[dict[str, Any]]:
    return [entry.as_dict() for entry in catalogue().entries]


def scdl_entry(dataset_type: Optional[str]) -> Optional[dict[str, Any]]:
    try:
        return catalogue().get(dataset_type or "").as_dict()
    except UnknownSchema:
        return None


def scdl_title(dataset_type: Optional[str]) -> Optional[str]:
    """The type's title in the page's language, None for a non-SCDL type."""
    entry = scdl_entry(dataset_type)
    return _pick(entry["title"]) if entry else None


def scdl_schema_versions(dataset_type: Optional[str]) -> list[dict[str, str]]:
    """Choices of the resource form's version select, newest first."""
    entry = scdl_entry(dataset_type)
    if not entry:
        return []
    current = entry["default_version"]
    return [{"value": v["version"],
             "text": v["version"] + (tk._(" (current)") if v["version"] == current else "")}
            for v in reversed(entry["versions"])]


def scdl_field_type(field: dict[str, Any]) -> str:
    if field.get("format") == "email":
        return tk._("Email address")
    if field.get("format") == "uri":
        return tk._("Web address (URL)")
    kind = field.get("type", "string")
    return tk._(_TYPES[kind]) if kind in _TYPES else kind


def scdl_field_constraints(field: dict[str, Any]) -> list[str]:
    """The field's constraints, as sentences for the guide."""
    c = field.get("constraints", {})
    out = []
    if c.get("unique"):
        out.append(tk._("Each value must be unique in the file."))
    if "enum" in c:
        out.append(tk._("Allowed values: {values}.").format(
            values=" ; ".join(str(v) for v in c["enum"])))
    if "pattern" in c:
        out.append(tk._("Expected form (regular expression): {pattern}").format(
            pattern=c["pattern"]))
    if "minimum" in c and "maximum" in c:
        out.append(tk._("Between {low} and {high}.").format(low=c["minimum"],
                                                             high=c["maximum"]))
    elif "minimum" in c:
        out.append(tk._("At least {low}.").format(low=c["minimum"]))
    elif "maximum" in c:
        out.append(tk._("At most {high}.").format(high=c["maximum"]))
    if "minLength" in c:
        out.append(tk._("At least {n} characters.").format(n=c["minLength"]))
    if "maxLength" in c:
        out.append(tk._("At most {n} characters.").format(n=c["maxLength"]))
    return out


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str,
                         purpose: str) -> Optional[str]:
    """Wording for the SCDL types: their title ("Délibérations") in menus and
    page titles, "“Délibérations” dataset" in buttons and messages."""
    title = scdl_title(object_type) if entity_type == "package" else None
    if title is None:
        return next_helper(entity_type, object_type, purpose)
    as_list = ("breadcrumb", "content tab", "facet label", "main nav", "page title")
    if purpose in as_list:
        return title
    phrases = {
        "add link": tk._("Add a “{type}” dataset"),
        "create label": tk._("New “{type}” dataset"),
        "create title": tk._("New “{type}” dataset"),
        "edit label": tk._("Edit the “{type}” dataset"),
        "save label": tk._("Save"),
        "update label": tk._("Update"),
        "view label": tk._("View the dataset"),
        "form label": tk._("“{type}” dataset"),
        "search placeholder": tk._("Search “{type}” datasets…"),
        "no any objects": tk._("There are no “{type}” datasets yet."),
        "delete confirmation": tk._(
            "Are you sure you want to delete this “{type}” dataset?"),
        "description placeholder": tk._("What this dataset holds…"),
        "name placeholder": tk._("my-dataset"),
        "my label": tk._("My “{type}” datasets"),
        "no label": tk._("No “{type}” dataset"),
    }
    return phrases.get(purpose, tk._("“{type}” dataset")).format(type=title)
