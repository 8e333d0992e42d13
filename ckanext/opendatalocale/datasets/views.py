"""Pages of the socle commun: pick a type, read its guide, download its templates."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.templates import csv_template, xlsx_template

from . import chooser

__all__ = ["socle_commun"]

socle_commun = Blueprint("socle_commun", __name__, url_prefix="/socle-commun")


def _version(slug: str):
    """The catalogue entry and the requested (or current) version, or a 404
    that names what exists."""
    try:
        entry = catalogue().get(slug)
        return entry, entry.version(tk.request.args.get("version") or None)
    except UnknownSchema as e:
        return tk.abort(404, tk._("Unknown SCDL dataset type “{name}”. Known types: "
                                  "{known}.").format(name=slug, known=", ".join(e.known)))
    except UnknownVersion as e:
        return tk.abort(404, tk._("Unknown version “{version}”. Supported versions: "
                                  "{known}.").format(version=e.version,
                                                     known=", ".join(e.known)))


@socle_commun.route("/")
def index():
    """“Add a dataset of the socle commun”: one card per type, for the
    organisation the user publishes for (``?organisation=<name>``, by
    default the first of hers), with where each type stands for it."""
    organizations = chooser.publishing_organizations()
    wanted = tk.request.args.get("organisation") or None
    chosen = None
    if wanted is not None:
        chosen = next((o for o in organizations if wanted in (o["name"], o["id"])), None)
        if chosen is None:
            # a NUL byte cannot even be asked to PostgreSQL: no such organisation
            chosen = None if "\x00" in wanted else chooser.organization(wanted[:200])
            if chosen is None:
                return tk.abort(404, tk._("There is no organisation “{name}”.").format(
                    name=wanted[:100]))
            if not tk.g.user:
                return tk.abort(403, tk._("Log in to publish for an organisation."))
            try:
                tk.check_access("package_create", {"user": tk.g.user},
                                {"owner_org": chosen["id"]})
            except tk.NotAuthorized:
                return tk.abort(403, tk._("You cannot publish for “{name}”: you are not an "
                                          "editor of this organisation.").format(
                                              name=chosen["title"]))
            organizations = [chosen] + organizations
    elif organizations:
        chosen = organizations[0]
    cards = chooser.type_states(chosen) if chosen else None
    return tk.render("socle_commun/index.html", {
        "entries": catalogue().entries, "organizations": organizations,
        "groups": chooser.publishing_groups(organizations),
        "chosen": chosen, "cards": {c["slug"]: c for c in cards} if cards else {}})


@socle_commun.route("/<slug>/")
def guide(slug: str):
    entry, version = _version(slug)
    return tk.render("socle_commun/guide.html", {
        "entry": entry, "version": version, "table_schema": version.table_schema()})


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@socle_commun.route("/<slug>/modele.csv")
def template_csv(slug: str):
    entry, version = _version(slug)
    return _download(csv_template(version.table_schema()), "text/csv; charset=utf-8",
                     f"modele-{entry.slug}-{version.version}.csv")


@socle_commun.route("/<slug>/modele.xlsx")
def template_xlsx(slug: str):
    entry, version = _version(slug)
    return _download(
        xlsx_template(version.table_schema()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"modele-{entry.slug}-{version.version}.xlsx")
