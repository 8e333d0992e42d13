"""Template helpers of the SCDL dataset types."""
from __future__ import annotations

import uuid
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, catalogue
from ckanext.opendatalocale.scdl.patterns import describe_pattern
from ckanext.opendatalocale.scdl.wording import Translator

from .chooser import scdl_organization_choices, scdl_published_by

__all__ = ["scdl_entries", "scdl_entry", "scdl_title", "scdl_schema_versions",
           "scdl_field_type", "scdl_field_constraints", "humanize_entity_type",
           "scdl_organization_choices", "scdl_published_by", "scdl_error_page",
           "scdl_form_token"]

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
    return labels.get(_lang()) or labels.get("fr") or next(iter(labels.values()), None) or ""


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
        # in words, never the regular expression (scdl.patterns), in the page's language
        out.append(tk._("Expected form: {description}.").format(
            description=Translator(tk._, tk.ungettext).render(
                describe_pattern(c["pattern"], field.get("example")))))
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


# the views of a dataset (or of its files) that change it
_DATASET_CHANGES = {"edit", "delete", "resources", "new", "views", "edit_view",
                    "new_view", "groups", "collaborators", "collaborator_new",
                    "collaborator_delete"}
_GROUP_CHANGES = {"edit", "delete", "members", "member_new", "member_delete",
                  "member_dump", "bulk_process", "manage_members"}


def _readable(action: str, id_: str) -> Optional[dict[str, Any]]:
    """The object as the visitor may see it, or None: an error page names
    only what its visitor could read anyway (a private dataset's title never
    reaches someone outside its organisation)."""
    params: dict[str, Any] = {"id": id_}
    if action != "package_show":
        params.update(include_datasets=False, include_users=False, include_extras=False)
    try:
        return tk.get_action(action)({"user": tk.current_user.name, "for_view": True},
                                     params)
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None


def _login_url() -> Optional[str]:
    if tk.current_user.is_authenticated:
        return None
    request = tk.request
    here = request.path + (("?" + request.query_string.decode("utf-8", "replace"))
                           if request.query_string else "")
    return tk.h.url_for("user.login", came_from=here)


def scdl_error_page(code: Any) -> dict[str, Any]:
    """What an error page says, in the visitor's language: a heading, an
    explanation, and where to go (logging in comes back to the page)."""
    try:
        code = int(code[0] if isinstance(code, (list, tuple)) else code)
    except (TypeError, ValueError, IndexError):
        code = 500
    page: dict[str, Any] = {"code": code, "login_url": None, "search_url": None,
                            "heading": None, "text": None, "specific": False}
    try:
        _explain(page)
    except Exception:  # an error page never fails: the generic text stays
        page["specific"] = False
    if not page["heading"] or not page["specific"]:
        page.update(_generic(code))
    if code in (401, 403, 404):
        page["login_url"] = _login_url()
    return page


def _explain(page: dict[str, Any]) -> None:
    request = tk.request
    endpoint = request.endpoint or ""
    args = request.view_args or {}
    blueprint, _dot, view = endpoint.partition(".")
    code = page["code"]
    if "package_type" in args and code in (403, 404):
        _explain_dataset(page, blueprint, view, args)
    elif blueprint in ("organization", "group") and code in (403, 404):
        _explain_group(page, blueprint == "organization", view, args)


def _explain_dataset(page, blueprint, view, args) -> None:
    code = page["code"]
    is_resource = blueprint.endswith("_resource")
    dataset_id = args.get("id")
    dataset = _readable("package_show", dataset_id) if dataset_id else None
    page["search_url"] = tk.h.url_for("dataset.search")
    page["specific"] = True
    if view == "new" and not is_resource and code == 403:
        page["heading"] = tk._("You may not publish datasets")
        page["text"] = tk._("Datasets are published by the editors of an organisation: "
                            "ask an administrator of your organisation to make you an "
                            "editor.")
    elif dataset is None:
        page["heading"] = tk._("This dataset does not exist or is not public")
        page["text"] = (tk._("Check the address. A private dataset is seen only by the "
                             "members of its organisation: log in if you are one.")
                        if tk.current_user.is_anonymous else
                        tk._("Check the address. A private dataset is seen only by the "
                             "members of its organisation."))
    elif code == 404 and is_resource:
        page["heading"] = tk._("This file is not in the dataset “{title}”").format(
            title=tk.h.dataset_display_name(dataset))
        page["text"] = tk._("It may have been removed. The dataset's page lists its files.")
        page["dataset_url"] = tk.h.url_for(f"{dataset['type']}.read", id=dataset["name"])
    elif code == 404 or view not in _DATASET_CHANGES:
        page["specific"] = False
    else:
        organisation = (dataset.get("organization") or {}).get("title") or ""
        page["heading"] = tk._("You may not change the dataset “{title}”").format(
            title=tk.h.dataset_display_name(dataset))
        page["text"] = (tk._("Only the editors and administrators of {organisation} "
                             "change it.").format(organisation=organisation)
                        if organisation else
                        tk._("Only its publisher and the portal's administrators "
                             "change it."))
        page["dataset_url"] = tk.h.url_for(f"{dataset['type']}.read", id=dataset["name"])


def _explain_group(page, is_organization, view, args) -> None:
    code = page["code"]
    group_id = args.get("id")
    if code == 404 or not group_id:
        if code == 403 and view == "new":
            page["specific"] = True
            page["heading"] = (tk._("You may not create an organisation") if is_organization
                               else tk._("You may not create a group"))
            page["text"] = tk._("The portal's administrators create them.")
        return
    group = _readable("organization_show" if is_organization else "group_show", group_id)
    if group is None or view not in _GROUP_CHANGES:
        return
    page["specific"] = True
    title = group.get("display_name") or group.get("title") or group["name"]
    if is_organization:
        page["heading"] = tk._("You may not change the organisation “{title}”").format(
            title=title)
        page["text"] = tk._("Only its administrators, and those of the territories it "
                            "belongs to, change its page and its members. Its editors "
                            "publish its datasets.")
    else:
        page["heading"] = tk._("You may not change the group “{title}”").format(title=title)
        page["text"] = tk._("Only its administrators change it.")
    page["group_url"] = tk.h.url_for(f"{group['type']}.read", id=group["name"])


def _generic(code: int) -> dict[str, Any]:
    texts = {
        400: (tk._("The request could not be understood"),
              tk._("A parameter of the address or of the form is not valid.")),
        401: (tk._("Log in to see this page"), None),
        403: (tk._("You may not see this page"),
              tk._("Your account does not have the rights this page needs.")),
        404: (tk._("Page not found"),
              tk._("Check the address, or look for what you need from the home page.")),
        409: (tk._("The request could not be completed"), None),
        413: (tk._("What was sent is too large"),
              tk._("Send a smaller file, or publish a link to the file.")),
    }
    heading, text = texts.get(code, (tk._("The portal met an error"),
                                     tk._("Try again in a moment. If it goes on, tell the "
                                          "portal's administrators.")))
    return {"heading": heading, "text": text, "specific": False}


def scdl_form_token() -> str:
    """A new one-time token for a resource form (validators.scdl_submitted_once)."""
    return uuid.uuid4().hex
