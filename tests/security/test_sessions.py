"""Logout ends the session for every copy of its cookies; cookies are
SameSite=Lax, and Secure when the portal is served over HTTPS."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from .conftest import PASSWORD, log_in


def dashboard_user(client) -> int:
    """200 for a logged-in visitor; the dashboard sends anonymous ones to the login form."""
    return client.get("/dashboard/datasets", follow_redirects=False).status_code


# the login form answers for the site_url's host (CKAN's HostMiddleware)
HOST = "test.opendatalocale.localhost"


def cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def replay(app, captured: dict[str, str]):
    """A fresh browser that carries copies of these cookies."""
    client = app.test_client()
    for name, value in captured.items():
        client.set_cookie(name, value, domain=HOST)
    return client


@pytest.mark.usefixtures("clean_db")
class TestLogout:
    def test_a_session_cookie_captured_before_logout_no_longer_authenticates(self, app, user):
        client = app.test_client()
        assert log_in(client, user["name"]).status_code == 302
        assert dashboard_user(client) == 200
        captured = cookies(client)
        assert "ckan" in captured
        assert dashboard_user(replay(app, captured)) == 200

        client.get("/user/_logout")
        assert dashboard_user(client) == 302
        assert dashboard_user(replay(app, captured)) == 302

    def test_logging_out_ends_only_that_session(self, app, user):
        first, second = app.test_client(), app.test_client()
        log_in(first, user["name"])
        log_in(second, user["name"])
        first.get("/user/_logout")
        assert dashboard_user(first) == 302
        assert dashboard_user(second) == 200

    def test_a_password_change_ends_every_session_of_the_user(self, app, user):
        from ckan.tests import helpers
        intruder, owner = app.test_client(), app.test_client()
        log_in(intruder, user["name"])
        log_in(owner, user["name"])
        helpers.call_action("user_patch", {"user": user["name"]}, id=user["id"],
                            password="a new horse battery", old_password=PASSWORD)
        assert dashboard_user(intruder) == 302
        assert dashboard_user(owner) == 302
        assert log_in(owner, user["name"], "a new horse battery").status_code == 302
        assert dashboard_user(owner) == 200

    def test_no_remember_me_cookie_is_written_nor_accepted(self, app, user):
        import flask_login.utils
        client = app.test_client()
        response = log_in(client, user["name"], remember="63072000")
        assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))
        assert "remember_token" not in cookies(client)

        # a remember-me cookie as Flask-Login signs it for this user
        with app.flask_app.test_request_context():
            forged = flask_login.utils.encode_cookie(user["id"])
        intruder = replay(app, {"remember_token": forged})
        assert dashboard_user(intruder) == 302
        assert "remember_token" not in cookies(intruder)

    def test_a_session_from_before_the_plugin_is_anonymous(self, app, user):
        """A signed session that names a user without a registered login (as
        CKAN wrote them before this plugin, or a copy of a closed one)."""
        with app.flask_app.test_request_context():
            from flask import current_app
            serializer = current_app.session_interface.get_signing_serializer(current_app)
            forged = serializer.dumps({"_user_id": user["id"], "_fresh": True})
        assert dashboard_user(replay(app, {"ckan": forged})) == 302

    def test_api_tokens_still_work(self, app, user):
        token = factories.APIToken(user=user["name"])["token"]
        url = f"/api/action/api_token_list?user_id={user['name']}"
        assert app.get(url, status=403)
        assert app.get(url, headers={"Authorization": token}).json["success"] is True


def session_cookie_attributes(app, user) -> str:
    client = app.test_client()
    response = log_in(client, user["name"])
    return next(cookie for cookie in response.headers.getlist("Set-Cookie")
                if cookie.startswith("ckan="))


@pytest.mark.usefixtures("clean_db")
def test_session_cookie_is_lax_httponly_and_not_secure_over_http(app, user):
    attributes = session_cookie_attributes(app, user)
    assert "SameSite=Lax" in attributes
    assert "HttpOnly" in attributes
    assert "Secure" not in attributes


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.site_url", "https://data.exemple.fr")
def test_cookies_are_secure_when_the_portal_is_https(app, user, ckan_config):
    attributes = session_cookie_attributes(app, user)
    assert "Secure" in attributes
    assert "SameSite=Lax" in attributes
    assert app.flask_app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.flask_app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("REMEMBER_COOKIE_SAMESITE", "None")
def test_remember_cookie_is_never_samesite_none(app):
    assert app.flask_app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
