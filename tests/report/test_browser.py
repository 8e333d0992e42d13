"""The observatoire journey in headless Chromium: a territory agent filters
her EPCI's report, drills down to a commune and opens the report of its
invalid file."""
import re


def test_filter_drill_down_and_open_an_invalid_report(live_server, browser, scene):
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(live_server + "/observatoire/epci-243500139")
    assert "Rennes Métropole" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Observatoire").first.is_visible()

    page.select_option("#filter-type", "subventions")
    page.select_option("#filter-status", "invalide")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"type=subventions.*status=invalide|status=invalide.*"
                                 r"type=subventions"))
    rows = page.locator("#observatoire-matrix tbody tr")
    assert rows.count() == 1

    rows.first.get_by_role("link", name="Cesson-Sévigné").click()
    page.wait_for_url(re.compile(r"/observatoire/commune-35051"))
    cell = page.locator('#observatoire-matrix td[data-status="invalide"] a')
    cell.click()
    page.wait_for_url(re.compile(r"/subventions/subventions-cesson$"))
    page.locator(".resource-item a.heading, .resource-item a").first.click()
    page.wait_for_url(re.compile(r"/resource/"))
    report = page.locator("body").inner_text()
    assert "Non conforme" in report and "dateConvention" in report
