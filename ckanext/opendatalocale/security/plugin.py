from __future__ import annotations

from typing import Any, Optional

import flask_login

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.translation import Translation

from . import sessions, throttle


@tk.blanket.actions
@tk.blanket.blueprints
@tk.blanket.config_declarations
class SecurityPlugin(Translation, p.SingletonPlugin):
    """What no request may do to the portal: run a script from an upload,
    outlast its budget, or reuse a closed session."""

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ISignal)
    p.implements(p.IAuthenticator, inherit=True)

    # IConfigurer: Flask reads these when CKAN builds the app, after this
    def update_config(self, config: Any) -> None:
        for option in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
            if config.get(option) != "Strict":
                config[option] = "Lax"
        if str(config.get("ckan.site_url", "")).startswith("https://"):
            config["SESSION_COOKIE_SECURE"] = True
            config["REMEMBER_COOKIE_SECURE"] = True

    # IConfigurable
    def configure(self, config: Any) -> None:
        throttle.check_options()

    # ISignal
    def get_signal_subscriptions(self) -> dict[Any, list[Any]]:
        return {
            tk.signals.failed_login: [throttle.record_failure],
            flask_login.user_logged_in: [sessions.open_login, _forget_failures],
            flask_login.user_logged_out: [sessions.close_login],
        }

    # IAuthenticator: runs before Flask-Login loads the user of the request
    def identify(self) -> None:
        sessions.check_login()

    def login(self) -> Optional[tuple[str, int, dict[str, str]]]:
        if tk.request.method != "POST":
            return None
        login = tk.request.form.get("login", "")
        if "\x00" in login:
            # CKAN would look the name up in PostgreSQL, which refuses NUL
            throttle.record_failure(login)
            return _login_form(tk._("Login failed. Bad username or password."), 400)
        wait = throttle.seconds_blocked(login)
        if wait is None:
            return None
        return _login_form(tk._(
            "Too many failed logins: logging in is temporarily blocked. "
            "Try again in %(minutes)s min.") % {"minutes": -(-wait // 60)},
            429, {"Retry-After": str(wait)})


def _login_form(error: str, status: int, headers: Optional[dict[str, str]] = None
                ) -> tuple[str, int, dict[str, str]]:
    tk.h.flash_error(error)
    return tk.render("user/login.html", {}), status, headers or {}


def _forget_failures(sender: Any, user: Any, **kwargs: Any) -> None:
    throttle.forget_failures(user)
