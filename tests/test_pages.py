"""The portal's pages on the PostgreSQL search backend, seen by visitors."""
import re

import pytest
from ckan.tests import factories


def found(body: str) -> int:
    """The "N jeux de données trouvés" count of a search page."""
    match = re.search(r"(\d+)\s+jeux?\s+de\s+données\s+trouvés?", body)
    assert match, "no dataset count on the page"
    return int(match.group(1))


@pytest.fixture
def portal():
    rennes = factories.Organization(name="commune-35238", title="Rennes")
    cesson = factories.Organization(name="commune-35051", title="Cesson-Sévigné")
    datasets = [
        factories.Dataset(title="Budget primitif 2026", owner_org=rennes["id"],
                          tags=[{"name": "budget"}],
                          resources=[{"url": "http://example.org/b.csv", "format": "CSV"}]),
        factories.Dataset(title="Délibérations du conseil municipal", owner_org=cesson["id"],
                          tags=[{"name": "délibérations"}],
                          resources=[{"url": "http://example.org/d.csv", "format": "CSV"}]),
        factories.Dataset(title="Subventions aux associations", owner_org=rennes["id"],
                          tags=[{"name": "subventions"}]),
        factories.Dataset(title="Budget 2026 en préparation", owner_org=cesson["id"],
                          tags=[{"name": "budget"}], private=True),
    ]
    return {"rennes": rennes, "cesson": cesson, "datasets": datasets}


@pytest.mark.usefixtures("clean_db")
class TestPages:
    def test_home_page_in_french_with_public_tags_only(self, app, portal):
        body = app.get("/").body
        assert '<html lang="fr"' in body
        assert "Jeux de données" in body
        # popular tags come from a facet query: the private dataset's tag
        # counts for nobody, the public one is listed
        assert "/dataset/?tags=budget" in body
        assert "subventions" in body

    def test_dataset_page_counts_public_datasets(self, app, portal):
        body = app.get("/dataset/").body
        assert found(body) == 3
        assert "Budget 2026 en préparation" not in body

    def test_dataset_search_is_french_and_accent_insensitive(self, app, portal):
        body = app.get("/dataset/", query_string={"q": "deliberation"}).body
        assert found(body) == 1
        assert "Délibérations du conseil municipal" in body

    def test_dataset_facet_filter(self, app, portal):
        body = app.get("/dataset/", query_string={"tags": "budget"}).body
        assert found(body) == 1
        body = app.get("/dataset/", query_string={"res_format": "CSV"}).body
        assert found(body) == 2

    def test_organization_page_counts(self, app, portal):
        body = app.get("/organization/commune-35051").body
        assert found(body) == 1
        body = app.get("/organization/commune-35238").body
        assert found(body) == 2

    def test_member_sees_private_dataset_on_organization_page(self, app, portal):
        user = factories.User()
        from ckan.tests.helpers import call_action
        call_action("organization_member_create", id=portal["cesson"]["id"],
                    username=user["name"], role="editor")
        body = app.get("/organization/commune-35051",
                       headers={"Authorization": factories.APIToken(user=user["name"])["token"]}
                       ).body
        assert found(body) == 2
        assert "Budget 2026 en préparation" in body

    def test_organization_list_counts(self, app, portal):
        body = app.get("/organization/").body
        assert "Rennes" in body and "Cesson-Sévigné" in body

    def test_invalid_query_is_a_clear_error_not_a_500(self, app, portal):
        """As CKAN answers with Solr: a 409 Search Error in the API, the
        search page with its notice."""
        response = app.get("/api/3/action/package_search",
                           query_string={"q": "title:(budget"}, status=409)
        assert response.json["error"]["__type"] == "Search Error"
        assert "unbalanced parenthesis" in response.json["error"]["message"]
        page = app.get("/dataset/", query_string={"q": "title:(budget"}, status=200).body
        assert 'id="search-error"' in page
