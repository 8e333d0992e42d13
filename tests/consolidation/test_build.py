"""Consolidation (issue 17, item 3): a territory that turns it on gets, per
SCDL type, one dataset whose file is the union of its communes' conformant
files — exactly those: not a file that fails its check, not a private
dataset, not a commune elsewhere — with where each row came from; rebuilt
by the worker when one of them changes or goes; itself checked, conformant,
loaded as a table; and nothing rewritten when nothing changed."""
from __future__ import annotations

import csv
import io

import pytest
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.scdl import catalogue
from tests.tables.test_load import rows_csv
from tests.territories.conftest import load

EPCI = "epci-243500139"                       # Rennes Métropole
CESSON, RENNES, FOUGERES = "commune-35051", "commune-35238", "commune-35115"
NAME = f"deliberations-{EPCI}-consolide"


@pytest.fixture
def territory(clean_db, clean_queues):
    load({"departement": "35"})


def publish(organization: str, name: str, content: bytes, private: bool = False) -> dict:
    site = {"ignore_auth": True, "user": helpers.call_action("get_site_user")["name"]}
    dataset = helpers.call_action("package_create", context=dict(site), type="deliberations",
                                  name=name, title=name, owner_org=organization,
                                  private=private)
    return helpers.call_action("resource_create", context=dict(site),
                               package_id=dataset["id"], name=f"{name}.csv", format="CSV",
                               upload=FileStorage(io.BytesIO(content), f"{name}.csv",
                                                  content_type="text/csv"))


def ids(n: int, prefix: str) -> list[dict[str, str]]:
    return [{"DELIB_ID": f"{prefix}-{i}"} for i in range(n)]


def consolidated() -> tuple[dict, list[dict[str, str]]]:
    dataset = helpers.call_action("package_show", id=NAME)
    [resource] = dataset["resources"]
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    with open(path, encoding="utf-8", newline="") as f:
        return dataset, list(csv.DictReader(f))


def turn_on(territory_name: str = EPCI) -> dict:
    return helpers.call_action("scdl_consolidation_update", territory=territory_name,
                               enabled=True)


@pytest.mark.usefixtures("territory")
class TestConsolidation:
    def test_exactly_the_conformant_public_files_of_its_communes(self, app):
        publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(3, "CES")))
        publish(RENNES, "delib-rennes", rows_csv("deliberations", ids(2, "REN")))
        publish(RENNES, "delib-rennes-faux", b"DELIB_ID;autre\r\n1;2\r\n")
        publish(RENNES, "delib-rennes-prive", rows_csv("deliberations", ids(4, "PRV")),
                private=True)
        publish(FOUGERES, "delib-fougeres", rows_csv("deliberations", ids(5, "FOU")))
        turn_on()
        Worker().work(burst=True)
        dataset, rows = consolidated()
        assert dataset["owner_org"] == helpers.call_action("organization_show", id=EPCI)["id"]
        assert not dataset["private"] and dataset["type"] == "deliberations"
        assert sorted(r["DELIB_ID"] for r in rows) == sorted(
            [f"CES-{i}" for i in range(3)] + [f"REN-{i}" for i in range(2)])
        names = [f["name"] for f in catalogue().get("deliberations").latest.table_schema()[
            "fields"]]
        assert list(rows[0]) == names
        [resource] = dataset["resources"]
        # checked like any file, conformant, loaded as a table
        assert helpers.call_action("resource_validation_show",
                                   resource_id=resource["id"])["status"] == "success"
        assert helpers.call_action("datastore_search", resource_id=resource["id"])[
            "total"] == 5
        # where the rows came from
        shown = helpers.call_action("scdl_consolidation_show", territory=EPCI)
        [delib] = [c for c in shown["consolidations"] if c["type"] == "deliberations"]
        assert delib["files"] == 2 and delib["rows"] == 5 and delib["dataset"] == NAME
        assert [(p["organization"], p["rows"]) for p in delib["provenance"]] == [
            (CESSON, 3), (RENNES, 2)]
        assert "Cesson-Sévigné" in resource["description"]
        # in the DCAT catalogue, with what it conforms to
        from rdflib import URIRef
        from tests.dcat.conftest import DCT, catalog, dataset_ref
        graph = catalog(app)
        assert list(graph.objects(dataset_ref(graph, dataset), DCT.conformsTo)) == [
            URIRef(resource["schema"])]
        # the observatoire does not count it as the EPCI's own publication
        import sqlalchemy as sa
        from ckan import model
        from ckanext.opendatalocale.report.model import dataset_table
        counted = model.Session.execute(sa.select(dataset_table.c.package_id)).scalars().all()
        assert dataset["id"] not in counted and len(counted) == 4   # the four public ones
        # no commune file of another type: no dataset for it
        others = [c for c in shown["consolidations"] if c["type"] != "deliberations"]
        assert others and all(c["dataset"] is None and c["files"] == 0 for c in others)

    def test_rebuilt_when_a_file_changes_or_goes_and_not_rewritten_otherwise(self):
        cesson = publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(3, "CES")))
        publish(RENNES, "delib-rennes", rows_csv("deliberations", ids(2, "REN")))
        turn_on()
        Worker().work(burst=True)
        site = {"ignore_auth": True, "user": helpers.call_action("get_site_user")["name"]}
        helpers.call_action("resource_patch", context=dict(site), id=cesson["id"],
                            upload=FileStorage(io.BytesIO(rows_csv("deliberations",
                                                                   ids(6, "CES"))), "c.csv"))
        Worker().work(burst=True)
        dataset, rows = consolidated()
        assert len(rows) == 8
        activities = len(helpers.call_action("package_activity_list", id=dataset["id"]))
        # a change that changes nothing in the union: no new file, no activity
        helpers.call_action("package_patch", context=dict(site), id="delib-rennes",
                            notes="Délibérations du conseil")
        Worker().work(burst=True)
        assert len(helpers.call_action("package_activity_list", id=dataset["id"])) == \
            activities
        # a dataset made private, then one deleted
        helpers.call_action("package_patch", context=dict(site), id="delib-rennes",
                            private=True)
        Worker().work(burst=True)
        assert sorted(r["DELIB_ID"] for r in consolidated()[1]) == [
            f"CES-{i}" for i in range(6)]
        helpers.call_action("package_delete", context=dict(site), id="delib-cesson")
        Worker().work(burst=True)
        # no conformant file left: the consolidated dataset goes too
        assert helpers.call_action("package_show", id=NAME)["state"] == "deleted"

    def test_who_may_turn_it_on(self):
        admin = factories.User()
        helpers.call_action("organization_member_create", id=EPCI, username=admin["name"],
                            role="admin")
        editor = factories.User()
        helpers.call_action("organization_member_create", id=CESSON,
                            username=editor["name"], role="admin")
        for user in (editor["name"], ""):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_action("scdl_consolidation_update",
                                    context={"user": user, "ignore_auth": False},
                                    territory=EPCI, enabled=True)
        shown = helpers.call_action("scdl_consolidation_update",
                                    context={"user": admin["name"], "ignore_auth": False},
                                    territory=EPCI, enabled=True)
        assert shown["enabled"] is True
        # a commune has no commune below it; an unknown territory is not found
        with pytest.raises(tk.ValidationError):
            helpers.call_action("scdl_consolidation_update", territory=CESSON, enabled=True)
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("scdl_consolidation_show", territory="nowhere")

    def test_the_command_builds_one_territory_and_type(self, cli):
        from ckan.cli.cli import ckan as ckan_command
        publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(2, "CES")))
        result = cli.invoke(ckan_command, ["opendatalocale", "consolidate", EPCI,
                                           "--type", "deliberations"])
        assert result.exit_code == 0, result.output
        assert f"{EPCI} deliberations: 1 files, 2 rows" in result.output
        assert len(consolidated()[1]) == 2
        bad = cli.invoke(ckan_command, ["opendatalocale", "consolidate", EPCI,
                                        "--type", "nothing"])
        assert bad.exit_code == 2


@pytest.mark.usefixtures("territory")
@pytest.mark.ckan_config("ckan.max_resource_size", "1")
def test_a_consolidated_file_may_exceed_the_editors_upload_limit():
    """Each commune's file is under the portal's 1 MB limit, their union is
    not: the portal's own file is written all the same (found by the
    benchmark: a département's budget is 17 MB on a 10 MB portal), and the
    limit is the editors' again afterwards."""
    import ckan.plugins.toolkit as tk
    long = "x" * 180
    publish(CESSON, "delib-cesson", rows_csv("deliberations", [
        {"DELIB_ID": f"CES-{i}", "DELIB_OBJET": long} for i in range(2000)]))
    publish(RENNES, "delib-rennes", rows_csv("deliberations", [
        {"DELIB_ID": f"REN-{i}", "DELIB_OBJET": long} for i in range(2000)]))
    turn_on()
    Worker().work(burst=True)
    dataset, rows = consolidated()
    assert len(rows) == 4000
    assert dataset["resources"][0]["size"] > 1024 * 1024
    assert tk.config.get("ckan.max_resource_size") == 1
