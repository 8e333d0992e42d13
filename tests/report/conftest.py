"""A département with datasets in every status of the observatoire."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.templates import csv_template

from ..territories.conftest import load

SUBVENTIONS = csv_template(catalogue().get("subventions").latest.table_schema()).encode()


def french_date(content: bytes) -> bytes:
    """The valid file with its dateConvention written 12/03/2024: invalid."""
    header, row = content.decode().splitlines()[:2]
    cells = row.split(",")
    position = header.split(",").index("dateConvention")
    year, month, day = cells[position].split("-")
    cells[position] = f"{day}/{month}/{year}"
    return (header + "\r\n" + ",".join(cells) + "\r\n").encode()


def last_changed(package_id: str, when: datetime) -> None:
    """Date a dataset's last change back (CKAN takes the clock's time, which
    freezegun cannot reach), then re-index it as CKAN would."""
    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :when "
                                  "WHERE id = :id"), {"when": when, "id": package_id})
    model.Session.commit()
    model.Session.expire_all()  # CKAN's session keeps objects across commits
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
                                upload=FileStorage(io.BytesIO(content), "fichier.csv",
                                                   content_type="text/csv"))
        return dataset

    publish("commune-35238", "subventions", "subventions-rennes", SUBVENTIONS)
    publish("commune-35238", "deliberations", "deliberations-rennes")
    publish("commune-35051", "subventions", "subventions-cesson", french_date(SUBVENTIONS))
    bruz = publish("commune-35047", "subventions", "subventions-bruz", frequency="MONTHLY")
    last_changed(bruz["id"], datetime(2025, 1, 15))
    publish("commune-35024", "subventions", "subventions-betton-privees", private=True)
    deleted = publish("commune-35024", "deliberations", "deliberations-betton")
    helpers.call_action("package_delete", {"user": sysadmin}, id=deleted["id"])
    return {"sysadmin": sysadmin}
