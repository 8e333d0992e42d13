"""A département with datasets in every status of the observatoire."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.opendatalocale.report import summary

from ..territories.conftest import load
from ..validation.conftest import VALID as SUBVENTIONS
from ..validation.conftest import upload, with_french_date


def last_changed(package_id: str, when: datetime) -> None:
    """Date a dataset's last change back (CKAN takes the clock's time, which
    freezegun cannot reach), then bring the index and the observatoire's
    summary up to date, as CKAN's hooks would after a change."""
    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :when "
                                  "WHERE id = :id"), {"when": when, "id": package_id})
    model.Session.expire_all()  # CKAN's session keeps objects across commits
    summary.refresh(package_id)
    model.Session.commit()
    search.rebuild(package_id)


@pytest.fixture
def scene(clean_db):
    """Ille-et-Vilaine; in Rennes Métropole (43 communes):
    Rennes — subventions conforme, délibérations published without a file;
    Cesson-Sévigné — subventions invalide; Bruz — subventions périmé (monthly,
    last changed in January 2025); Betton — a private and a deleted dataset
    (they count for nobody)."""
    load({"departement": "35"})
    sysadmin = factories.Sysadmin()["name"]

    def publish(commune, kind, name, content=None, **fields):
        dataset = helpers.call_action("package_create", {"user": sysadmin}, type=kind,
                                      name=name, title=name, owner_org=commune, **fields)
        if content is not None:
            helpers.call_action("resource_create", {"user": sysadmin},
                                package_id=dataset["id"], name="fichier.csv", format="CSV",
                                upload=upload(content))
        return dataset

    publish("commune-35238", "subventions", "subventions-rennes", SUBVENTIONS)
    publish("commune-35238", "deliberations", "deliberations-rennes")
    publish("commune-35051", "subventions", "subventions-cesson", with_french_date(SUBVENTIONS))
    bruz = publish("commune-35047", "subventions", "subventions-bruz", frequency="MONTHLY")
    last_changed(bruz["id"], datetime(2025, 1, 15))
    publish("commune-35024", "subventions", "subventions-betton-privees", private=True)
    deleted = publish("commune-35024", "deliberations", "deliberations-betton")
    helpers.call_action("package_delete", {"user": sysadmin}, id=deleted["id"])
    return {"sysadmin": sysadmin}
