"""The table's state and API on the pages (issue 17, items 1 and 2): the
resource page says what the table holds, the dataset page links « Interroger
ces données (API) », the API page follows the dataset's rights; a failed
load says why and keeps the previous table; hostile values stay text."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers

from tests.validation.test_hostile_files import redis_unreachable  # noqa: F401 (fixture)

from .test_load import add_dataset, rows_csv, sysadmin  # noqa: F401 (fixtures)


def words(body) -> str:
    return " ".join(BeautifulSoup(body, "html.parser").get_text(" ").split())


@pytest.mark.usefixtures("clean_db", "clean_queues")
class TestPages:
    def test_the_resource_page_says_loading_then_loaded(self, app, add_dataset):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
        url = f"/dataset/deliberations-test/resource/{resource['id']}"
        assert "Le fichier est en cours de chargement comme table" in words(app.get(url).body)
        Worker().work(burst=True)
        text = words(app.get(url).body)
        assert "Ce fichier est aussi une table de 2 lignes" in text
        assert "Interroger ces données (API)" in text

    def test_the_dataset_page_links_the_api_and_the_api_page_explains(self, app, add_dataset):
        resource = add_dataset("deliberations", rows_csv("deliberations", [
            {"DELIB_OBJET": "Tarifs de la cantine"}]))
        Worker().work(burst=True)
        page = BeautifulSoup(app.get("/dataset/deliberations-test").body, "html.parser")
        link = page.find("a", class_="dataset-download-api")
        assert link is not None and link.get_text(strip=True) == "Interroger ces données (API)"
        body = app.get(link["href"]).body
        text = words(body)
        assert "est aussi une table de 1 ligne" in text
        assert "Les lignes dont la colonne « " in text
        assert "datastore_search_sql" in text
        assert f"/datastore/dump/{resource['id']}?format=csv" in body
        assert "nombre entier" in text and "date" in text

    def test_the_api_page_follows_the_datasets_rights(self, app, add_dataset, sysadmin):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}]))
        Worker().work(burst=True)
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id="deliberations-test", private=True)
        url = f"/dataset/deliberations-test/resource/{resource['id']}/api"
        assert app.get(url, status=403)
        token = helpers.call_action("api_token_create", context={"user": sysadmin["name"]},
                                    user=sysadmin["name"], name="test")["token"]
        assert app.get(url, headers={"Authorization": token}).status_code == 200
        # another dataset's resource under this dataset's address: not found
        other = factories.Dataset(owner_org=factories.Organization()["id"])
        assert app.get(f"/dataset/{other['name']}/resource/{resource['id']}/api",
                       headers={"Authorization": token}, status=404)
        # a file that does not exist
        assert app.get("/dataset/deliberations-test/resource/no-such-file/api",
                       headers={"Authorization": token}, status=404)

    def test_a_failed_load_says_why_and_keeps_the_table(self, app, add_dataset):
        from ckan.lib import uploader
        from ckanext.opendatalocale.tables import load
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
        Worker().work(burst=True)
        import os
        os.unlink(uploader.get_resource_uploader(resource).get_path(resource["id"]))
        load.load(resource["id"])
        text = words(app.get(f"/dataset/deliberations-test/resource/{resource['id']}").body)
        assert ("Le fichier n’a pas pu être chargé comme table : le fichier manque dans le "
                "stockage du portail.") in text
        assert "La table chargée le" in text and "est conservée" in text

    def test_a_script_in_a_cell_stays_text_on_the_api_page(self, app, add_dataset):
        hostile = '<script>alert("x")</script> Tarifs'
        add_dataset("deliberations", rows_csv("deliberations", [{"DELIB_OBJET": hostile}]))
        Worker().work(burst=True)
        resource = helpers.call_action("package_show", id="deliberations-test")["resources"][0]
        body = app.get(f"/dataset/deliberations-test/resource/{resource['id']}/api").body
        assert "<script>alert" not in body
        assert helpers.call_action("datastore_search", resource_id=resource["id"])[
            "records"][0]["DELIB_OBJET"] == hostile

    def test_the_api_refuses_to_load_a_file_that_does_not_conform(self, add_dataset,
                                                                   sysadmin):
        import ckan.plugins.toolkit as tk
        resource = add_dataset("deliberations", b"DELIB_ID;autre\r\n1;2\r\n")
        with pytest.raises(tk.ValidationError):
            helpers.call_action("scdl_table_load", resource_id=resource["id"])
        editor = factories.User()
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("scdl_table_load", context={"user": editor["name"],
                                                            "ignore_auth": False},
                                resource_id=resource["id"])


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_the_datastore_unreachable_keeps_the_table_and_says_why(app, add_dataset, sysadmin,
                                                                  monkeypatch, ckan_config):
    """The DataStore's database missing when a new file comes: the load
    fails and says so, the previous table stays, the pages work."""
    resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
    Worker().work(burst=True)
    from .test_load import replace
    replace(sysadmin, resource, rows_csv("deliberations", [{"DELIB_ID": "NEW"}]))
    write_url = ckan_config["ckan.datastore.write_url"]
    monkeypatch.setitem(ckan_config, "ckan.datastore.write_url",
                        write_url.rsplit("/", 1)[0] + "/no_such_datastore")
    # the queued load, run here (the worker's own process reads its configuration anew)
    from ckan.lib import jobs
    [job] = jobs.get_queue().jobs
    job.perform()
    monkeypatch.setitem(ckan_config, "ckan.datastore.write_url", write_url)
    state = helpers.call_action("scdl_table_show", resource_id=resource["id"])
    assert state["state"] == "failed"
    assert state["error"] == "le DataStore n’a pas pu être écrit (OperationalError)"
    assert helpers.call_action("datastore_search", resource_id=resource["id"])["total"] == 2
    text = words(app.get(f"/dataset/deliberations-test/resource/{resource['id']}").body)
    assert "Le fichier n’a pas pu être chargé comme table : le DataStore" in text
    assert app.get("/dataset/deliberations-test").status_code == 200


@pytest.mark.usefixtures("clean_db", "redis_unreachable")
def test_with_redis_unreachable_the_upload_and_check_succeed_and_the_page_says_why(
        app, add_dataset):
    resource = add_dataset("deliberations", rows_csv("deliberations", [{}]))
    assert helpers.call_action("resource_validation_show",
                               resource_id=resource["id"])["status"] == "success"
    state = helpers.call_action("scdl_table_show", resource_id=resource["id"])
    assert state["state"] == "failed"
    assert state["error"].startswith("le chargement n’a pas pu être mis en file d’attente")
    text = words(app.get(f"/dataset/deliberations-test/resource/{resource['id']}").body)
    assert "Le fichier n’a pas pu être chargé comme table" in text
