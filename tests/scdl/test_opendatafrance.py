"""The columns and types of OpenDataFrance's observatoire file."""
from __future__ import annotations

from ckanext.opendatalocale.scdl import opendatafrance as odf


def test_types_follow_the_level_and_the_epci_s_nature():
    assert odf.organisation_type("region", "Bretagne") == "REG"
    assert odf.organisation_type("departement", "Ille-et-Vilaine") == "DEP"
    assert odf.organisation_type("commune", "Rennes") == "COM"
    assert odf.organisation_type("epci", "CC du Pays de Châteaugiron") == "CC"
    assert odf.organisation_type("epci", "CA Vitré Communauté") == "CA"
    assert odf.organisation_type("epci", "CU de Dunkerque") == "CU"
    assert odf.organisation_type("epci", "Métropole du Grand Paris") == "MET"
    assert odf.organisation_type("epci", "Rennes Métropole") == "MET"
    assert odf.organisation_type("epci", "Eurométropole de Strasbourg") == "MET"
    assert odf.organisation_type("epci", "CU Angers Loire Métropole") == "CU"
    assert odf.organisation_type("epci", "Syndicat mixte") == "EPCI"


def test_every_epci_of_the_fixture_gets_the_cog_s_nature():
    """Against the COG's own field, on the tests' extract of it (the rule
    was checked on all 1 254 EPCI of the COG 2024 as well)."""
    import json
    from pathlib import Path
    source = Path(__file__).resolve().parents[1] / "territories" / "cog" / "epci.json"
    natures = {"CC": "CC", "CA": "CA", "CU": "CU", "METRO": "MET", "MET69": "MET"}
    epcis = json.loads(source.read_text())
    assert len(epcis) > 10
    for epci in epcis:
        assert odf.organisation_type("epci", epci["nom"]) == natures[epci["type"]], epci["nom"]


def test_the_columns_are_the_observatoire_s_then_the_socle_commun_s():
    columns = odf.columns(["deliberations", "subventions"])
    assert columns[:5] == ["siren", "nom", "type", "regcode", "depcode"]
    assert {"url-ptf", "nb-ptf", "pop-insee", "url-datagouv", "id-ods"} <= set(columns)
    assert columns[-2:] == ["scdl-deliberations", "scdl-subventions"]
    assert len(columns) == len(set(columns))
