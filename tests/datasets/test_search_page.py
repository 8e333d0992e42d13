"""An SCDL type's list page names the type as people write it: "Délibérations"
(not CKAN's "Deliberationss"), and counts its results as datasets."""
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db")
def test_the_type_list_says_its_title_with_its_accents(app):
    org = factories.Organization()
    sysadmin = factories.Sysadmin()["name"]
    for name in ("d1", "d2"):
        helpers.call_action("package_create", {"user": sysadmin}, type="deliberations",
                            name=name, title=name, owner_org=org["id"])
    page = BeautifulSoup(app.get("/deliberations/").body, "html.parser")
    assert page.title.get_text().startswith("Délibérations - ")
    assert page.select_one(".breadcrumb li.active").get_text(strip=True) == "Délibérations"
    assert " ".join(page.h1.get_text().split()) == "2 jeux de données trouvés"
    assert "eliberations" not in page.get_text()
    plain = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    assert plain.select_one(".breadcrumb li.active").get_text(strip=True) == "Jeux de données"
