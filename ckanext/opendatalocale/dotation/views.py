"""« Dotation de données »: a sysadmin imports a national file and follows
its progress; whoever publishes for a collectivité publishes its proposals."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, jsonify
from werkzeug.utils import secure_filename

import ckan.plugins.toolkit as tk

from . import imports

__all__ = ["scdl_dotation"]

scdl_dotation = Blueprint("scdl_dotation", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _sysadmin_only():
    try:
        tk.check_access("scdl_dotation_import", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins import national files."))
    return None


def _save_upload(upload) -> str:
    """The uploaded national file in the work folder, at most max_bytes."""
    limit = int(tk.config.get(imports.CONFIG + "max_bytes", 2_000_000_000))
    folder = imports.work_folder() / str(uuid.uuid4())
    folder.mkdir()
    path = folder / (secure_filename(upload.filename or "") or "national.csv")
    size = 0
    with path.open("wb") as out:
        while True:
            chunk = upload.stream.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink()
                folder.rmdir()
                raise tk.ValidationError({"upload": [tk._(
                    "The file is larger than the portal accepts ({size} MB at most).").format(
                        size=limit // 1_000_000)]})
            out.write(chunk)
    return str(path)


@scdl_dotation.route("/ckan-admin/dotation", methods=["GET", "POST"])
def index() -> Any:
    refused = _sysadmin_only()
    if refused is not None:
        return refused
    errors: dict = {}
    values = dict(tk.request.form) if tk.request.method == "POST" else {}
    if tk.request.method == "POST":
        upload = tk.request.files.get("upload")
        context = _context()
        data = {k: values.get(k, "") for k in ("source", "url", "territory", "file_date")}
        try:
            if upload is not None and upload.filename:
                context["dotation_path"] = _save_upload(upload)
            elif not data["url"].strip():
                raise tk.ValidationError({"url": [tk._(
                    "Give the national file: its address, or the file itself.")]})
            started = tk.get_action("scdl_dotation_import")(context, data)
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            return tk.redirect_to("scdl_dotation.progress", import_id=started["id"])
    return tk.render("scdl_dotation/index.html", {
        "sources": tk.get_action("scdl_dotation_source_list")(_context(), {}),
        "imports": [tk.get_action("scdl_dotation_import_show")(_context(), {"id": i["id"]})
                    for i in imports.recent()],
        "errors": errors, "values": values})


@scdl_dotation.route("/ckan-admin/dotation/<import_id>")
def progress(import_id: str):
    refused = _sysadmin_only()
    if refused is not None:
        return refused
    try:
        shown = tk.get_action("scdl_dotation_import_show")(_context(), {"id": import_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Unknown import."))
    if tk.request.args.get("format") == "json":
        return jsonify(shown)
    return tk.render("scdl_dotation/progress.html", {"shown": shown})


@scdl_dotation.route("/dataset/<id>/publier", methods=["POST"])
def publish(id: str):
    came_from = tk.request.form.get("came_from") or ""
    if not came_from.startswith("/") or came_from.startswith("//"):
        came_from = ""
    try:
        dataset = tk.get_action("scdl_dotation_publish")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("This dataset is not a proposal of a dotation."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._(
            "Only those who publish for this organisation publish its proposals."))
    except tk.ValidationError as e:
        tk.h.flash_error(" ".join(str(m) for v in e.error_dict.values() for m in v))
        return tk.redirect_to(came_from or tk.url_for("socle_commun.index"))
    tk.h.flash_success(tk._("“{title}” is published.").format(title=dataset["title"]))
    return tk.redirect_to(came_from or tk.url_for(dataset["type"] + ".read",
                                                  id=dataset["name"]))
