"""/guides: the guides for each actor, and their edition by sysadmins."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

__all__ = ["guides"]

guides = Blueprint("guides", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def index():
    found = tk.get_action("opendatalocale_guide_list")(_context(), {})
    return tk.render("guides/index.html", {"guides": found})


def read(slug: str):
    try:
        found = tk.get_action("opendatalocale_guide_show")(_context(), {"slug": slug})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Unknown guide: {slug}").format(slug=slug))
    others = [g for g in tk.get_action("opendatalocale_guide_list")(_context(), {})
              if g["slug"] != slug]
    return tk.render("guides/read.html", {"guide": found, "others": others})


def _may_edit(slug: str) -> None:
    try:
        tk.check_access("opendatalocale_guide_update", _context(), {"slug": slug})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Only the portal's administrators edit the guides"))


def edit(slug: str):
    _may_edit(slug)
    try:
        found = tk.get_action("opendatalocale_guide_show")(_context(), {"slug": slug})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Unknown guide: {slug}").format(slug=slug))
    errors: dict = {}
    values = found
    if tk.request.method == "POST":
        form = tk.request.form
        values = dict(found, **{key: form.get(key, "") for key in
                                ("title", "audience", "summary", "body")})
        try:
            tk.get_action("opendatalocale_guide_update")(_context(), dict(values, slug=slug))
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(tk._("The guide is saved."))
            return tk.redirect_to("guides.read", slug=slug)
    return tk.render("guides/edit.html", {"guide": found, "values": values,
                                          "errors": errors}), (409 if errors else 200)


def reset(slug: str):
    _may_edit(slug)
    try:
        tk.get_action("opendatalocale_guide_reset")(_context(), {"slug": slug})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Unknown guide: {slug}").format(slug=slug))
    tk.h.flash_success(tk._("The guide has its original text again."))
    return tk.redirect_to("guides.read", slug=slug)


guides.add_url_rule("/guides", view_func=index, endpoint="index")
guides.add_url_rule("/guides/<slug>", view_func=read, endpoint="read")
guides.add_url_rule("/guides/<slug>/modifier", view_func=edit, endpoint="edit",
                    methods=["GET", "POST"])
guides.add_url_rule("/guides/<slug>/reinitialiser", view_func=reset, endpoint="reset",
                    methods=["POST"])
