"""SCDL files checked at upload, through the API and the pages."""
import pytest
from ckan.tests import helpers

from ckanext.opendatalocale.validation import runner

from .conftest import VALID, status, upload, with_french_date


@pytest.mark.usefixtures("clean_db")
class TestChecked:
    def test_a_valid_file_conforms(self, add_file):
        resource = add_file(VALID)
        validation = status(resource["id"])
        assert validation["status"] == "success"
        assert validation["report"]["summary"] == "Fichier conforme au schéma"
        shown = helpers.call_action("package_show", id="subventions-2025")["resources"][0]
        assert shown["validation_status"] == "success" and shown["validation_timestamp"]

    def test_an_invalid_file_is_kept_with_a_french_report(self, app, add_file):
        resource = add_file(with_french_date(VALID))
        validation = status(resource["id"])
        assert validation["status"] == "failure"
        assert validation["report"]["summary"] == "1 erreur dans 1 colonne"
        error = validation["report"]["errors"][0]
        assert (error["row"], error["field"], error["type"]) == (2, "dateConvention", "type-error")
        assert "Écrivez plutôt" in error["message"]
        # the file is there, downloadable and replaceable
        assert app.get(resource["url"]).data == with_french_date(VALID)

    def test_the_resource_page_groups_the_errors_by_column(self, app, add_file):
        resource = add_file(with_french_date(VALID))
        body = app.get(f"/subventions/subventions-2025/resource/{resource['id']}").body
        assert "Vérification par rapport au schéma" in body and "Non conforme" in body
        assert 'id="report-dateConvention"' in body
        assert "Ligne 2" in body and "une date au format AAAA-MM-JJ" in body

    def test_badges_on_the_dataset_page_and_in_search_results(self, app, add_file):
        add_file(with_french_date(VALID))
        assert "scdl-validation-failure" in app.get("/subventions/subventions-2025").body
        # one badge per dataset (a template directory added twice doubled them)
        assert app.get("/dataset/").body.count("scdl-validation-failure") == 1
        found = helpers.call_action("package_search", fq="scdl_conformity:invalide")
        assert found["count"] == 1

    def test_conformity_is_indexed_for_harvesters(self, add_file):
        add_file(VALID)
        assert helpers.call_action("package_search",
                                   fq="dataset_type:subventions AND scdl_conformity:conforme"
                                   )["count"] == 1

    def test_a_forgotten_check_leaves_the_index_too(self, add_file):
        """resource_validation_delete: the dataset is found as "non vérifié",
        no longer as "invalide"."""
        resource = add_file(with_french_date(VALID))
        assert helpers.call_action("package_search",
                                   fq="scdl_conformity:invalide")["count"] == 1
        helpers.call_action("resource_validation_delete", resource_id=resource["id"])
        assert helpers.call_action("package_search",
                                   fq="scdl_conformity:invalide")["count"] == 0
        assert helpers.call_action("package_search",
                                   fq="scdl_conformity:non-valide")["count"] == 1


@pytest.mark.usefixtures("clean_db")
class TestNothingLost:
    def test_replacing_an_invalid_file(self, app, editor, add_file):
        resource = add_file(with_french_date(VALID))
        helpers.call_action("resource_update", context={"user": editor["name"]},
                            id=resource["id"], name="corrigé", format="CSV",
                            upload=upload(VALID))
        assert status(resource["id"])["status"] == "success"
        assert app.get(resource["url"]).data == VALID

    def test_a_failed_update_keeps_the_previous_file_and_status(self, app, editor, add_file):
        resource = add_file(VALID)
        with pytest.raises(helpers.logic.ValidationError):
            helpers.call_action("resource_update", context={"user": editor["name"]},
                                id=resource["id"], schema_version="0.0.1", format="CSV",
                                upload=upload(with_french_date(VALID)))
        assert app.get(resource["url"]).data == VALID
        assert status(resource["id"])["status"] == "success"

    def test_a_crash_leaves_the_resource_intact_with_status_error(
            self, app, add_file, monkeypatch):
        def crash(*args, **kwargs):
            raise MemoryError("simulated")
        monkeypatch.setattr(runner, "validate_isolated", crash)
        resource = add_file(VALID)
        validation = status(resource["id"])
        assert validation["status"] == "error"
        assert "n'a pas pu aboutir" in validation["error"]
        assert app.get(resource["url"]).data == VALID

    def test_revalidating_an_unchanged_file_changes_nothing(self, editor, add_file):
        resource = add_file(VALID)
        before = helpers.call_action("package_show", id="subventions-2025")
        activities = helpers.call_action("package_activity_list", id="subventions-2025")
        first = status(resource["id"])
        result = helpers.call_action("resource_validation_run", context={"user": editor["name"]},
                                     resource_id=resource["id"], **{"async": False})
        assert result["status"] == "success"
        after = helpers.call_action("package_show", id="subventions-2025")
        assert after["metadata_modified"] == before["metadata_modified"]
        assert helpers.call_action("package_activity_list", id="subventions-2025") == activities
        assert status(resource["id"])["finished"] == first["finished"]

    def test_a_validation_creates_no_activity(self, editor, subventions):
        before = helpers.call_action("package_activity_list", id="subventions-2025")
        resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                       package_id=subventions["id"], format="CSV",
                                       upload=upload(with_french_date(VALID)))
        after = helpers.call_action("package_activity_list", id="subventions-2025")
        assert len(after) == len(before) + 1  # the resource's own creation, nothing more
        assert status(resource["id"])["status"] == "failure"


@pytest.mark.usefixtures("clean_db")
class TestBackground:
    @pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
    def test_a_large_upload_is_checked_by_the_jobs_worker(self, app, add_file):
        from ckan.lib.jobs import Worker
        resource = add_file(with_french_date(VALID))
        assert status(resource["id"])["status"] == "running"
        shown = helpers.call_action("package_show", id="subventions-2025")["resources"][0]
        assert shown["validation_status"] == "running"
        assert "Vérification en cours" in app.get("/subventions/subventions-2025").body
        Worker().work(burst=True)
        assert status(resource["id"])["status"] == "failure"


@pytest.mark.usefixtures("clean_db")
class TestBadInput:
    @pytest.mark.parametrize("content, says", [
        (b"", "Le fichier est vide"),
        (bytes(range(256)) * 64, "encodage"),
        (b"<!DOCTYPE html><html><body>Erreur 404</body></html>", "page web (HTML)"),
    ])
    def test_unusable_files_are_invalid_with_a_french_message(self, app, add_file,
                                                               content, says):
        resource = add_file(content)
        validation = status(resource["id"])
        assert validation["status"] == "failure"
        messages = " ".join(e["message"] for e in validation["report"]["errors"])
        assert says in messages
        assert app.get(resource["url"]).status_code == 200  # kept

    @pytest.mark.ckan_config("ckan.max_resource_size", 100)
    def test_a_50_mb_single_line(self, add_file):
        from ckan.lib.jobs import Worker
        resource = add_file(b"x" * (50 * 1024 * 1024))
        Worker().work(burst=True)  # too big to be checked during the upload
        validation = status(resource["id"])
        assert validation["status"] == "failure"
        assert validation["report"]["errors"][0]["message"]

    def test_a_resource_without_a_known_schema_is_not_checked(self, editor, subventions):
        dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                      name="plain", owner_org=subventions["owner_org"],
                                      resources=[{"url": "http://x/a.csv"}])
        with pytest.raises(helpers.logic.NotFound):
            status(dataset["resources"][0]["id"])
        with pytest.raises(helpers.logic.ValidationError):
            helpers.call_action("resource_validation_run", context={"user": editor["name"]},
                                resource_id=dataset["resources"][0]["id"])


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.timeout", 1)
def test_a_check_that_never_finished_shows_as_an_error(add_file):
    """A worker killed in the middle leaves "running" behind: past the
    timeout, it shows as an error, the file intact."""
    import datetime
    import sqlalchemy as sa
    from ckan import model
    from ckanext.opendatalocale.validation.model import validation_table
    resource = add_file(VALID)  # queued: nobody runs the worker
    with model.meta.engine.begin() as conn:
        conn.execute(sa.update(validation_table).values(
            created=datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(minutes=5)))
    validation = status(resource["id"])
    assert validation["status"] == "error" and "délai dépassé" in validation["error"]
    shown = helpers.call_action("package_show", id="subventions-2025")["resources"][0]
    assert shown["validation_status"] == "error"
