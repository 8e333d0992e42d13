from __future__ import annotations

import io

import pytest
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.templates import csv_template

SUBVENTIONS = catalogue().get("subventions").latest.table_schema()
VALID = csv_template(SUBVENTIONS).encode("utf-8")


def upload(content: bytes, name: str = "fichier.csv") -> FileStorage:
    return FileStorage(io.BytesIO(content), name, content_type="text/csv")


def with_french_date(content: bytes) -> bytes:
    """The valid file with its dateConvention written the French way."""
    text = content.decode("utf-8")
    header, row = text.splitlines()[:2]
    cells = row.split(",")
    position = header.split(",").index("dateConvention")
    year, month, day = cells[position].split("-")
    cells[position] = f"{day}/{month}/{year}"
    return (header + "\r\n" + ",".join(cells) + "\r\n").encode("utf-8")


@pytest.fixture
def editor():
    return factories.Sysadmin()


@pytest.fixture
def subventions(editor):
    org = factories.Organization(name="commune-35051")
    return helpers.call_action("package_create", context={"user": editor["name"]},
                               type="subventions", name="subventions-2025",
                               title="Subventions 2025", owner_org=org["id"])


@pytest.fixture
def add_file(editor, subventions):
    def add_file(content: bytes, name: str = "fichier.csv", **extra):
        return helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], name=name, format="CSV",
                                   upload=upload(content, name), **extra)
    return add_file


def status(resource_id: str) -> dict:
    return helpers.call_action("resource_validation_show", resource_id=resource_id)
