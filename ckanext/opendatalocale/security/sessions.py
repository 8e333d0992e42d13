"""A login lives on the server, so that logging out ends every copy of it.

CKAN 2.11 keeps the logged-in user's id in a signed session cookie, and
Flask-Login's "remember me" cookie is an HMAC of that id: a copy taken before
logout authenticates for as long as it lasts (a year for the session cookie).
Each login here gets a random id, registered in Redis for the session's
lifetime and kept in the session; logout deletes it, and a session whose
login id is not registered is anonymous, and so is one opened before the
user's password last changed (changing it ends every session, the
intruder's included). Remember-me cookies, which cannot
carry that id, are never written and are cleared when received: CKAN's
session cookie already outlives the browser (``SESSION_PERMANENT``).
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import request, session

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

__all__ = ["open_login", "close_login", "check_login"]

LOGIN_KEY = "_opendatalocale_login"
# what Flask-Login keeps in the session for a logged-in user
_LOGIN_FIELDS = ("_user_id", "_fresh", "_id", LOGIN_KEY)


def open_login(sender: Any, user: model.User, **kwargs: Any) -> None:
    """Receiver of Flask-Login's ``user_logged_in``."""
    login_id = secrets.token_urlsafe(32)
    connect_to_redis().set(_redis_key(login_id), _holder(user),
                           ex=tk.config["PERMANENT_SESSION_LIFETIME"])
    session[LOGIN_KEY] = login_id
    session.pop("_remember", None)
    session.pop("_remember_seconds", None)


def close_login(sender: Any, **kwargs: Any) -> None:
    """Receiver of Flask-Login's ``user_logged_out``."""
    login_id = session.pop(LOGIN_KEY, None)
    if login_id:
        connect_to_redis().delete(_redis_key(login_id))


def check_login() -> None:
    """Before Flask-Login loads the user: forget a login that was closed."""
    user_id = session.get("_user_id")
    if user_id is not None and not _is_live(session.get(LOGIN_KEY), user_id):
        for field in _LOGIN_FIELDS:
            session.pop(field, None)
    if tk.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        session["_remember"] = "clear"


def _is_live(login_id: Any, user_id: str) -> bool:
    if not isinstance(login_id, str):
        return False
    registered = connect_to_redis().get(_redis_key(login_id))
    user = model.User.get(user_id) if registered is not None else None
    return user is not None and registered.decode() == _holder(user)


def _holder(user: model.User) -> str:
    """The user and a digest of the password hash the login was opened with."""
    digest = hashlib.sha256((user.password or "").encode()).hexdigest()
    return f"{user.id} {digest}"


def _redis_key(login_id: str) -> str:
    return f"{tk.config['ckan.site_id']}:login:{login_id}"
