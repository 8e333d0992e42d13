import json
import pytest
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db")
def test_explore(app):
    org = factories.Organization(name="org-a")
    d1 = factories.Dataset(name="d1", title="Délibérations du conseil", notes="Les décisions", owner_org=org["id"], tags=[{"name": "economy"}])
    for url in ["/api/3/action/package_search?fq=metadata_modified:[foo TO *]", "/api/3/action/package_search?q=title:a*b", "/api/3/action/package_search?q=num_resources:abc",
                "/api/3/action/package_search?q=metadata_created:x*", "/api/3/action/package_search?q=metadata_modified:[NOW-1FOO TO NOW]",
                "/api/3/action/package_search?q=name:[a TO b]", "/api/3/action/package_search?q=*:x", "/api/3/action/package_search?q=ti%20tle:x",
                "/api/3/action/package_search?q=conseil&q.op=XOR", "/api/3/action/package_search?q=a:b&defType=foo", "/api/3/action/package_search?q=x&mm=abc",
                "/api/3/action/package_search?q=title:\\", "/api/3/action/package_search?q=%22abc", "/api/3/action/package_search?q=title:/ab/",
                "/api/3/action/package_search?q=title:x^", "/api/3/action/package_search?q=AND", "/api/3/action/package_search?q=title:x AND",
                '/api/3/action/package_search?q=' + "(" * 60 + "x:y" + ")" * 60,
                '/api/3/action/package_search?fq=' + " OR ".join(["name:x%d" % i for i in range(1100)]),
                "/api/3/action/package_search?facet.limit=abc", "/api/3/action/package_search?rows=abc",
                "/api/3/action/package_search?q=title:x&qf=a%20b%21", "/api/3/action/package_search?q=conseil&defType=edismax&qf=title%20notes",
                "/api/3/action/package_search?fq=metadata_modified:2026-01-01", "/api/3/action/package_search?fq=metadata_modified:%222026-01-01T00:00:00Z%22",
                "/api/3/action/package_search?fq=num_resources:[0 TO 5]", "/api/3/action/package_search?fq=num_resources:[a TO 5]",
                "/api/3/action/package_search?sort=metadata_modified%20desc,%20", "/api/3/action/package_search?sort=tags%20asc",
                "/api/3/action/package_search?sort=num_resources%20asc",
                ]:
        r = app.get(url, status=None)
        body = r.json
        print(url[:90], r.status_code, body.get("error") or body["result"]["count"])
