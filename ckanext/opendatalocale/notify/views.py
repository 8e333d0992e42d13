"""The notifications' pages: a person's choices (a tab of her user page) and
the unsubscribe link of every mail, which works without logging in."""
from __future__ import annotations

from flask import Blueprint

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import messages, notices, settings

__all__ = ["notify"]

notify = Blueprint("notify", __name__)


def _labels() -> dict[str, str]:
    return {
        notices.NONCONFORME: tk._("A file of my organisation is not conformant"),
        notices.INJOIGNABLE: tk._("A linked file of my organisation is unreachable"),
        notices.PERIME_BIENTOT: tk._("A dataset of my organisation will be out of date in 15 days"),
        notices.PERIME: tk._("A dataset of my organisation is out of date"),
        notices.MANQUANT: tk._("My commune, obliged by law, does not publish a type of the "
                               "socle commun (at most once a month)"),
    }


def _digests() -> dict[str, str]:
    return {"weekly": tk._("Every week"), "monthly": tk._("Every month"),
            "never": tk._("Never")}


def _digest_label() -> str:
    return tk._("Digest of my territory’s communes (agents of an EPCI, a département or a "
                "région)")


def preferences(id: str):
    """The choices of the user ``id``: herself or a sysadmin."""
    user = model.User.get(id)
    if user is None or user.state != "active":
        return tk.abort(404, tk._("User not found"))
    me = tk.current_user
    if not me.is_authenticated or (me.id != user.id and not me.sysadmin):
        return tk.abort(403, tk._("Only this person (or a sysadmin) sets her notifications"))
    errors: dict[str, str] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        wanted = set(form.getlist("kind"))
        digest = form.get("digest") or settings.choices(user.id)["digest"]
        if wanted - set(notices.KINDS):
            errors["form"] = tk._("Unknown choice: expected the boxes of this form")
        elif digest not in settings.DIGESTS:
            errors["form"] = tk._("Unknown digest frequency: expected every week, every month "
                                  "or never")
        else:
            settings.save(user.id, [k for k in notices.KINDS if k not in wanted], digest)
            model.Session.commit()
            tk.h.flash_success(tk._("Your notification choices are saved."))
            return tk.redirect_to("notify.preferences", id=user.name)
    return tk.render("notify/preferences.html", {
        "user_dict": tk.get_action("user_show")({"ignore_auth": True}, {"id": user.id}),
        "has_email": bool((user.email or "").strip()), "is_myself": me.id == user.id,
        "is_sysadmin": me.sysadmin, "am_following": False,
        "about_formatted": tk.h.render_markdown(user.about or ""),
        "choices": settings.choices(user.id), "labels": _labels(),
        "digest_label": _digest_label(),
        "digests": _digests(), "errors": errors}), (409 if errors else 200)


def unsubscribe(token: str):
    try:
        user_id, kind = messages.read_token(token)
    except messages.BadSignature:
        return tk.render("notify/unsubscribe.html", {"invalid": True}), 400
    user = model.User.get(user_id)
    labels = dict(_labels(), **{notices.DIGEST: _digest_label()})
    if user is None or kind not in labels:
        return tk.render("notify/unsubscribe.html", {"invalid": True}), 400
    done = False
    if tk.request.method == "POST":
        settings.turn_off(user.id, kind)
        model.Session.commit()
        done = True
    return tk.render("notify/unsubscribe.html", {
        "invalid": False, "done": done, "label": labels[kind], "token": token})


notify.add_url_rule("/user/<id>/notifications", view_func=preferences, endpoint="preferences",
                    methods=["GET", "POST"])
notify.add_url_rule("/notifications/desabonnement/<token>", view_func=unsubscribe,
                    endpoint="unsubscribe", methods=["GET", "POST"])
