"""The stored-script attack of issue 12, replayed in headless Chromium: an
editor uploads HTML and SVG whose script creates an API token for whoever
opens them; a logged-in sysadmin opens the download links. The script must
not run. The portal's own pages keep working under the page policy."""
from __future__ import annotations

import io
import json

import pytest
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from .conftest import PASSWORD

# what the attacker's script does, as a page of the portal's origin would:
# read a CSRF token from a portal page, then create a token for the victim
STEAL = """
(async () => {
  const page = await (await fetch('/dataset/', {credentials: 'include'})).text();
  const csrf = page.match(/name="_csrf_token" value="([^"]+)"/)[1];
  await fetch('/api/action/api_token_create', {
    method: 'POST', credentials: 'include',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
    body: JSON.stringify({user: VICTIM, name: 'vol'})});
  document.title = 'owned';
  localStorage.setItem('owned', 'yes');
})();
"""


def tokens_of(user: dict) -> list[str]:
    return [token["name"] for token in
            helpers.call_action("api_token_list", user_id=user["id"])]


@pytest.fixture
def attack(clean_db):
    """A sysadmin, and an editor's dataset with a hostile HTML and SVG."""
    sysadmin = factories.Sysadmin(password=PASSWORD)
    editor = factories.User()
    organization = factories.Organization(users=[{"name": editor["name"],
                                                  "capacity": "editor"}])
    dataset = helpers.call_action("package_create", {"user": editor["name"]},
                                  name="rapport-annuel", owner_org=organization["id"])
    script = STEAL.replace("VICTIM", json.dumps(sysadmin["name"])).encode()
    files = {
        "rapport.html": b"<html><body><h1>Rapport</h1><script>" + script
                        + b"</script></body></html>",
        "carte.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>' + script
                     + b"</script></svg>",
    }
    resources = {name: helpers.call_action(
        "resource_create", {"user": editor["name"]}, package_id=dataset["id"], name=name,
        upload=FileStorage(io.BytesIO(content), name)) for name, content in files.items()}
    return {"sysadmin": sysadmin, "dataset": dataset, "resources": resources,
            "script": script.decode()}


def logged_in_page(browser, site, user: dict):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(site + "/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.press("#field-password", "Enter")
    assert "/user/login" not in page.url
    return page


def test_an_uploaded_page_opened_by_a_sysadmin_runs_no_script(live_server, browser, attack):
    site = live_server
    sysadmin = attack["sysadmin"]
    page = logged_in_page(browser, site, sysadmin)

    for name, resource in attack["resources"].items():
        page.goto(f"{site}/dataset/{attack['dataset']['name']}/resource/{resource['id']}")
        link = page.locator("a.resource-url-analytics").first
        assert link.get_attribute("href").endswith(f"/download/{name}")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == name
        page.wait_for_timeout(500)
        assert page.title() != "owned"
        assert page.evaluate("localStorage.getItem('owned')") is None
        # typing the link in the address bar: a download too, no document
        with page.expect_download():
            page.evaluate("url => { location.href = url }", link.get_attribute("href"))
        page.wait_for_timeout(500)
        assert page.evaluate("localStorage.getItem('owned')") is None
    assert tokens_of(sysadmin) == []

    # an iframe of the file, as a page could embed it: sandboxed, no script
    href = page.locator("a.resource-url-analytics").first.get_attribute("href")
    page.set_content(f'<iframe src="{href}"></iframe>')
    page.wait_for_timeout(500)
    assert tokens_of(sysadmin) == []

    # control: the same script, run in a page of the portal, does steal a token
    page.goto(site + "/dataset/")
    page.evaluate(attack["script"])
    page.wait_for_function("document.title === 'owned'")
    assert tokens_of(sysadmin) == ["vol"]


def policy_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    return errors


@pytest.mark.ckan_config("ckan.plugins", "activity opendatalocale_security image_view "
                         "text_view opendatalocale_search scheming_datasets "
                         "opendatalocale_datasets opendatalocale_validation "
                         "opendatalocale_territories opendatalocale_report dcat "
                         "opendatalocale_dcat")
@pytest.mark.ckan_config("ckan.views.default_views", "image_view text_view")
@pytest.mark.usefixtures("clean_db")
def test_the_portal_pages_and_previews_work_under_the_policy(live_server, browser):
    site = live_server
    sysadmin = factories.Sysadmin(password=PASSWORD)
    organization = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": sysadmin["name"]},
                                  name="equipements-sportifs", owner_org=organization["id"])
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
           b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00"
           b"\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
    image, text = (helpers.call_action(
        "resource_create", {"user": sysadmin["name"]}, package_id=dataset["id"],
        name=name, upload=FileStorage(io.BytesIO(content), name))
        for name, content in (("plan.png", png), ("notes.txt", b"Horaires du gymnase")))

    page = browser.new_page()
    errors = policy_errors(page)
    for path in ("/", "/dataset/", f"/dataset/{dataset['name']}", "/user/login"):
        response = page.goto(site + path)
        assert response.status == 200, path
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        page.wait_for_load_state("networkidle")

    page = logged_in_page(browser, site, sysadmin)
    errors += policy_errors(page)
    base = f"{site}/dataset/{dataset['name']}/resource"
    page.goto(f"{base}/{image['id']}")
    # image_view shows the download in an <img> of the page itself
    preview = page.locator(".ckanext-datapreview img")
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 1
    page.goto(f"{base}/{text['id']}")
    # text_view fetches the download from its frame's script
    page.frame_locator("iframe").first.get_by_text("Horaires du gymnase").wait_for(
        timeout=10000)
    page.goto(f"{base}/new")
    page.locator("#resource-link-button").click()
    assert page.locator("#field-resource-url").is_visible()
    page.wait_for_load_state("networkidle")
    assert errors == []

