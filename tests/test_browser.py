"""Key journeys in headless Chromium against the real portal."""
import re

import pytest
from ckan.tests import factories


@pytest.mark.usefixtures("clean_db")
def test_home_search_then_filter_by_facet(live_server, browser):
    rennes = factories.Organization(name="commune-35238", title="Rennes")
    cesson = factories.Organization(name="commune-35051", title="Cesson-Sévigné")
    factories.Dataset(title="Budget primitif 2026 de Rennes", owner_org=rennes["id"],
                      tags=[{"name": "budget"}])
    factories.Dataset(title="Budget primitif 2026 de Cesson", owner_org=cesson["id"],
                      tags=[{"name": "budget"}])
    factories.Dataset(title="Menus des cantines", owner_org=cesson["id"])

    page = browser.new_page()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Jeux de données").first.is_visible()

    search = page.locator("form.search-form input[name=q], input#field-main-search").first
    search.fill("budgets")  # plural: French stemming finds "Budget"
    search.press("Enter")
    page.wait_for_url(re.compile(r"/dataset/?\?q=budgets"))
    heading = page.locator("h1", has_text="trouvés").first
    assert re.search(r"\b2 jeux de données trouvés", heading.inner_text())

    page.locator("section", has_text="Organisations").get_by_role(
        "link", name=re.compile("Cesson-Sévigné")).first.click()
    page.wait_for_url(re.compile(r"organization=commune-35051"))
    heading = page.locator("h1", has_text="trouvé").first
    assert re.search(r"\b1 jeu de données trouvé", heading.inner_text())
    assert page.get_by_text("Budget primitif 2026 de Cesson").is_visible()
    assert page.get_by_text("Budget primitif 2026 de Rennes").count() == 0
