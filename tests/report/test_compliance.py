"""``scdl_compliance_show``: exact counts on a real département, only public
datasets, the same numbers as an anonymous search."""
from __future__ import annotations

import pytest

from ckan.logic import NotFound, ValidationError
from ckan.tests import helpers

EPCI = "epci-243500139"  # Rennes Métropole


def compliance(**params):
    return helpers.call_action("scdl_compliance_show", {"user": "", "ignore_auth": False},
                               **params)


def anonymous_search(fq: str) -> int:
    return helpers.call_action("package_search", {"user": "", "ignore_auth": False},
                               fq=fq, rows=0)["count"]


def test_an_epci_shows_each_commune_and_its_cells(scene):
    report = compliance(territory=EPCI, type="subventions")
    assert report["territory"]["title"] == "Rennes Métropole"
    totals = report["totals"]["subventions"]
    assert totals["communes"] == 43
    assert totals["by_status"] == {"absent": 40, "sans-validation": 0, "invalide": 1,
                                   "perime": 1, "conforme": 1}
    assert (totals["publishing"], totals["conformant"]) == (3, 1)
    own, *communes = report["rows"]
    assert own["own"] and own["territory"]["name"] == EPCI  # its own datasets: none
    assert own["cells"]["subventions"] == {"status": "absent", "dataset": None}
    cells = {row["territory"]["name"]: row["cells"]["subventions"] for row in communes}
    assert len(cells) == 43
    assert cells["commune-35238"] == {"status": "conforme", "dataset": "subventions-rennes"}
    assert cells["commune-35051"] == {"status": "invalide", "dataset": "subventions-cesson"}
    assert cells["commune-35047"] == {"status": "perime", "dataset": "subventions-bruz"}
    assert cells["commune-35024"] == {"status": "absent", "dataset": None}


def test_a_dataset_without_a_checked_file_is_published_without_validation(scene):
    report = compliance(territory=EPCI, type="deliberations")
    rennes = next(r for r in report["rows"] if r["territory"]["name"] == "commune-35238")
    assert rennes["cells"]["deliberations"]["status"] == "sans-validation"
    # the deleted délibérations of Betton count for nothing
    assert report["totals"]["deliberations"]["publishing"] == 1


def test_counts_equal_an_anonymous_search(scene):
    report = compliance(territory=EPCI)
    for kind in ("subventions", "deliberations"):
        searched = anonymous_search(f'dataset_type:{kind} AND vocab_territories:"{EPCI}"')
        assert report["totals"][kind]["publishing"] == searched
    assert anonymous_search('vocab_territories:"commune-35024"') == 0


def test_the_numbers_roll_up_the_tree(scene):
    departement = compliance(territory="departement-35", type="subventions")
    row = next(r for r in departement["rows"] if r["territory"]["name"] == EPCI)
    assert "cells" not in row
    assert row["counts"]["subventions"]["publishing"] == 3
    assert departement["totals"]["subventions"]["publishing"] == 3
    assert departement["totals"]["subventions"]["communes"] == \
        sum(r["counts"]["subventions"]["communes"] for r in departement["rows"])
    france = compliance(type="subventions")
    assert france["territory"]["title"] == "France"
    assert [r["territory"]["name"] for r in france["rows"]] == ["region-53"]
    assert france["rows"][0]["counts"]["subventions"]["conformant"] == 1


def test_rows_of_a_level_and_communes_under_the_obligation(scene):
    communes = compliance(territory="departement-35", level="commune", type="subventions")
    assert len(communes["rows"]) == communes["totals"]["subventions"]["communes"]
    obliged = compliance(territory=EPCI, type="subventions", obligation_only=True)
    totals = obliged["totals"]["subventions"]
    assert totals["communes"] == totals["obliged"] < 43
    # Rennes, Cesson-Sévigné and Bruz all have more than 3 500 inhabitants
    assert totals["publishing"] == totals["obliged_publishing"] == 3
    everything = compliance(territory=EPCI, type="subventions")["totals"]["subventions"]
    populations = {r["territory"]["name"]: r["territory"]["population"]
                   for r in compliance(territory=EPCI)["rows"]}
    assert everything["population_covered"] == sum(
        populations[c] for c in ("commune-35238", "commune-35051", "commune-35047"))


def test_status_filter_keeps_rows_in_that_status(scene):
    report = compliance(territory=EPCI, type="subventions", status="invalide")
    assert [r["territory"]["name"] for r in report["rows"]] == ["commune-35051"]


def test_private_datasets_count_for_nobody(scene):
    as_sysadmin = helpers.call_action("scdl_compliance_show", {"user": scene["sysadmin"]},
                                      territory="commune-35024")
    assert all(counts["publishing"] == 0 for counts in as_sysadmin["totals"].values())


@pytest.mark.parametrize("params, error", [
    ({"territory": "commune-99999"}, NotFound),
    ({"type": "recettes"}, ValidationError),
    ({"status": "vert"}, ValidationError),
    ({"level": "canton"}, ValidationError),
])
def test_bad_parameters_are_clear_errors(scene, params, error):
    with pytest.raises(error) as raised:
        compliance(**params)
    if error is ValidationError:
        name = next(iter(params))
        assert "expected one of" in raised.value.error_dict[name][0]


def test_a_commune_report_is_its_own_row(scene):
    report = compliance(territory="commune-35051")
    assert [r["territory"]["name"] for r in report["rows"]] == ["commune-35051"]
    assert report["rows"][0]["cells"]["subventions"]["status"] == "invalide"
    assert report["totals"]["subventions"]["communes"] == 1


def test_the_report_follows_an_edited_territory(scene):
    """The territory table is rewritten when a territory organisation changes."""
    helpers.call_action("organization_patch", {"user": scene["sysadmin"]},
                        id="commune-35051", population="2000", obligation="false")
    report = compliance(territory=EPCI, type="subventions", obligation_only=True)
    assert "commune-35051" not in {r["territory"]["name"] for r in report["rows"]}
    cesson = next(r for r in compliance(territory=EPCI)["rows"]
                  if r["territory"]["name"] == "commune-35051")
    assert cesson["territory"]["population"] == 2000


def test_a_deleted_territory_leaves_the_report(scene):
    helpers.call_action("organization_delete", {"user": scene["sysadmin"]},
                        id="commune-35001")
    report = compliance(territory=EPCI, type="subventions")
    assert "commune-35001" not in {r["territory"]["name"] for r in report["rows"]}
    assert report["totals"]["subventions"]["communes"] == 42
