import json
import pytest
from ckan.tests import factories, helpers
from ckan.lib.search import PackageSearchQuery
from ckanext.opendatalocale.search.backend import PostgresSolr


def s(**kw):
    kw.setdefault("rows", 50)
    return helpers.call_action("package_search", **kw)


@pytest.mark.usefixtures("clean_db")
def test_explore():
    org = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    d1 = factories.Dataset(name="d1", title="Délibérations du conseil", notes="Les décisions", owner_org=org["id"], tags=[{"name": "economy"}])
    d2 = factories.Dataset(name="d2", title="Budget", notes="Délibération budgétaire du conseil municipal", owner_org=org_b["id"])
    d3 = factories.Dataset(name="d3", title="École", notes="x", owner_org=org_b["id"], extras=[{"key": "theme", "value": "Education nationale"}])
    d4 = factories.Dataset(name="d4", title="Ecole", notes="x", private=True, owner_org=org["id"])
    for q in ["deliberation", "Deliberations", "délibération", "DELIBERATION", "conseil", "conseil municipal", "le", "les", "title:deliberation", "notes:deliberation",
              "text:ecole", "name:d1", "tags:economy", "budg*", "conseil AND (organization:org-a OR organization:org-b)", '"du conseil"', "+conseil -budget", "ecole education", "extras_theme:education", "theme:Education"]:
        r = s(q=q)
        print(repr(q), r["count"], [x["name"] for x in r["results"]])
    r = s(q="*:*", sort="title_string asc")
    print([x["title"] for x in r["results"]])
    r = s(q="*:*", include_private=True, sort="title_string asc")
    print([x["title"] for x in r["results"]])
    print(s(q="*:*", **{"facet.field": ["organization", "tags", "res_format"]})["facets"])
    row = PostgresSolr().search("*:*", fq="+name:d3", fl="*")
    print(row.docs)
