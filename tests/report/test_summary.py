"""The observatoire's own summary of the SCDL datasets: kept by the hooks in
the transaction of each change, and enough for the report without any search
backend."""
from __future__ import annotations

from typing import Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload, with_french_date

EPCI = "epci-243500139"  # Rennes Métropole
RENNES, CESSON = "commune-35238", "commune-35051"
SEARCH = "opendatalocale_search"
WITHOUT_SEARCH = ("activity opendatalocale_security scheming_datasets opendatalocale_datasets "
                  "opendatalocale_validation opendatalocale_territories opendatalocale_report")


def row(name: str) -> Optional[dict]:
    """The dataset's summary row, None without one (read as committed)."""
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        found = conn.execute(sa.text(
            "SELECT s.* FROM opendatalocale_report_dataset s JOIN package p "
            "ON p.id = s.package_id WHERE p.name = :name"), {"name": name}).mappings().first()
    return dict(found) if found else None


def call(action: str, user: str, **data):
    return helpers.call_action(action, {"user": user}, **data)


def everything(territory: Optional[str] = None) -> dict:
    report = helpers.call_action("scdl_compliance_show", territory=territory)
    report.pop("computed_at")
    return report


# -- the report without the search backend --------------------------------------------

def test_the_same_numbers_without_the_search_backend(scene):
    before = {name: everything(name) for name in (EPCI, "departement-35", None)}
    assert before[EPCI]["totals"]["subventions"]["by_status"] == {
        "absent": 40, "sans-validation": 0, "invalide": 1, "perime": 1, "conforme": 1}
    plugins.unload(SEARCH)
    try:
        assert plugins.plugin_loaded("opendatalocale_report")
        assert not plugins.plugin_loaded(SEARCH)
        # not even our index's rows: the report never reads them
        with model.meta.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM opendatalocale_search_index")
        after = {name: everything(name) for name in before}
    finally:
        plugins.load(SEARCH)
    assert after == before


@pytest.mark.ckan_config("ckan.plugins", WITHOUT_SEARCH)
def test_the_report_plugin_starts_without_the_search_backend(app):
    assert plugins.plugin_loaded("opendatalocale_report") and not plugins.plugin_loaded(SEARCH)
    france = helpers.call_action("scdl_compliance_show")
    assert france["territory"]["title"] == "France"
    assert app.get("/observatoire").status_code == 200


# -- the hooks --------------------------------------------------------------------------

def test_a_new_public_dataset_has_its_row(scene):
    call("package_create", scene["sysadmin"], type="deliberations", name="deliberations-cesson",
         title="Délibérations", owner_org=CESSON, frequency="MONTHLY")
    found = row("deliberations-cesson")
    assert found["dataset_type"] == "deliberations" and found["conformity"] is None
    assert found["owner_org"] == model.Group.get(CESSON).id
    assert found["frequency"] == "MONTHLY" and found["metadata_modified"].tzinfo
    assert row("subventions-betton-privees") is None  # private
    assert row("deliberations-betton") is None        # deleted
    plain = factories.Dataset(owner_org=model.Group.get(CESSON).id)
    assert row(plain["name"]) is None                 # not an SCDL type


def test_an_update_of_organisation_and_frequency_follows(scene):
    call("package_patch", scene["sysadmin"], id="deliberations-rennes", owner_org=CESSON,
         frequency="ANNUAL")
    found = row("deliberations-rennes")
    assert found["owner_org"] == model.Group.get(CESSON).id and found["frequency"] == "ANNUAL"


def test_a_change_of_type_follows(scene, cli):
    """``package_update`` keeps a dataset's type: only the retype command
    changes it, through CKAN's session without any action."""
    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "dataset"])
    assert result.exit_code == 0, result.output
    assert row("subventions-rennes") is None and row("deliberations-rennes") is None
    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "scdl"])
    assert result.exit_code == 0, result.output
    assert row("subventions-rennes")["dataset_type"] == "subventions"
    assert row("subventions-rennes")["conformity"] == "conforme"


def test_a_move_through_package_owner_org_update_follows(scene):
    call("package_owner_org_update", scene["sysadmin"], id="subventions-rennes",
         organization_id=CESSON)
    assert row("subventions-rennes")["owner_org"] == model.Group.get(CESSON).id
    report = helpers.call_action("scdl_compliance_show", territory=CESSON, type="subventions")
    # Cesson-Sévigné now has the conformant file of Rennes as well as its invalid one
    assert report["rows"][0]["cells"]["subventions"] == {
        "status": "conforme", "dataset": "subventions-rennes"}


def test_visibility_and_deletion_follow(scene):
    sysadmin = scene["sysadmin"]
    call("package_patch", sysadmin, id="subventions-betton-privees", private=False)
    assert row("subventions-betton-privees")["dataset_type"] == "subventions"
    call("package_patch", sysadmin, id="subventions-betton-privees", private=True)
    assert row("subventions-betton-privees") is None
    call("package_delete", sysadmin, id="subventions-cesson")
    assert row("subventions-cesson") is None
    call("dataset_purge", sysadmin, id="subventions-bruz")
    assert row("subventions-bruz") is None


def test_bulk_visibility_and_deletion_follow(scene):
    sysadmin = scene["sysadmin"]
    betton = model.Group.get("commune-35024").id
    private = model.Package.get("subventions-betton-privees").id
    call("bulk_update_public", sysadmin, datasets=[private], org_id=betton)
    assert row("subventions-betton-privees")["conformity"] is None
    call("bulk_update_private", sysadmin, datasets=[private], org_id=betton)
    assert row("subventions-betton-privees") is None
    rennes = model.Group.get(RENNES).id
    call("bulk_update_delete", sysadmin, datasets=[model.Package.get("deliberations-rennes").id],
         org_id=rennes)
    assert row("deliberations-rennes") is None and row("subventions-rennes") is not None


def test_the_conformity_follows_each_check_of_the_files(scene):
    sysadmin = scene["sysadmin"]
    assert row("subventions-rennes")["conformity"] == "conforme"
    assert row("subventions-cesson")["conformity"] == "invalide"
    dataset = call("package_create", sysadmin, type="subventions", name="subventions-pace",
                   title="Subventions", owner_org="commune-35210")
    assert row("subventions-pace")["conformity"] is None  # no file yet
    resource = call("resource_create", sysadmin, package_id=dataset["id"], name="a.csv",
                    format="CSV", upload=upload(SUBVENTIONS))
    assert row("subventions-pace")["conformity"] == "conforme"
    call("resource_update", sysadmin, id=resource["id"], name="a.csv", format="CSV",
         upload=upload(with_french_date(SUBVENTIONS)))
    assert row("subventions-pace")["conformity"] == "invalide"
    call("resource_delete", sysadmin, id=resource["id"])
    assert row("subventions-pace")["conformity"] is None


def test_a_forgotten_check_makes_the_dataset_not_checked(scene):
    """``resource_validation_delete``: the file counts as never checked."""
    sysadmin = scene["sysadmin"]
    assert row("subventions-rennes")["conformity"] == "conforme"
    resource_id = model.Package.get("subventions-rennes").resources[0].id
    call("resource_validation_delete", sysadmin, resource_id=resource_id)
    assert row("subventions-rennes")["conformity"] == "non-valide"


def test_a_status_write_rolled_back_leaves_the_summary_as_it_was(scene):
    """The summary is written in the transaction that writes the status."""
    dataset = model.Package.get("subventions-rennes")
    resource_id = dataset.resources[0].id
    status_changed = plugins.toolkit.signals.ckanext.signal(
        "opendatalocale_validation_status_changed")
    with model.meta.engine.connect() as conn:
        transaction = conn.begin()
        status_changed.send(dataset.id, resource_id=resource_id, status="failure",
                            connection=conn)
        inside = conn.execute(sa.text(
            "SELECT conformity FROM opendatalocale_report_dataset WHERE package_id = :id"),
            {"id": dataset.id}).scalar()
        transaction.rollback()
    assert inside == "invalide"
    assert row("subventions-rennes")["conformity"] == "conforme"


def test_rebuild_writes_the_summary_again(scene, cli):
    before = everything(EPCI)
    with model.meta.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM opendatalocale_report_dataset")
    assert everything(EPCI)["totals"]["subventions"]["publishing"] == 0
    result = cli.invoke(ckan_command, ["opendatalocale", "report", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "4 public SCDL datasets" in result.output
    assert everything(EPCI) == before
