"""Online entry's core: the grid's columns from the schema (one input per
type, the collectivité's own columns filled and locked) and rows checked by
the validator itself, what was pasted converted by the repair's rules."""
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.entry import check_rows, grid_columns, known_values

from .words import fr

DELIBERATIONS = catalogue().get("deliberations").latest.table_schema()
BUDGET = catalogue().get("budget").latest.table_schema()
CESSON = {"name": "Commune de Cesson-Sévigné", "siret": "21350510000015", "insee": "35051"}
ROW = {"COLL_NOM": "Commune de Cesson-Sévigné", "COLL_SIRET": "21350510000015",
       "DELIB_ID": "DEL2026_001", "DELIB_DATE": "2026-03-12", "DELIB_MATIERE_CODE": "7.1",
       "DELIB_MATIERE_NOM": "Finances locales/Décisions budgétaires",
       "DELIB_OBJET": "Vote du budget primitif", "VOTE_EFFECTIF": "29", "VOTE_REEL": "27",
       "VOTE_POUR": "20", "VOTE_CONTRE": "5", "VOTE_ABSTENTION": "2"}


def by_name(columns):
    return {c.name: c for c in columns}


def test_one_input_per_type_with_the_schemas_words():
    columns = by_name(grid_columns(DELIBERATIONS))
    assert [c.name for c in grid_columns(DELIBERATIONS)] == [
        f["name"] for f in DELIBERATIONS["fields"]]
    assert columns["DELIB_DATE"].editor == "date"
    assert columns["VOTE_POUR"].editor == "integer"
    assert columns["DELIB_ID"].required and not columns["BUDGET_ANNEE"].required
    assert columns["DELIB_MATIERE_CODE"].pattern and columns["DELIB_MATIERE_CODE"].editor == "text"
    titles = {f["name"]: f["title"] for f in DELIBERATIONS["fields"]}
    assert columns["DELIB_OBJET"].title == titles["DELIB_OBJET"]
    assert fr(columns["DELIB_DATE"].expects).startswith("une date au format AAAA-MM-JJ")
    enums = [c for c in grid_columns(catalogue().get("subventions").latest.table_schema())
             if c.editor == "list"]
    assert enums and all(c.values for c in enums)
    booleans = [c for slug in catalogue().slugs for c in grid_columns(
        catalogue().get(slug).latest.table_schema())
                if c.editor == "boolean"]
    assert booleans and all(c.true_value and c.false_value for c in booleans)


def test_the_collectivites_own_columns_are_filled_and_locked():
    columns = by_name(grid_columns(DELIBERATIONS, CESSON))
    assert (columns["COLL_NOM"].value, columns["COLL_NOM"].locked) == (CESSON["name"], True)
    assert (columns["COLL_SIRET"].value, columns["COLL_SIRET"].locked) == (CESSON["siret"],
                                                                           True)
    assert columns["DELIB_ID"].value is None and not columns["DELIB_ID"].locked
    # a budget's SIRET is filled in, and may be changed (a CCAS's budget)
    assert known_values(BUDGET, CESSON)["BGT_SIRET"] == (CESSON["siret"], False)
    # what is not known is not filled
    assert "COLL_SIRET" not in known_values(DELIBERATIONS, {"name": "Commune de Cesson"})
    prenoms = catalogue().get("prenoms").latest.table_schema()
    assert known_values(prenoms, CESSON)["COLL_INSEE"] == ("35051", True)


def test_a_conformant_row_has_no_error():
    [check], report = check_rows(DELIBERATIONS, [ROW])
    assert check.valid and report.valid and check.conversions == {}


def test_a_vote_sum_error_is_on_its_cell_in_french():
    [good, wrong], report = check_rows(DELIBERATIONS, [ROW, dict(ROW, DELIB_ID="DEL2026_002",
                                                                  VOTE_REEL="26")])
    assert good.valid and not wrong.valid and report.error_count == 1
    assert list(wrong.errors) == ["VOTE_REEL"]
    assert "VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION" in fr(wrong.errors["VOTE_REEL"][0])


def test_pasted_french_values_are_converted_and_said():
    pasted = dict(ROW, DELIB_DATE="12/03/2026", COLL_SIRET="213 505 100 00015")
    [check], report = check_rows(DELIBERATIONS, [pasted])
    assert check.values["DELIB_DATE"] == "2026-03-12"
    assert check.conversions["DELIB_DATE"]["before"] == "12/03/2026"
    assert fr(check.conversions["DELIB_DATE"]["label"]) == (
        "Date écrite comme le schéma l’attend (année-mois-jour)")
    assert check.conversions["COLL_SIRET"]["rule"] == "identifier-spacing"
    assert check.valid, check.errors
    [raw], _ = check_rows(DELIBERATIONS, [pasted], convert=False)
    assert "DELIB_DATE" in raw.errors


def test_a_half_filled_row_and_a_wrong_type_are_said_on_their_cells():
    half = {"COLL_NOM": ROW["COLL_NOM"], "COLL_SIRET": ROW["COLL_SIRET"], "DELIB_ID": "D3",
            "VOTE_POUR": "beaucoup", "COLONNE_EN_TROP": "x"}
    [check], _ = check_rows(DELIBERATIONS, [half])
    assert {"DELIB_DATE", "DELIB_OBJET", "VOTE_POUR"} <= set(check.errors)
    assert "COLONNE_EN_TROP" not in check.values
    assert "obligatoire" in fr(check.errors["DELIB_DATE"][0])
