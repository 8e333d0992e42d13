"""Pages of the socle commun: pick a type, read its guide, download its templates."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.templates import csv_template, xlsx_template

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
    """“Add a dataset of the socle commun”: one card per type."""
    return tk.render("socle_commun/index.html", {"entries": catalogue().entries})


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
