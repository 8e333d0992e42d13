import pytest
from ckan.tests import factories


@pytest.mark.usefixtures("clean_db")
def test_pages(app):
    org = factories.Organization(name="commune-a", title="Commune A")
    factories.Dataset(title="Budget primitif 2026", owner_org=org["id"],
                      tags=[{"name": "budget"}], resources=[{"url": "http://x/a.csv", "format": "CSV"}])
    for url in ["/", "/dataset/", "/dataset/?q=budget", "/dataset/?tags=budget", "/organization/commune-a",
                "/organization/", "/group/", "/api/2/util/dataset/autocomplete?incomplete=bud",
                "/dataset/?sort=title_string+asc", "/dataset/?res_format=CSV"]:
        r = app.get(url)
        assert r.status_code == 200, (url, r.status_code)
        print(url, len(r.body))
    assert "Budget primitif 2026" in app.get("/dataset/?q=budget").body
    assert "Budget primitif 2026" in app.get("/organization/commune-a").body
    r = app.get("/api/3/action/package_search?q=title:(", status=400)
    print(r.json)
