"""Every response carries the security headers; pages get the page policy,
strict everywhere except the two CKAN core templates that need inline scripts."""
from __future__ import annotations

import pytest
from ckan.tests import factories

POLICY_OPTION = "ckanext.opendatalocale.security.content_security_policy"


def assert_secured(response) -> str:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    return headers["Content-Security-Policy"]


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/dataset/", 200), ("/user/login", 200), ("/api/action/status_show", 200),
    ("/dataset/nulle-part", 404), ("/api/action/package_show?id=nulle-part", 404),
])
def test_every_response_is_secured(app, path, status):
    policy = assert_secured(app.get(path, status=status))
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.usefixtures("clean_db")
def test_inline_scripts_only_where_core_templates_need_them(app):
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"])
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    base = f"/dataset/{dataset['name']}/resource"
    # the view frames are checked in Chromium with text_view (test_browser.py)
    for path in (f"{base}/new", f"{base}/{resource['id']}/edit"):
        assert "script-src 'self' 'unsafe-inline'" in assert_secured(
            app.get(path, headers=headers)), path
    for path in (f"/dataset/{dataset['name']}", f"{base}/{resource['id']}",
                 f"/dataset/edit/{dataset['name']}"):
        assert "script-src 'self';" in assert_secured(app.get(path, headers=headers)), path


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config(POLICY_OPTION, "default-src 'self' https://stats.exemple.fr")
def test_the_operator_sets_the_page_policy(app):
    assert assert_secured(app.get("/")) == "default-src 'self' https://stats.exemple.fr"
