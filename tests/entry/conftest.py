from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

PASSWORD = "Motdepasse-2026!"
SIRET = "21350510000015"          # SIREN 213505100: Cesson-Sévigné's


@pytest.fixture
def commune():
    return factories.Organization(name="commune-35051", title="Cesson-Sévigné",
                                  siren="213505100", siret=SIRET)


@pytest.fixture
def secretary(commune):
    user = factories.User(name="secretaire", password=PASSWORD)
    helpers.call_action("organization_member_create", id=commune["id"],
                        username=user["name"], role="editor")
    return user


def row(**values) -> dict:
    """A conformant délibération of Cesson-Sévigné, changed by ``values``."""
    base = {"COLL_NOM": "Cesson-Sévigné", "COLL_SIRET": SIRET, "DELIB_ID": "DEL2026_001",
            "DELIB_DATE": "2026-03-12", "DELIB_MATIERE_CODE": "7.1",
            "DELIB_MATIERE_NOM": "Finances locales/Décisions budgétaires",
            "DELIB_OBJET": "Vote du budget primitif", "VOTE_EFFECTIF": "29",
            "VOTE_REEL": "27", "VOTE_POUR": "20", "VOTE_CONTRE": "5", "VOTE_ABSTENTION": "2"}
    return dict(base, **values)
