from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.opendatalocale.scdl import catalogue

SLUGS = catalogue().slugs


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def commune():
    return factories.Organization(name="commune-35051", title="Cesson-Sévigné")


@pytest.fixture
def create(sysadmin):
    """package_create as a sysadmin (the activity plugin wants a real user)."""
    def create(**data):
        return helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                   **data)
    return create
