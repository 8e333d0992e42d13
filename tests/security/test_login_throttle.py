"""Failed logins are throttled per account and per address; the login form
says so in French, even to the right password; a success clears the count."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from .conftest import PASSWORD, csrf, log_in

BLOCKED = "temporairement bloquée"


def failures(client, login: str, count: int) -> None:
    for _ in range(count):
        response = log_in(client, login, "wrong password")
        assert response.status_code in (200, 429)


@pytest.mark.usefixtures("clean_db")
class TestLoginThrottle:
    def test_25_wrong_passwords_then_the_right_one_is_refused(self, app, user):
        client = app.test_client()
        failures(client, user["name"], 25)
        response = log_in(client, user["name"])
        assert response.status_code == 429
        assert BLOCKED in response.body
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
        assert client.get("/dashboard/datasets", follow_redirects=False).status_code == 302

    def test_the_account_is_blocked_after_5_failures_whatever_the_login_used(self, app):
        user = factories.User(password=PASSWORD, email="secretaire@mairie.example")
        client = app.test_client()
        failures(client, user["name"], 3)
        failures(client, user["email"], 2)
        response = log_in(client, user["email"])
        assert response.status_code == 429 and BLOCKED in response.body

    def test_4_failures_then_success_resets_the_count(self, app, user):
        client = app.test_client()
        failures(client, user["name"], 4)
        assert log_in(client, user["name"]).status_code == 302
        client.get("/user/_logout")
        failures(client, user["name"], 4)
        assert log_in(client, user["name"]).status_code == 302

    def test_other_accounts_are_not_blocked_by_one_account(self, app, user):
        failures(app.test_client(), user["name"], 6)
        other = factories.User(password=PASSWORD)
        assert log_in(app.test_client(), other["name"]).status_code == 302

    @pytest.mark.ckan_config("ckanext.opendatalocale.security.login_failures_per_address",
                             "8/15 minutes")
    def test_one_address_trying_many_accounts_is_blocked(self, app):
        for _ in range(4):
            failures(app.test_client(), factories.User()["name"], 2)
        user = factories.User(password=PASSWORD)
        assert log_in(app.test_client(), user["name"]).status_code == 429
        other_address = app.test_client()
        page = other_address.get("/user/login")
        response = other_address.post(
            "/user/login", environ_base={"REMOTE_ADDR": "192.0.2.7"},
            data={"login": user["name"], "password": PASSWORD, "_csrf_token": csrf(page.body)},
            follow_redirects=False)
        assert response.status_code == 302

    @pytest.mark.ckan_config("ckanext.opendatalocale.security.login_failures_per_account",
                             "2/2 seconds")
    def test_the_block_ends_with_the_window(self, app, user):
        import time
        client = app.test_client()
        failures(client, user["name"], 2)
        assert log_in(client, user["name"]).status_code == 429
        time.sleep(2.1)
        assert log_in(client, user["name"]).status_code == 302


@pytest.mark.usefixtures("clean_db")
def test_a_nul_byte_in_the_login_is_a_failed_login_not_an_error(app, user):
    client = app.test_client()
    response = log_in(client, user["name"] + "\x00")
    assert response.status_code == 400
    assert "identifiant ou mot de passe incorrect" in response.body
    for _ in range(29):
        assert log_in(client, user["name"] + "\x00").status_code == 400
    assert log_in(client, user["name"]).status_code == 429  # the address's 30 failures
