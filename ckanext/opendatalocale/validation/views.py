"""The resource page's buttons: "Check again" (a check that ended in an
error can be run anew without re-uploading), and the automatic correction:
prepare it, read what it would change, download the corrected file, publish
it; the original file a published correction replaced."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk

from . import repairs, runner
from .helpers import scdl_repair_preview
from .wording import render

__all__ = ["scdl_validation"]

scdl_validation = Blueprint("scdl_validation", __name__)

# a download is a file, never a page of the portal
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name}


def _dataset_and_resource(context: dict[str, Any], id: str,
                          resource_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        dataset = tk.get_action("package_show")(dict(context), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Resource not found"))
    resource = next((r for r in dataset["resources"] if r["id"] == resource_id), None)
    if resource is None:
        return tk.abort(404, tk._("Resource not found"))
    return dataset, resource


def _resource_page(dataset: dict[str, Any], resource_id: str):
    return tk.redirect_to(f"{dataset['type']}_resource.read", id=dataset["name"],
                          resource_id=resource_id)


def _editor_only(context: dict[str, Any], resource_id: str) -> None:
    try:
        tk.check_access("resource_update", dict(context), {"id": resource_id})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Only the dataset's editors can correct its files."))


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/verifier", methods=["POST"])
def check_again(id: str, resource_id: str):
    context = _context()
    try:
        dataset = tk.get_action("package_show")(context, {"id": id})
        if resource_id not in {r["id"] for r in dataset["resources"]}:
            raise tk.ObjectNotFound()
        tk.get_action("resource_validation_run")(context, {"resource_id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the dataset's editors can check its files again."))
    except tk.ValidationError as e:
        return tk.abort(400, " ".join(str(m) for messages in e.error_dict.values()
                                      for m in messages))
    tk.h.flash_success(tk._("The file is being checked again."))
    return _resource_page(dataset, resource_id)


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/corriger",
                       methods=["GET", "POST"])
def repair(id: str, resource_id: str):
    """What the correction would change (GET); prepare it (POST)."""
    context = _context()
    dataset, resource = _dataset_and_resource(context, id, resource_id)
    _editor_only(context, resource_id)
    validation = runner.status_of(resource_id)
    row = repairs.state(resource_id)
    current = repairs.is_current(row, validation)
    if tk.request.method == "POST":
        if not repairs.offered(resource, validation):
            tk.h.flash_error(tk._("Only a file that was checked and does not conform can be "
                                  "corrected."))
            return _resource_page(dataset, resource_id)
        if not (row and row["status"] == repairs.READY and current):
            repairs.start(resource)
        return tk.redirect_to("scdl_validation.repair", id=dataset["name"],
                              resource_id=resource_id)
    return tk.render("scdl_validation/repair.html", {
        "pkg_dict": dataset, "dataset_type": dataset["type"], "res": resource,
        "validation": validation, "repair": row, "current": current,
        "offered": repairs.offered(resource, validation),
        "preview": scdl_repair_preview(row) if row and row["status"] == repairs.READY
        else None})


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/corriger/publier",
                       methods=["POST"])
def publish(id: str, resource_id: str):
    context = _context()
    dataset, resource = _dataset_and_resource(context, id, resource_id)
    _editor_only(context, resource_id)
    try:
        repairs.publish(context, resource_id)
    except repairs.NotPublished as e:
        tk.h.flash_error(render(e.message))
        return tk.redirect_to("scdl_validation.repair", id=dataset["name"],
                              resource_id=resource_id)
    except tk.ValidationError as e:   # CKAN refused the file (its size…): nothing changed
        tk.h.flash_error(" ".join(str(m) for messages in e.error_dict.values()
                                  for m in messages))
        return tk.redirect_to("scdl_validation.repair", id=dataset["name"],
                              resource_id=resource_id)
    tk.h.flash_success(tk._("The corrected file is published; the original file stays "
                            "downloadable from this page."))
    return _resource_page(dataset, resource_id)


def _download(path, name: str, mimetype: str):
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                         max_age=0)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/corriger/fichier.csv")
def repaired_file(id: str, resource_id: str):
    """The corrected file before it is published (the editors')."""
    context = _context()
    dataset, resource = _dataset_and_resource(context, id, resource_id)
    _editor_only(context, resource_id)
    row = repairs.state(resource_id)
    path = repairs.repaired_path(resource_id)
    if not row or row["status"] != repairs.READY or not path.is_file():
        return tk.abort(404, tk._("No corrected file is ready for this resource."))
    stem = repairs.repaired_name(resource).rsplit(".", 1)[0]
    return _download(path, f"{stem}-corrige.csv", "text/csv")


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/original")
def original(id: str, resource_id: str):
    """The file a published correction replaced: whoever may see the
    resource may download it."""
    context = _context()
    dataset, resource = _dataset_and_resource(context, id, resource_id)
    found = repairs.original_of(resource)
    if found is None:
        return tk.abort(404, tk._("This resource has no original file: it was not corrected "
                                  "automatically."))
    return _download(found["path"], found["name"], "application/octet-stream")
