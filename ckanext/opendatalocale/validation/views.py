"""The resource page's "Check again" button: a check that ended in an error
(stopped, lost, the queue unreachable) can be run anew without re-uploading."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

__all__ = ["scdl_validation"]

scdl_validation = Blueprint("scdl_validation", __name__)


@scdl_validation.route("/dataset/<id>/resource/<resource_id>/verifier", methods=["POST"])
def check_again(id: str, resource_id: str):
    context = {"user": tk.current_user.name}
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
    return tk.redirect_to(f"{dataset['type']}_resource.read", id=dataset["name"],
                          resource_id=resource_id)
