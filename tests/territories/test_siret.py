"""An organisation's own SIRET (its seat's), which online entry fills in: its
admins give it; a wrong check digit or another organisation's SIREN is
refused in words; spaces are removed; empty removes it."""
import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db")


def test_the_seats_siret_is_kept_and_checked():
    sysadmin = factories.Sysadmin()
    admin = factories.User()
    org = factories.Organization(name="commune-35051", title="Cesson-Sévigné",
                                 siren="213505100",
                                 users=[{"name": admin["name"], "capacity": "admin"}])
    context = {"user": admin["name"], "ignore_auth": False}
    helpers.call_action("organization_patch", context=dict(context), id=org["id"],
                        siret="213 505 100 00015")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["siret"] == "21350510000015" and shown["siren"] == "213505100"
    with pytest.raises(tk.ValidationError) as wrong_key:
        helpers.call_action("organization_patch", context=dict(context), id=org["id"],
                            siret="21350510000016")
    assert "clé de contrôle" in wrong_key.value.error_dict["siret"][0] or \
        "check digit" in wrong_key.value.error_dict["siret"][0]
    with pytest.raises(tk.ValidationError) as other:
        helpers.call_action("organization_patch", context=dict(context), id=org["id"],
                            siret="21220093500014")
    assert "213505100" in other.value.error_dict["siret"][0]
    assert helpers.call_action("organization_show", id=org["id"])["siret"] == "21350510000015"
    helpers.call_action("organization_patch", context={"user": sysadmin["name"]},
                        id=org["id"], siret="")
    assert not helpers.call_action("organization_show", id=org["id"]).get("siret")
