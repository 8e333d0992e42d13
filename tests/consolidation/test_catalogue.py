"""The generated catalogue (issue 17, item 4): an organisation that turns it
on gets its SCDL ``catalogue`` dataset written from its public datasets —
conformant to the catalogue schema —, rewritten when one of them changes;
without the collectivité's SIRET it says so instead of writing a
non-conformant file. In Chromium: the commune's admin turns it on."""
from __future__ import annotations

import csv
import io
import re

import pytest
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.data_catalogue import FIELDS, MissingSiret, catalogue_rows
from ckanext.opendatalocale.scdl.validation import validate_file
SIRET = "21350051510000"   # SIREN 213500515: Cesson-Sévigné in the COG
from tests.tables.test_load import rows_csv
from tests.test_journeys import SIZES, checked, log_in, new_page, person

from .test_build import CESSON, ids, publish, territory  # noqa: F401

SCHEMA = catalogue().get("catalogue").latest.table_schema()
NAME = f"catalogue-{CESSON}"


def test_the_fields_are_the_schemas():
    assert FIELDS == [f["name"] for f in SCHEMA["fields"]]


def test_the_written_catalogue_conforms(tmp_path):
    organisation = {"name": CESSON, "title": "Cesson-Sévigné", "siret": SIRET,
                    "territory_level": "commune"}
    datasets = [
        {"name": "deliberations-2025", "title": "Délibérations 2025", "type": "deliberations",
         "notes": "Les délibérations\ndu conseil", "metadata_created": "2025-02-01T10:00:00",
         "metadata_modified": "2025-03-01T10:00:00", "license_id": "lov2",
         "frequency": "MONTHLY", "tags": [{"name": "socle commun"}],
         "resources": [{"url": "http://x/a.csv", "format": "CSV"},
                       {"url": "http://x/a.xlsx", "format": "XLSX"}]},
        {"name": "budget", "title": "Budget", "type": "budget", "notes": "",
         "metadata_created": "2024-01-05T00:00:00", "license_id": "other", "tags": [],
         "temporal_start": "2024-01-01", "temporal_end": "2024-12-31",
         "resources": [{"url": "http://x/b.csv", "format": ""}]},
        {"name": "vide", "title": "Sans fichier", "resources": []},
    ]
    rows = catalogue_rows(organisation, datasets, lambda d: f"https://portail.fr/dataset/{d['name']}")
    assert [r["ID"] for r in rows] == ["budget", "deliberations-2025"]
    assert rows[1]["FORMAT_RESSOURCES"] == "csv;xlsx" and rows[1]["NOMBRE_RESSOURCES"] == "2"
    assert rows[1]["FREQ_MAJ"] == "Mensuelle ou plusieurs fois par mois"
    assert rows[0]["LICENCE"] == "Spécifique ou autre" and rows[0]["COUV_TEMP_FIN"] == "2024-12-31"
    path = tmp_path / "catalogue.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    report = validate_file(path, SCHEMA)
    assert report.valid, report.as_dict()
    with pytest.raises(MissingSiret):
        catalogue_rows(dict(organisation, siret=""), datasets, lambda d: "")


def set_siret() -> None:
    site = helpers.call_action("get_site_user")["name"]
    helpers.call_action("organization_patch", context={"user": site}, id=CESSON, siret=SIRET)


def catalogue_rows_of_portal() -> list[dict]:
    [resource] = helpers.call_action("package_show", id=NAME)["resources"]
    with open(uploader.get_resource_uploader(resource).get_path(resource["id"]),
              encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.usefixtures("territory")
class TestInThePortal:
    def test_written_from_the_public_datasets_and_rewritten_on_a_change(self):
        set_siret()
        publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(2, "CES")))
        publish(CESSON, "delib-prive", rows_csv("deliberations", ids(1, "P")), private=True)
        helpers.call_action("scdl_catalogue_update", organization=CESSON, enabled=True)
        Worker().work(burst=True)
        assert [r["ID"] for r in catalogue_rows_of_portal()] == ["delib-cesson"]
        dataset = helpers.call_action("package_show", id=NAME)
        assert dataset["type"] == "catalogue" and not dataset["private"]
        assert helpers.call_action("resource_validation_show", resource_id=dataset[
            "resources"][0]["id"])["status"] == "success"
        publish(CESSON, "delib-2026", rows_csv("deliberations", ids(1, "N")))
        Worker().work(burst=True)
        assert [r["ID"] for r in catalogue_rows_of_portal()] == ["delib-2026", "delib-cesson"]
        shown = helpers.call_action("scdl_catalogue_show", organization=CESSON)
        assert shown["enabled"] and shown["datasets"] == 2 and shown["dataset"] == NAME

    def test_without_siret_it_says_so_and_writes_nothing(self):
        publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(2, "CES")))
        helpers.call_action("scdl_catalogue_update", organization=CESSON, enabled=True)
        Worker().work(burst=True)
        shown = helpers.call_action("scdl_catalogue_show", organization=CESSON)
        assert shown["error"] == "siret-missing" and shown["dataset"] is None
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("package_show", id=NAME)

    def test_only_the_organisations_admins(self):
        editor = factories.User()
        helpers.call_action("organization_member_create", id=CESSON, username=editor["name"],
                            role="editor")
        for user in (editor["name"], ""):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_action("scdl_catalogue_update",
                                    context={"user": user, "ignore_auth": False},
                                    organization=CESSON, enabled=True)


@pytest.mark.usefixtures("territory")
@pytest.mark.parametrize("size", SIZES)
def test_the_communes_admin_has_the_portal_write_her_catalogue(live_server, browser, size):
    set_siret()
    publish(CESSON, "delib-cesson", rows_csv("deliberations", ids(2, "CES")))
    person("maire", CESSON, role="admin")
    page = new_page(browser, size)
    log_in(page, live_server, "maire")
    page.goto(f"{live_server}/organization/{CESSON}")
    page.get_by_role("link", name="Catalogue des données").click()
    page.wait_for_url(re.compile(r"/catalogue-scdl$"))
    checked(page)
    page.get_by_role("button", name="Écrire le catalogue").click()
    page.wait_for_url(re.compile(r"/catalogue-scdl$"))
    Worker().work(burst=True)
    page.reload()
    assert "Le catalogue recense 1 jeu de données." in page.locator("[role=main]").inner_text()
    page.screenshot(path=f"/tmp/shots/catalogue-{size}.png", full_page=True)
    checked(page)
    page.get_by_role("link", name="Voir le catalogue").click()
    page.wait_for_url(re.compile(NAME + "$"))
    checked(page)
