"""The resource page in headless Chromium, on a desktop and on a 390 px
phone: the report is read first, nothing overflows, and "Vérification en
cours" turns into the verdict by itself when the jobs worker is done."""
from pathlib import Path

import pytest
from ckan.lib.jobs import Worker

from tests.browser_checks import AXE, axe_context

from .test_offline_and_links import files_server  # noqa: F401 (fixture)
from .test_report_page import with_french_dates

SHOTS = Path("/tmp/shots")  # looked at by whoever changes the page


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
def test_the_report_first_and_following_the_check(live_server, browser, add_file):
    resource = add_file(with_french_dates(9))  # too big for the upload: the worker's
    url = f"{live_server}/subventions/subventions-2025/resource/{resource['id']}"
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    report = page.locator("#validation-report")
    assert "Vérification en cours" in report.inner_text()
    live = report.locator("[role=status]")
    assert live.get_attribute("aria-live") == "polite"
    page.evaluate("window.notReloaded = true")
    page.screenshot(path=str(SHOTS / "resource-report-running-390.png"))

    Worker().work(burst=True)  # the check ends while she looks at the page

    page.locator("#validation-report .scdl-validation-failure").wait_for(timeout=20000)
    assert page.evaluate("window.notReloaded === true")  # updated in place
    assert "La vérification est terminée" in live.inner_text()
    assert "Non conforme" in live.inner_text()
    text = report.inner_text()
    assert "Lignes 2, 3, 4, 5 et 5 autres" in text and "Remplacer le fichier" not in text
    assert "Vérification en cours" not in text
    assert errors == []

    # on the phone, the verdict comes before the file's metadata
    report_top = report.bounding_box()["y"]
    metadata = page.get_by_role("heading", name="Informations additionnelles")
    assert report_top < metadata.bounding_box()["y"]
    assert report_top < page.locator(".resource-view").first.bounding_box()["y"]
    # and before the resource's own address and description
    assert report_top < page.locator("p.ellipsis", has_text="URL").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "resource-report-390.png"), full_page=True)

    desktop = browser.new_page(viewport={"width": 1280, "height": 900})
    desktop.goto(url)
    assert "Non conforme" in desktop.locator("#validation-report h2").inner_text()
    assert desktop.locator("#validation-report [data-validation-refresh]").count() == 0
    assert desktop.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desktop.screenshot(path=str(SHOTS / "resource-report-1280.png"), full_page=True)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_an_editor_reads_whose_file_and_a_dead_link_on_her_phone(
        live_server, browser, editor, files_server):  # noqa: F811
    from ckan.tests import factories, helpers

    from .conftest import upload
    factories.Organization(name="commune-06004", title="Antibes", siren="233500016")
    own = factories.Organization(name="commune-35051", title="Cesson-Sévigné",
                                 siren="213505100")
    context = {"user": editor["name"]}
    dataset = helpers.call_action("package_create", context=context, type="subventions",
                                  name="subventions-2025", owner_org=own["id"])
    copied = helpers.call_action("resource_create", context=context,
                                 package_id=dataset["id"], format="CSV", name="copie.csv",
                                 upload=upload(with_french_dates(3)))
    _, base = files_server
    dead = helpers.call_action("resource_create", context=context, package_id=dataset["id"],
                               format="CSV", name="lien", url=f"{base}/absent.csv")
    Worker().work(burst=True)
    token = helpers.call_action("api_token_create", context=context, user=editor["name"],
                                name="browser")["token"]
    page = axe_context(browser, width=390, height=844,
                       extra_http_headers={"Authorization": token}).new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for resource, name in ((copied, "whose"), (dead, "unreachable")):
        page.goto(f"{live_server}/subventions/subventions-2025/resource/{resource['id']}")
        report = page.locator("#validation-report")
        replace = ("Remplacer le fichier" if name == "whose"
                   else "Changer le lien ou déposer le fichier")
        assert report.get_by_role("link", name=replace).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SHOTS / f"resource-report-{name}-390.png"), full_page=True)
        assert report_violations(page) == []
        if name == "whose":
            assert "Ce fichier semble être celui d'Antibes" in report.inner_text()
        else:
            assert "Fichier inaccessible (HTTP 404)" in report.locator("h2").inner_text()
            assert report.get_by_role("button", name="Vérifier de nouveau").is_visible()


def report_violations(page) -> list[str]:
    """axe-core's violations inside the report (the rest of the page is
    CKAN's and the other plugins', checked by their own journeys)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "axe.run('#validation-report', {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}" for v in results["violations"]]
