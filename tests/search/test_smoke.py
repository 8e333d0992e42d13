import pytest
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db")
def test_create_and_find():
    org = factories.Organization()
    d = factories.Dataset(title="Délibérations du conseil municipal", owner_org=org["id"],
                          tags=[{"name": "conseil"}])
    result = helpers.call_action("package_search", q="deliberation")
    assert result["count"] == 1
    assert result["results"][0]["id"] == d["id"]
    result = helpers.call_action("package_search", fq="tags:conseil",
                                 **{"facet.field": '["tags", "organization"]'})
    assert result["count"] == 1
    assert result["facets"]["tags"] == {"conseil": 1}
    shown = helpers.call_action("package_show", id=d["name"])
    assert shown["title"] == d["title"]
