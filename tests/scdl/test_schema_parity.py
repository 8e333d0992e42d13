"""Our SCDL Table Schemas and their catalogue against schema.data.gouv.fr.

``schemas/<id>/<version>/schema.json`` carries the *facts* of the official
schema (field names and order, types, formats, constraints, custom checks…)
in *our own words* (titles, descriptions, examples). These tests check both
halves: fact-for-fact equality with the reference copies kept in
``../shared/scdl`` (skipped, with the reason, on a machine without them) and
words that are really ours, plus examples that are valid against their field
and a well-formed ``schemas/catalogue.yaml``. Pure Python: no CKAN, no
database.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import difflib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
CATALOGUE = SCHEMAS / "catalogue.yaml"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "scdl"
OFFICIAL_CATALOGUE = SHARED / "_catalog" / "schemas-scdl.json"

# schema.data.gouv.fr id -> reference file under ../shared/scdl
REFERENCE_FILES = {
    "scdl/deliberations": "deliberations/schema.json",
    "scdl/subventions": "subventions/schema.json",
    "scdl/budget": "budget/schema.json",
    "scdl/equipements": "equipements/schema.json",
    "scdl/catalogue": "catalogue/schema.json",
    "scdl/prenoms": "prenoms/schema.json",
    "scdl/menus-collectifs": "menus-collectifs/schema.json",
    "scdl/plats-menus-collectifs": "plats-menus-collectifs/schema.json",
    "etalab/schema-irve-statique": "irve-statique/schema.json",
    "atlasante/schema-dae": "dae/schema.json",
}
EXPECTED_SLUGS = ["deliberations", "subventions", "budget", "equipements", "catalogue",
                  "prenoms", "menus-collectifs", "plats-menus-collectifs", "irve", "dae"]

# keys that are ours (words, examples, provenance of the official repository):
# everything else is a fact and must equal the reference
OURS = frozenset({"title", "description", "example", "examples", "contributors",
                  "created", "lastModified", "resources", "version"})
CONTRIBUTORS = [{"title": "ckanext-opendatalocale", "role": "author"}]

# EU Publications Office "frequency" authority table (the codes a portal may expect)
EU_FREQUENCIES = frozenset({
    "TRIDECENNIAL", "BIDECENNIAL", "DECENNIAL", "QUINQUENNIAL", "QUADRENNIAL",
    "TRIENNIAL", "BIENNIAL", "ANNUAL", "ANNUAL_2", "ANNUAL_3", "SEMIANNUAL",
    "QUARTERLY", "BIMONTHLY", "MONTHLY", "MONTHLY_2", "MONTHLY_3", "BIWEEKLY",
    "WEEKLY", "WEEKLY_2", "WEEKLY_3", "DAILY", "DAILY_2", "BIHOURLY", "TRIHOURLY",
    "HOURLY", "12HRS", "30MIN", "15MIN", "10MIN", "5MIN", "1MIN", "CONT",
    "UPDATE_CONT", "IRREG", "OTHER", "NEVER", "OP_DATPRO", "UNKNOWN", "AS_NEEDED",
    "NOT_PLANNED",
})
ENTRY_KEYS = {"slug", "id", "title", "description", "guide", "expected_frequency",
              "documentation_url", "schema_page", "default_version", "versions"}
GUIDE_KEYS = {"what", "who", "frequency"}
# a few everyday French words: a description without any of them is not French
FRENCH_WORDS = re.compile(r"\b(le|la|les|de|du|des|un|une|et|en|à|au|pour|par|sur|ou)\b",
                          re.IGNORECASE)


# -- loading -----------------------------------------------------------------
def load_catalogue() -> list[dict[str, Any]]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["schemas"]


def schema_path(entry: dict[str, Any], version: str | None = None) -> Path:
    return SCHEMAS / entry["id"] / str(version or entry["default_version"]) / "schema.json"


def load_ours(entry: dict[str, Any]) -> dict[str, Any]:
    return json.loads(schema_path(entry).read_text(encoding="utf-8"))


def need_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/scdl is not beside the repository: {SHARED} does not "
                    "exist, so the official reference schemas and catalogue cannot be "
                    "compared")


def load_reference(entry: dict[str, Any]) -> dict[str, Any]:
    need_shared()
    return json.loads((SHARED / REFERENCE_FILES[entry["id"]]).read_text(encoding="utf-8"))


def official_versions(schema_id: str) -> dict[str, str]:
    need_shared()
    data = json.loads(OFFICIAL_CATALOGUE.read_text(encoding="utf-8"))
    for schema in data["schemas"]:
        if schema["name"] == schema_id:
            return {v["version_name"]: v["schema_url"] for v in schema["versions"]}
    raise AssertionError(f"{schema_id} is not in {OFFICIAL_CATALOGUE}")


ENTRIES = load_catalogue()
ENTRY_IDS = [e.get("slug", "?") for e in ENTRIES]
entries = pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


# -- the catalogue -----------------------------------------------------------
def test_catalogue_is_well_formed():
    slugs = [e.get("slug") for e in ENTRIES]
    assert slugs == EXPECTED_SLUGS
    assert len(set(slugs)) == len(slugs), "duplicate slugs"
    assert len({e["id"] for e in ENTRIES}) == len(ENTRIES), "duplicate ids"
    for entry in ENTRIES:
        where = entry["slug"]
        assert set(entry) == ENTRY_KEYS, f"{where}: keys {sorted(set(entry) ^ ENTRY_KEYS)}"
        assert entry["id"] in REFERENCE_FILES, where
        for key in ("title", "description"):
            assert set(entry[key]) == {"fr", "en"}, f"{where}.{key}"
            assert all(isinstance(v, str) and v.strip() for v in entry[key].values())
        assert set(entry["guide"]) == GUIDE_KEYS, f"{where}.guide"
        assert all(isinstance(v, str) and v.strip() for v in entry["guide"].values())
        assert entry["expected_frequency"] in EU_FREQUENCIES, where
        assert entry["schema_page"] == f"https://schema.data.gouv.fr/{entry['id']}/", where
        assert entry["documentation_url"].startswith("https://"), where
        assert isinstance(entry["default_version"], str), f"{where}: quote the version"
        numbers = [v["version"] for v in entry["versions"]]
        assert all(isinstance(n, str) for n in numbers), f"{where}: quote the versions"
        assert entry["default_version"] in numbers, where
        assert numbers == sorted(numbers, key=lambda n: tuple(map(int, n.split(".")))), \
            f"{where}: versions are not oldest first"
        assert len(set(numbers)) == len(numbers), where
        for version in entry["versions"]:
            assert set(version) == {"version", "schema_url"}, where
            assert version["schema_url"].startswith(
                f"https://schema.data.gouv.fr/schemas/{entry['id']}/{version['version']}/"), where
            assert schema_path(entry, version["version"]).is_file(), \
                f"{where}: {schema_path(entry, version['version'])} is missing"


def test_catalogue_loads_in_the_plugin_code():
    # the plugin's own reader accepts the file (pure Python, no CKAN import)
    reader = pytest.importorskip("ckanext.opendatalocale.scdl.catalogue",
                                 reason="the catalogue reader is not in this checkout")
    catalogue = reader.Catalogue(SCHEMAS)
    assert catalogue.slugs == EXPECTED_SLUGS
    for entry in catalogue.entries:
        assert entry.latest.path.is_file()
        assert catalogue.resolve_url(entry.latest.schema_url) == (entry, entry.latest)


@entries
def test_catalogue_urls_are_the_official_ones(entry):
    official = official_versions(entry["id"])
    for version in entry["versions"]:
        assert version["version"] in official, \
            f"{entry['slug']} {version['version']} is not a published version"
        assert version["schema_url"] == official[version["version"]]
    if entry["id"] == "etalab/schema-irve-statique":
        assert entry["documentation_url"] == (
            "https://doc.transport.data.gouv.fr/producteurs/"
            "infrastructures-de-recharge-de-vehicules-electriques-irve")
    else:
        assert entry["documentation_url"] == entry["schema_page"]


# -- the schema files ----------------------------------------------------------
@entries
def test_schema_file_exists_with_the_catalogue_version(entry):
    path = schema_path(entry)
    assert path.is_file(), f"{path} is missing"
    ours = load_ours(entry)
    assert ours["version"] == entry["default_version"]
    assert ours["contributors"] == CONTRIBUTORS
    for key in ("created", "lastModified", "resources"):
        assert key not in ours, f"{entry['slug']}: {key} describes the official repository"


def normalise(schema: dict[str, Any]) -> dict[str, Any]:
    """The facts of a Table Schema: everything but the keys that are ours."""
    def strip(mapping: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in mapping.items() if k not in OURS}

    facts = strip(schema)
    fields = []
    for field in schema.get("fields", []):
        field = strip(field)
        if isinstance(field.get("arrayItem"), dict):
            field["arrayItem"] = strip(field["arrayItem"])
        fields.append(field)
    facts["fields"] = fields
    return facts


def readable_diff(reference: dict[str, Any], ours: dict[str, Any]) -> str:
    def lines(data):
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).splitlines()

    return "\n".join(difflib.unified_diff(lines(reference), lines(ours), "reference",
                                          "ours", lineterm="", n=4))


@entries
def test_facts_equal_the_reference(entry):
    reference, ours = load_reference(entry), load_ours(entry)
    ref_names = [f["name"] for f in reference["fields"]]
    our_names = [f["name"] for f in ours["fields"]]
    assert our_names == ref_names, "field names or order differ:\n" + "\n".join(
        difflib.unified_diff(ref_names, our_names, "reference", "ours", lineterm=""))
    facts_ref, facts_ours = normalise(reference), normalise(ours)
    assert facts_ours == facts_ref, (
        f"{entry['slug']}: the facts differ from {REFERENCE_FILES[entry['id']]}:\n"
        + readable_diff(facts_ref, facts_ours))
    # spelled out, so that a failure names the fact
    for ref_field, our_field in zip(facts_ref["fields"], facts_ours["fields"]):
        for key in ("type", "format", "constraints", "trueValues", "falseValues",
                    "decimalChar", "groupChar", "bareNumber", "arrayItem"):
            assert our_field.get(key) == ref_field.get(key), f"{our_field['name']}.{key}"
    for key in ("missingValues", "primaryKey", "foreignKeys", "fieldsMatch",
                "custom_checks", "$schema", "name", "countryCode", "homepage", "path"):
        assert facts_ours.get(key) == facts_ref.get(key), key


# -- our words -------------------------------------------------------------------
@entries
def test_every_field_has_french_words(entry):
    ours = load_ours(entry)
    for key in ("title", "description"):
        assert isinstance(ours.get(key), str) and ours[key].strip(), f"schema {key}"
    assert FRENCH_WORDS.search(ours["description"])
    for field in ours["fields"]:
        name = field["name"]
        assert isinstance(field.get("title"), str) and field["title"].strip(), name
        assert isinstance(field.get("description"), str) and field["description"].strip(), name
        assert FRENCH_WORDS.search(field["description"]), f"{name}: not French?"
        assert "example" in field, f"{name} has no example"


@entries
def test_descriptions_are_ours(entry):
    reference, ours = load_reference(entry), load_ours(entry)
    for key in ("title", "description"):
        assert not same_text(ours[key], reference.get(key, "")), f"schema {key} is copied"
    copied = [ours_f["name"] for ref_f, ours_f in zip(reference["fields"], ours["fields"])
              if same_text(ours_f["description"], ref_f.get("description") or "")]
    assert not copied, f"descriptions copied from the reference: {copied}"


def test_titles_are_mostly_ours():
    need_shared()
    total, same = 0, []
    for entry in ENTRIES:
        reference, ours = load_reference(entry), load_ours(entry)
        for ref_f, ours_f in zip(reference["fields"], ours["fields"]):
            total += 1
            if same_text(ours_f["title"], ref_f.get("title") or ""):
                same.append(f"{entry['slug']}.{ours_f['name']}")
    assert len(same) < 0.10 * total, f"{len(same)}/{total} titles are the reference's: {same}"


# -- examples --------------------------------------------------------------------
def example_cell(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def example_csv(schema: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f["name"] for f in schema["fields"]])
    writer.writerow([example_cell(f.get("example")) for f in schema["fields"]])
    return buffer.getvalue()


def frictionless_errors(schema: dict[str, Any]) -> list[str]:
    import frictionless

    descriptor = {k: v for k, v in schema.items() if k != "custom_checks"}
    table_schema = frictionless.Schema.from_descriptor(descriptor)
    resource = frictionless.Resource(data=example_csv(schema).encode("utf-8"),
                                     format="csv", schema=table_schema)
    report = frictionless.validate(resource)
    return [" / ".join(str(part) for part in error)
            for error in report.flatten(["type", "fieldName", "cell", "note"])]


# the same rules as frictionless 5 for the types and constraints the SCDL uses
def cast(field: dict[str, Any], cell: str) -> Any:
    kind, fmt = field.get("type", "string"), field.get("format", "default")
    if kind == "string":
        if fmt == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", cell):
            raise ValueError("not an email address")
        if fmt == "uri" and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$", cell):
            raise ValueError("not a URI")
        return cell
    if kind == "integer":
        return int(cell.strip())
    if kind == "number":
        text = cell.strip()
        group, point = field.get("groupChar", ""), field.get("decimalChar", ".")
        if field.get("bareNumber", True) is False:
            text = re.sub(r"((^[^-\d]*)|(\D*$))", "", text)
        if group:
            text = text.replace(group, "")
        if point != ".":
            if "." in text:
                raise ValueError("decimal point instead of " + point)
            text = text.replace(point, ".")
        return decimal.Decimal(text)
    if kind == "boolean":
        if cell in field.get("trueValues", ["true", "True", "TRUE", "1"]):
            return True
        if cell in field.get("falseValues", ["false", "False", "FALSE", "0"]):
            return False
        raise ValueError("not one of the true/false values")
    if kind == "date":
        return dt.datetime.strptime(cell, "%Y-%m-%d" if fmt == "default" else fmt).date()
    if kind == "datetime":
        if fmt != "default":
            return dt.datetime.strptime(cell, fmt)
        if len(cell) < 19 or cell[16] != ":":
            raise ValueError("not an ISO 8601 date and time")
        return dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    if kind == "year":
        if len(cell) != 4:
            raise ValueError("not a 4-digit year")
        return int(cell)
    if kind == "geopoint":
        if fmt == "array":
            lon, lat = json.loads(cell)
        elif fmt == "object":
            point = json.loads(cell)
            lon, lat = point["lon"], point["lat"]
        else:
            lon, lat = cell.split(",")
        lon, lat = decimal.Decimal(str(lon).strip()), decimal.Decimal(str(lat).strip())
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("out of range")
        return (lon, lat)
    if kind == "array":
        value = json.loads(cell)
        if not isinstance(value, list):
            raise ValueError("not a JSON array")
        return value
    raise AssertionError(f"type {kind} is not handled by the fallback check")


def constraint_errors(field: dict[str, Any], cell: str) -> list[str]:
    name, constraints = field["name"], field.get("constraints", {})
    try:
        value = cast(field, cell)
    except (ValueError, TypeError, ArithmeticError, KeyError) as error:
        return [f"{name}: {cell!r} is not a {field.get('type')}/"
                f"{field.get('format', 'default')} ({error})"]
    errors = []

    def bound(limit):
        return cast(field, str(limit)) if field.get("type") != "string" else limit

    if "pattern" in constraints and not re.match("^{0}$".format(constraints["pattern"]), cell):
        errors.append(f"{name}: {cell!r} does not match the pattern")
    if "enum" in constraints and value not in [bound(v) for v in constraints["enum"]]:
        errors.append(f"{name}: {cell!r} is not in the enum")
    if "minimum" in constraints and value < bound(constraints["minimum"]):
        errors.append(f"{name}: {cell!r} < minimum")
    if "maximum" in constraints and value > bound(constraints["maximum"]):
        errors.append(f"{name}: {cell!r} > maximum")
    if "minLength" in constraints and len(value) < constraints["minLength"]:
        errors.append(f"{name}: {cell!r} is shorter than minLength")
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        errors.append(f"{name}: {cell!r} is longer than maxLength")
    item = field.get("arrayItem")
    if field.get("type") == "array" and item:
        for element in value:
            errors += constraint_errors({"name": f"{name}[]", **item}, example_cell(element))
    return errors


def fallback_errors(schema: dict[str, Any]) -> list[str]:
    errors = []
    missing = schema.get("missingValues", [""])
    for field in schema["fields"]:
        cell = example_cell(field.get("example"))
        if cell in missing:
            continue  # checked below: every example is a real value
        errors += constraint_errors(field, cell)
    return errors


@entries
def test_examples_are_valid(entry):
    ours = load_ours(entry)
    missing = ours.get("missingValues", [""])
    empty = [f["name"] for f in ours["fields"] if example_cell(f.get("example")) in missing]
    assert not empty, f"fields without a real example: {empty}"
    try:
        import frictionless  # noqa: F401
    except ImportError:
        errors = fallback_errors(ours)
    else:
        errors = frictionless_errors(ours)
    assert not errors, f"{entry['slug']}: invalid examples:\n" + "\n".join(errors)


@entries
def test_fallback_check_rejects_broken_examples(entry):
    """The hand-written check is not a no-op: breaking one constrained example
    per field kind is caught."""
    ours = load_ours(entry)
    broken = 0
    for field in ours["fields"]:
        constraints = field.get("constraints", {})
        bad = None
        if "enum" in constraints:
            bad = "pas dans la liste"
        elif "pattern" in constraints:
            bad = "\u00f1\u00f1 !"
        elif field.get("type") in ("integer", "number", "date", "datetime", "year",
                                   "geopoint", "boolean", "array"):
            bad = "n/a"
        if bad is not None:
            assert constraint_errors(field, bad), f"{field['name']}: {bad!r} passed"
            broken += 1
    assert broken, "no constrained field to test"
