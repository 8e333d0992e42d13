"""« Fichiers consolidés » : a territory's admins turn its consolidations on
or off and see what each holds."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue

__all__ = ["scdl_consolidation"]

scdl_consolidation = Blueprint("scdl_consolidation", __name__)


def _context():
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


@scdl_consolidation.route("/organization/<id>/consolidation", methods=["GET", "POST"])
def settings(id: str):
    try:
        organization = tk.get_action("organization_show")(_context(), {"id": id})
        tk.check_access("scdl_consolidation_update", _context(), {"territory": organization["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Territory not found."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the territory's administrators manage its "
                                  "consolidated files."))
    if tk.request.method == "POST":
        on = tk.request.form.get("enabled") == "true"
        try:
            tk.get_action("scdl_consolidation_update")(
                _context(), {"territory": organization["id"], "enabled": on})
        except tk.ValidationError as e:
            tk.h.flash_error(" ".join(str(m) for v in e.error_dict.values() for m in v))
        else:
            tk.h.flash_success(tk._(
                "Consolidation is on: the files are being built, they appear below in a "
                "few moments.") if on else tk._(
                "Consolidation is off: the consolidated files stay as they are, no longer "
                "rebuilt."))
        return tk.redirect_to("scdl_consolidation.settings", id=organization["name"])
    shown = tk.get_action("scdl_consolidation_show")(_context(),
                                                     {"territory": organization["id"]})
    titles = {slug: catalogue().get(slug).title for slug in catalogue().slugs}
    return tk.render("scdl_consolidation/settings.html", {
        "organization": organization, "group_dict": organization, "shown": shown,
        "titles": titles})


@scdl_consolidation.route("/organization/<id>/catalogue-scdl", methods=["GET", "POST"])
def catalogue_page(id: str):
    try:
        organization = tk.get_action("organization_show")(_context(), {"id": id})
        tk.check_access("scdl_catalogue_update", _context(), {"organization": organization["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Territory not found."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the organisation's administrators manage its "
                                  "catalogue."))
    if tk.request.method == "POST":
        on = tk.request.form.get("enabled") == "true"
        tk.get_action("scdl_catalogue_update")(
            _context(), {"organization": organization["id"], "enabled": on})
        tk.h.flash_success(tk._(
            "The catalogue is being written: it appears below in a few moments.") if on
            else tk._("The catalogue is no longer rewritten: it stays as it is."))
        return tk.redirect_to("scdl_consolidation.catalogue_page", id=organization["name"])
    shown = tk.get_action("scdl_catalogue_show")(_context(),
                                                 {"organization": organization["id"]})
    return tk.render("scdl_consolidation/catalogue.html", {
        "organization": organization, "group_dict": organization, "shown": shown})
