from __future__ import annotations

import re

import pytest
from ckan.tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def forget_login_failures(reset_redis):
    """Failed logins are counted per address (127.0.0.1 for every test):
    leave no count behind for the rest of the suite."""
    from ckan.plugins.toolkit import config
    pattern = f"{config['ckan.site_id']}:login-failures*"
    reset_redis(pattern)
    yield
    reset_redis(pattern)


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def log_in(client, login: str, password: str = PASSWORD, **form: str):
    page = client.get("/user/login")
    return client.post("/user/login", data={"login": login, "password": password,
                                            "_csrf_token": csrf(page.body), **form},
                       follow_redirects=False)


@pytest.fixture
def user():
    return factories.User(password=PASSWORD)

