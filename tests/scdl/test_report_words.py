"""The report speaks to a person: patterns in words, one message per column
and kind of error with the rows, whose file it seems to be — in French and
in English (the core gives keys and values, said here as the portal says
them, ``words``)."""
import json
import re

import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.messages import expectation
from ckanext.opendatalocale.scdl.patterns import describe_pattern, pattern_in_words
from ckanext.opendatalocale.scdl.report import as_text, by_column, rows_text
from ckanext.opendatalocale.scdl.siren import (mismatch_warnings, of_name, other_publisher,
                                               publisher_column, siren_of)
from ckanext.opendatalocale.scdl.validation import Error, Report, validate_file
from ckanext.opendatalocale.scdl.templates import csv_template
from ckanext.opendatalocale.scdl.wording import Message, msg

from .words import ENGLISH, FRENCH, en, fr

REGEX_CHARACTERS = set("^$\\[]{}|()*+?")
# what only a regular expression would show, even between « »
REGEX_TOKENS = re.compile(r"\\[dDsSwWu]|\[[^\]]*\]|\{\d+(,\d*)?\}|\(\?|\.\*|\^|\$")


def fields_with_patterns():
    for entry in catalogue().entries:
        for version in entry.versions:
            for field in version.table_schema()["fields"]:
                if field.get("constraints", {}).get("pattern"):
                    yield pytest.param(field, id=f"{entry.slug}-{version.version}-{field['name']}")


def outside_quotes(text: str) -> str:
    return re.sub(r"« [^»]* »|“[^”]*”", "", text)


@pytest.mark.parametrize("field", list(fields_with_patterns()))
def test_no_pattern_of_the_catalogue_is_shown_as_a_regular_expression(field):
    said = [describe_pattern(field["constraints"]["pattern"], field.get("example")),
            expectation(field)]
    for text in [fr(s) for s in said] + [en(s) for s in said]:
        assert not REGEX_CHARACTERS & set(outside_quotes(text)), text
        # between « » (“ ” in English) only literal text of the value (a « + »
        # of +33, the « | » between the days of a défibrillateur's schedule,
        # the example)
        assert not REGEX_TOKENS.search(text.replace(str(field.get("example")), "")), text


def test_the_catalogue_has_patterns_to_describe():
    assert len(list(fields_with_patterns())) > 40


@pytest.mark.parametrize("pattern, words", [
    (r"^\d{14}$", "14 chiffres"),
    (r"^\d{9}$", "9 chiffres"),
    (r"^W\d{9}$", "« W » puis 9 chiffres"),
    (r"^\d\.\d{1,2}$", "un chiffre, « . » puis 1 ou 2 chiffres"),
    (r"^[0-9]{4}(\/[0-9]{4})?$", "4 chiffres, puis éventuellement « / » et 4 chiffres"),
    (r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$",
     "une date au format AAAA-MM-JJ, puis éventuellement « / » et une date au format "
     "AAAA-MM-JJ"),
    (r"^\d[AB\d]\d{3}$", "un chiffre, un chiffre ou « A » ou « B » puis 3 chiffres"),
    (r"(^SIRET$)|(^TVA$)|(^UE$)", "l'une des valeurs : « SIRET », « TVA », « UE »"),
    (r"^(\+33|\+590|\+594)(\d){6,9}$", "au choix « +33 », « +590 », « +594 » puis 6 à 9 "
                                      "chiffres"),
    (r"^[A-Za-z0-9_]+$", "des lettres, chiffres ou « _ »"),
])
def test_common_shapes_in_words(pattern, words):
    assert fr(pattern_in_words(pattern)) == words


@pytest.mark.parametrize("pattern, words", [
    (r"^\d{14}$", "14 digits"),
    (r"^W\d{9}$", "“W” then 9 digits"),
    (r"^\d\.\d{1,2}$", "a digit, “.” then 1 or 2 digits"),
    (r"^[0-9]{4}(\/[0-9]{4})?$", "4 digits, then optionally “/” and 4 digits"),
    (r"(^SIRET$)|(^TVA$)|(^UE$)", "one of the values: “SIRET”, “TVA”, “UE”"),
    (r"^(\+33|\+590|\+594)(\d){6,9}$", "one of “+33”, “+590”, “+594” then 6 to 9 digits"),
    (r"^[A-Za-z0-9_]+$", "one or more letters, digits or “_”"),
    (r"^[A-Z]\d$", "a capital letter then a digit"),
    (r"^[a-z']+$", "one or more lower-case letters or apostrophes"),
])
def test_common_shapes_in_english_words(pattern, words):
    assert en(pattern_in_words(pattern)) == words


def test_one_or_several_agree_in_french():
    assert fr(pattern_in_words(r"^[A-Z]\d$")) == "une lettre majuscule puis un chiffre"
    assert fr(pattern_in_words(r"^'\d$")) == "« ' » puis un chiffre"
    assert fr(pattern_in_words(r"^['a-z]\d{1}$")) == \
        "une lettre minuscule ou apostrophe puis 1 chiffre"
    assert fr(pattern_in_words(r"^[' ]$")) == "une apostrophe ou espace"
    assert en(pattern_in_words(r"^[' ]$")) == "an apostrophe or space"


def test_what_cannot_be_said_simply_is_shown_by_its_example():
    pattern = r"^([013-9]\d|2[AB1-9])\d{3}$"
    assert pattern_in_words(pattern) is None
    assert fr(describe_pattern(pattern, "35238")) == "de la forme de l'exemple « 35238 »"
    assert en(describe_pattern(pattern, "35238")) == "in the form of the example “35238”"
    field = {"name": "COLL_INSEE", "type": "string", "example": "35238",
             "constraints": {"pattern": pattern}}
    assert fr(expectation(field)) == "de la forme de l'exemple « 35238 »"  # said once
    assert "guide" in fr(describe_pattern(pattern)) and "guide" in en(describe_pattern(pattern))
    assert pattern_in_words("([") is None  # not even a regular expression


def test_a_siret_column_expects_14_digits_in_words():
    field = {"name": "COLL_SIRET", "type": "string", "example": "21350238800019",
             "constraints": {"required": True, "pattern": r"^\d{14}$"}}
    assert fr(expectation(field)) == "14 chiffres, par exemple « 21350238800019 »"
    assert en(expectation(field)) == "14 digits, for example “21350238800019”"


def test_a_length_agrees_with_its_count():
    field = {"name": "code", "type": "string", "example": "02",
             "constraints": {"minLength": 1, "maxLength": 9}}
    assert fr(expectation(field)) == \
        "du texte, d'au moins 1 caractère, d'au plus 9 caractères, par exemple « 02 »"
    assert en(expectation(field)) == \
        "text, at least 1 character long, at most 9 characters long, for example “02”"


@pytest.mark.parametrize("rows, total, text", [
    ([2], 1, "ligne 2"),
    ([2, 3], 2, "lignes 2 et 3"),
    ([2, 3, 5, 8, 9], 5, "lignes 2, 3, 5, 8 et 9"),
    ([2, 3, 5, 8, 9, 11], 6, "lignes 2, 3, 5, 8 et 2 autres"),
    (list(range(2, 18)), 16, "lignes 2, 3, 4, 5 et 12 autres"),
])
def test_rows_are_listed_then_counted(rows, total, text):
    assert fr(rows_text(rows, total)) == text


@pytest.mark.parametrize("rows, total, text", [
    ([2], 1, "row 2"),
    ([2, 3, 5, 8, 9], 5, "rows 2, 3, 5, 8 and 9"),
    ([2, 3, 5, 8, 9], 5, "rows 2, 3, 5, 8 and 9"),
    ([2, 3, 5, 8, 9, 11], 6, "rows 2, 3, 5, 8 and 2 others"),
    ([2, 3, 5, 8, 9, 11], 5, "rows 2, 3, 5, 8 and 1 other"),
])
def test_rows_in_english(rows, total, text):
    assert en(rows_text(rows, total)) == text


def test_a_message_is_stored_as_its_key_and_values():
    said = rows_text([2, 3, 5, 8, 9, 11], 6)
    stored = said.as_dict()
    assert stored == {"key": "rows {rows} and {num} other",
                      "plural": "rows {rows} and {num} others", "count": 2,
                      "params": {"num": 2, "rows": [2, 3, 5, 8]}}
    assert Message.from_dict(stored) == said
    nested = msg("Warning: {warning}", warning=said)
    assert Message.from_dict(nested.as_dict()) == nested
    # a sentence stored before messages had keys is shown as it is
    assert fr("Ligne vide : supprimez-la.") == "Ligne vide : supprimez-la."
    # counts as each language writes them
    assert fr(msg("{size} MB", size=1049)) == "1\u202f049 Mo"
    assert en(msg("{size} MB", size=1049)) == "1,049 MB"


SCHEMA = {"fields": [
    {"name": "dateConvention", "type": "date"},
    {"name": "idAttribuant", "type": "string", "example": "21350238800019",
     "constraints": {"required": True, "pattern": r"^\d{14}$"}},
]}


def date_error(row, value):
    return Error(row, "dateConvention", "type-error",
                 msg("{value} is not a date.", value=msg("“{text}”", text=value)), value=value)


def test_one_message_per_column_and_kind_of_error():
    errors = [date_error(r, f"0{r}/03/2024") for r in range(2, 18)]
    errors += [Error(4, "idAttribuant", "constraint-error", "vide", value=None),
               Error(7, "idAttribuant", "constraint-error", "vide", value=""),
               Error(9, "idAttribuant", "constraint-error", msg("Not this one."),
                     value="12")]
    report = Report(valid=False, error_count=19, errors=errors,
                    counts={"dateConvention": 16, "idAttribuant": 3})
    groups = {g["column"]: g for g in by_column(report, SCHEMA)}
    dates = groups["dateConvention"]["kinds"]
    assert len(dates) == 1
    assert fr(dates[0]["where"]) == "lignes 2, 3, 4, 5 et 12 autres"
    assert fr(dates[0]["message"]) == \
        "16 valeurs de dateConvention ne sont pas sous la forme attendue."
    assert en(dates[0]["message"]) == "16 values of dateConvention are not in the expected form."
    assert dates[0]["example"]["row"] == 2
    assert en(dates[0]["example"]["message"]) == "“02/03/2024” is not a date."
    kinds = groups["idAttribuant"]["kinds"]
    assert [(fr(k["where"]), fr(k["message"])) for k in kinds] == [
        ("lignes 4 et 7", "idAttribuant est obligatoire : 2 cases sont restées vides."),
        ("ligne 9", "Not this one.")]
    assert kinds[1]["example"] is None  # one error: its own message says it all
    text = as_text(report, SCHEMA, FRENCH)
    assert "lignes 2, 3, 4, 5 et 12 autres : 16 valeurs" in text
    assert "Colonne dateConvention — 16 erreurs ; attendu : une date au format AAAA-MM-JJ" \
        in text
    assert text.count("is not a date") == 1


def test_errors_beyond_those_listed_are_counted():
    report = Report(valid=False, error_count=500, errors=[date_error(2, "x")],
                    counts={"dateConvention": 500})
    group = by_column(report, SCHEMA)[0]
    assert group["hidden"] == 499 and group["count"] == 500


def test_a_real_file_grouped(tmp_path):
    schema = catalogue().get("subventions").latest.table_schema()
    header, row = csv_template(schema).splitlines()[:2]
    position = header.split(",").index("dateConvention")
    lines = [header]
    for day in range(1, 8):
        cells = row.split(",")
        cells[position] = f"0{day}/03/2024"
        lines.append(",".join(cells))
    path = tmp_path / "subventions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_file(path, schema)
    group = next(g for g in by_column(report, schema) if g["column"] == "dateConvention")
    assert [fr(k["where"]) for k in group["kinds"]] == ["lignes 2, 3, 4, 5 et 3 autres"]
    assert "Écrivez plutôt 2024-03-01" in fr(group["kinds"][0]["example"]["message"])
    assert "Write 2024-03-01 instead." in en(group["kinds"][0]["example"]["message"])
    # what the report keeps is JSON: read again, it says the same
    again = Report.from_dict(json.loads(json.dumps(report.as_dict())))
    assert as_text(again, schema, FRENCH) == as_text(report, schema, FRENCH)
    assert "dateConvention — 7 errors; expected: a date in the format YYYY-MM-DD" in \
        as_text(again, schema, ENGLISH)
    # the publisher's SIRET column is read: whose file it is
    assert report.sirens == {row.split(",")[header.split(",").index("idAttribuant")][:9]: 7}


def test_the_publishers_column():
    assert publisher_column(["DELIB_ID", "COLL_SIRET"]) == "COLL_SIRET"
    assert publisher_column(["idBeneficiaire", "idAttribuant"]) == "idAttribuant"
    # a budget's SIRET may be a CCAS's: not the publisher's own
    assert publisher_column(["BGT_SIRET"]) is None
    assert siren_of("21060004000011") == "210600040"
    assert siren_of("210600040") == "210600040"
    assert siren_of("2106000400001") is None and siren_of(None) is None


def test_another_collectivites_file_is_named():
    assert other_publisher({"210600040": 12}, "213502388") == "210600040"
    assert other_publisher({"213502388": 12, "210600040": 1}, "213502388") is None
    assert other_publisher({"210600040": 12}, None) is None  # own SIREN unknown
    assert other_publisher({}, "213502388") is None
    whose, own = mismatch_warnings("210600040", "Antibes", "213502388", "Rennes")
    assert fr(whose) == ("Ce fichier semble être celui d'Antibes : son numéro SIRET désigne "
                         "le SIREN 210600040, pas celui de Rennes. Vérifiez qu'il s'agit bien "
                         "de votre fichier.")
    assert fr(own).startswith("Le numéro SIREN de Rennes est 213502388")
    assert en(whose).startswith("This file seems to belong to Antibes: its SIRET number "
                                "designates the SIREN 210600040, not that of Rennes.")
    assert en(own).startswith("The SIREN number of Rennes is 213502388")
    whose, _ = mismatch_warnings("210600037", None, "213502388", "Rennes")
    assert fr(whose).startswith("Ce fichier semble être celui d'une autre collectivité "
                                "(SIREN 210600037)")


@pytest.mark.parametrize("name, said", [
    ("Antibes", "d'Antibes"), ("Rennes", "de Rennes"), ("Le Mans", "du Mans"),
    ("Les Sables-d'Olonne", "des Sables-d'Olonne"), ("Évreux", "d'Évreux"),
    ("La Rochelle", "de La Rochelle")])
def test_of_name(name, said):
    assert of_name(name) == said
