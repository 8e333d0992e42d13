"""The pages of online entry: where a draft starts (a new dataset of a type,
a new file of a dataset, an uploaded file reopened) and the grid itself."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, catalogue
from ckanext.opendatalocale.scdl.entry import grid_columns
from ckanext.opendatalocale.scdl.territory import code_of_organization
from ckanext.opendatalocale.translation import render

from . import drafts, linked
from .logic.action import MAX_PAGE

__all__ = ["scdl_entry"]

scdl_entry = Blueprint("scdl_entry", __name__)

PAGE_SIZE = 20


def _user() -> model.User:
    user = model.User.get(tk.current_user.name) if tk.current_user.is_authenticated else None
    if user is None:
        return tk.abort(403, tk._("Log in to type data in the portal."))
    return user


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name}


def _entry_of(slug: str):
    try:
        return catalogue().get(slug)
    except UnknownSchema:
        return tk.abort(404, tk._("Unknown SCDL type."))


def _login_first(next_url: str):
    return tk.redirect_to(tk.h.url_for("user.login", came_from=next_url))


@scdl_entry.route("/socle-commun/<slug>/saisir")
def start(slug: str):
    """A new dataset of the type, typed in the grid, for ``organisation``
    (else the only organisation the person publishes for; else she chooses)."""
    entry = _entry_of(slug)
    if not tk.current_user.is_authenticated:
        return _login_first(tk.h.url_for("scdl_entry.start", slug=slug,
                                         organisation=tk.request.args.get("organisation")))
    user = _user()
    organisations = tk.get_action("organization_list_for_user")(
        _context(), {"permission": "create_dataset"})
    wanted = tk.request.args.get("organisation")
    chosen = [o for o in organisations if wanted in (o["name"], o["id"])] if wanted else \
        (organisations if len(organisations) == 1 else [])
    if not chosen:
        if wanted:
            return tk.abort(403, tk._("You cannot publish for this organisation."))
        return tk.render("scdl_entry/choose.html", {"entry": entry,
                                                    "organisations": organisations})
    organisation = chosen[0]
    draft = drafts.open_new(user.id, organisation["id"], entry.slug, entry.latest.version)
    return tk.redirect_to("scdl_entry.grid", entry_id=draft)


def _dataset(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


@scdl_entry.route("/dataset/<id>/saisir", methods=["POST"])
def new_file(id: str):
    """A new file of an SCDL dataset, typed in the grid."""
    user = _user()
    dataset = _dataset(id)
    entry = _entry_of(dataset["type"])
    try:
        tk.check_access("resource_create", _context(), {"package_id": dataset["id"]})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the dataset's editors can add a file to it."))
    draft = drafts.open_new(user.id, dataset["owner_org"], entry.slug, entry.latest.version,
                            package_id=dataset["id"])
    return tk.redirect_to("scdl_entry.grid", entry_id=draft)


@scdl_entry.route("/dataset/<id>/resource/<resource_id>/saisir", methods=["POST"])
def reopen(id: str, resource_id: str):
    """An uploaded SCDL file reopened in the grid: its rows, to add or correct."""
    user = _user()
    dataset = _dataset(id)
    resource = next((r for r in dataset["resources"] if r["id"] == resource_id), None)
    if resource is None:
        return tk.abort(404, tk._("Resource not found"))
    try:
        tk.check_access("resource_update", _context(), {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the dataset's editors can change its files."))
    entry = _entry_of(dataset["type"])
    version = _version_of(entry, resource)
    try:
        if linked.is_link(resource):
            with linked.downloaded(resource) as path:
                draft = drafts.open_file(user.id, dataset["owner_org"], entry.slug, version,
                                         resource, path)
        else:
            draft = drafts.open_file(user.id, dataset["owner_org"], entry.slug, version,
                                     resource)
    except linked.Unfetchable as e:
        tk.h.flash_error(render(e.message))   # the check's own words: why, what to do
        return _resource_page(dataset, resource_id)
    except drafts.TooLarge:
        tk.h.flash_error(tk._("This file has more than {num} rows: change it in a spreadsheet "
                              "and upload it.").format(num=drafts.MAX_ROWS))
        return _resource_page(dataset, resource_id)
    except drafts.Unreadable:
        tk.h.flash_error(tk._("This file cannot be read as a table: it cannot be opened in "
                              "the grid. Replace it by a CSV or Excel file."))
        return _resource_page(dataset, resource_id)
    return tk.redirect_to("scdl_entry.grid", entry_id=draft)


def _version_of(entry, resource: dict[str, Any]) -> str:
    url = resource.get("schema") or ""
    resolved = catalogue().resolve_url(url) if url else None
    return resolved[1].version if resolved and resolved[0].slug == entry.slug \
        else entry.latest.version


def _resource_page(dataset: dict[str, Any], resource_id: str):
    return tk.redirect_to(f"{dataset['type']}_resource.read", id=dataset["name"],
                          resource_id=resource_id)


def _known(owner_org: str) -> dict[str, Optional[str]]:
    """What the organisation is known by: its name, SIRET (its ``siret``
    extra, when given) and, for a commune, its INSEE code."""
    group = model.Group.get(owner_org)
    if group is None:
        return {}
    extras = group.extras or {}
    return {"name": group.title or group.name, "siret": extras.get("siret") or None,
            "insee": code_of_organization(group.name) if group.name.startswith("commune-")
            else None}


def _api(action: str) -> str:
    return tk.h.url_for("api.action", ver=3, logic_function=action)


def _strings() -> dict[str, str]:
    """What the grid's script says, in the page's language."""
    _ = tk._
    return {
        "grid": _("Rows of the file"), "yes": _("yes"), "no": _("no"),
        "saving": _("Saving…"), "saved": _("Row {row} saved."),
        "valid_row": _("Row {row} saved: it conforms."),
        "invalid_row": _("Row {row} saved, with {num} error(s) to correct:"),
        "converted": _("“{before}” became “{after}” ({label})."),
        "session": _("Your session has ended: log in again in a new tab, then click "
                     "“Try again”. Your rows are kept."),
        "log_in": _("Log in (new tab)"), "retry": _("Try again"),
        "gone": _("This draft no longer exists (it was saved or abandoned, perhaps in "
                  "another tab)."),
        "failed": _("The portal could not save: {message}"),
        "select_row": _("Choose a cell of the row to delete first."),
        "confirm_delete": _("Delete row {row}?"), "deleted": _("Row deleted."),
        "added_row": _("Row added at the end."),
        "pasted": _("{num} row(s) added, {converted} value(s) converted."),
        "ignored": _("Columns left out (the schema does not have them): {names}."),
        "row_of": _("Row {row} of {total}"), "previous": _("Previous row"),
        "next": _("Next row"), "new_row": _("New row"), "save_row": _("Save this row"),
        "no_row": _("No row yet: add one."), "choose": _("— choose —"),
        "saved_file": _("Saved. Opening the file's page…"),
        "required": _("required"),
        "error_at": _("Row {row}, {column}:"),
        "page_first": _("First"), "page_first_title": _("First page"),
        "page_last": _("Last"), "page_last_title": _("Last page"),
        "page_prev": _("Previous"), "page_prev_title": _("Previous page"),
        "page_next": _("Next"), "page_next_title": _("Next page"),
        "page_title": _("Show page"), "page_size": _("Rows per page"),
        "showing": _("Showing"), "of": _("of"), "rows": _("rows"), "pages": _("pages"),
        "loading": _("Loading"), "error": _("Error"),
    }


@scdl_entry.route("/saisie/<entry_id>")
def grid(entry_id: str):
    _user()
    found = drafts.get(entry_id)
    if found is None:
        return tk.abort(404, tk._("This draft no longer exists: it was saved or abandoned."))
    try:
        tk.check_access("scdl_entry_rows", _context(), {"id": entry_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("This draft is another person's, or you can no longer "
                                  "write its file."))
    entry = _entry_of(found["type"])
    version = entry.version(found["version"])
    columns = grid_columns(version.table_schema(), _known(found["owner_org"]))
    dataset = resource = None
    if found["package_id"]:
        dataset = tk.get_action("package_show")(_context(), {"id": found["package_id"]})
        resource = next((r for r in dataset["resources"] if r["id"] == found["resource_id"]),
                        None)
    organisation = model.Group.get(found["owner_org"])
    config = {
        "entry": entry_id, "type": entry.slug, "version": version.version,
        "page_size": PAGE_SIZE, "max_page": MAX_PAGE,
        "columns": [dict(c.as_dict(), expects=render(c.expects)) for c in columns],
        "api": {name: _api(f"scdl_entry_{name}")
                for name in ("rows", "update", "check", "paste", "save")},
        "login": tk.h.url_for("user.login"), "strings": _strings(),
    }
    return tk.render("scdl_entry/grid.html", {
        "draft": found, "entry": entry, "version": version, "config": config,
        "columns": columns, "dataset": dataset, "resource": resource,
        "organisation": organisation, "rows": drafts.count(entry_id)})


@scdl_entry.route("/saisie/<entry_id>/abandonner", methods=["POST"])
def abandon(entry_id: str):
    _user()
    found = drafts.get(entry_id)
    if found is None:   # saved or abandoned meanwhile (another tab)
        return tk.redirect_to("home.index")
    try:
        tk.get_action("scdl_entry_delete")(_context(), {"id": entry_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("This draft is another person's."))
    tk.h.flash_success(tk._("The draft is abandoned: no file was changed."))
    if found["package_id"]:
        dataset = _dataset(found["package_id"])
        if found["resource_id"]:
            return _resource_page(dataset, found["resource_id"])
        return tk.redirect_to(f"{dataset['type']}.read", id=dataset["name"])
    return tk.redirect_to("home.index")
