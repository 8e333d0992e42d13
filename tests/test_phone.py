"""On a phone (390 px): the observatoire's table scrolls inside its own region
with its header row and territory column kept in view; a resource page shows
its validation report before its metadata. (No overflow on every page:
tests/test_accessibility.py.)"""
from __future__ import annotations

from ckan.tests import helpers

from .browser_checks import assert_no_overflow
from .report.conftest import scene  # noqa: F401  (fixture)


def box(locator) -> dict:
    return locator.bounding_box()


def test_the_observatoire_table_keeps_its_header_and_first_column(live_server, browser,
                                                                   scene):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server + "/observatoire/epci-243500139")
    assert_no_overflow(page)
    region = page.get_by_role("region", name="Par territoire")
    assert region.get_attribute("tabindex") == "0"
    table = region.locator("table")
    assert table.evaluate("t => t.scrollWidth") > region.evaluate("r => r.clientWidth"), \
        "the table fits: nothing to scroll"
    first = region.locator("tbody th[scope=row]").first
    header = region.locator("thead th").nth(2)
    before_first, before_header = box(first), box(header)

    region.evaluate("r => { r.scrollLeft = 400; r.scrollTop = 600; }")
    page.wait_for_timeout(100)
    after_first, after_header = box(first), box(header)
    assert abs(after_first["x"] - before_first["x"]) < 1, "the territory column scrolled away"
    assert abs(after_header["y"] - before_header["y"]) < 1, "the header row scrolled away"
    assert after_header["x"] < before_header["x"] - 300, "the other columns did not scroll"
    region.screenshot(path="/tmp/shots/phone-observatoire-scrolled.png")

    # the keyboard reaches the region and scrolls it
    region.focus()
    page.keyboard.press("ArrowRight")
    region.evaluate("r => new Promise(done => setTimeout(done, 500))")
    assert region.evaluate("r => r.scrollLeft") > 400


def test_a_resource_shows_its_report_before_its_metadata(live_server, browser,
                                                         scene):  # noqa: F811
    [resource] = helpers.call_action("package_show", id="subventions-cesson")["resources"]
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server + f"/subventions/subventions-cesson/resource/{resource['id']}")
    page.screenshot(path="/tmp/shots/phone-resource.png", full_page=True)
    assert_no_overflow(page)
    report = page.get_by_role("heading", name="Vérification par rapport au schéma")
    metadata = page.get_by_role("heading", name="Informations additionnelles")
    assert box(report)["y"] < box(metadata)["y"]
    # in the reading order (a screen reader's) too
    assert report.evaluate(
        "(r, m) => !!(r.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING)",
        metadata.element_handle())


def test_the_search_filters_open_from_the_keyboard(live_server, browser, scene):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server + "/dataset/")
    page.wait_for_load_state("networkidle")
    button = page.get_by_role("button", name="Filtrer les résultats")
    button.focus()
    page.keyboard.press("Enter")
    assert "filters-modal" in page.evaluate("document.body.className")
    page.screenshot(path="/tmp/shots/phone-filters.png")
