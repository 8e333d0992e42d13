"""The SCDL core's catalogue: pure Python, offline."""
import socket

import pytest

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue

TYPES = ["deliberations", "subventions", "budget", "equipements", "catalogue", "prenoms",
         "menus-collectifs", "plats-menus-collectifs", "irve", "dae"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The core never touches the network: any socket use fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the SCDL core opened a network connection")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_lists_the_ten_types_in_order():
    assert catalogue().slugs == TYPES


@pytest.mark.parametrize("name", ["deliberations", "scdl/deliberations"])
def test_finds_a_schema_by_slug_or_id(name):
    entry = catalogue().get(name)
    assert entry.slug == "deliberations" and entry.id == "scdl/deliberations"
    assert entry.title["fr"] and entry.title["en"]


def test_latest_version_is_the_default_one_and_its_table_schema_loads():
    entry = catalogue().get("etalab/schema-irve-statique")
    assert entry.slug == "irve"
    assert entry.latest.version == entry.default_version == "2.3.1"
    schema = entry.latest.table_schema()
    assert schema["version"] == "2.3.1"
    assert [f["name"] for f in schema["fields"]][:2] == ["nom_amenageur", "siren_amenageur"]


def test_canonical_url_resolves_to_the_local_file_and_back():
    url = ("https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/2.3.1/"
           "schema-statique.json")
    entry, version = catalogue().resolve_url(url)
    assert (entry.slug, version.version) == ("irve", "2.3.1")
    assert version.path.is_file() and version.schema_url == url
    # the same URL written loosely still resolves
    assert catalogue().resolve_url(" " + url.replace("https:", "http:") + "/ ")[1] is version


def test_unknown_urls_resolve_to_nothing():
    assert catalogue().resolve_url(
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/latest/schema.json") is None
    assert catalogue().resolve_url("https://example.org/schema.json") is None


def test_unknown_schema_names_the_known_ones():
    with pytest.raises(UnknownSchema) as error:
        catalogue().get("toilettes-publiques")
    assert error.value.known == TYPES
    assert "deliberations" in str(error.value)


def test_unknown_version_names_the_known_ones():
    with pytest.raises(UnknownVersion) as error:
        catalogue().get("subventions").version("9.9.9")
    assert error.value.known == ["2.1.1"]
    assert "2.1.1" in str(error.value)


def test_the_core_imports_nothing_of_ckan():
    import subprocess
    import sys
    code = ("import sys; import ckanext.opendatalocale.scdl as s; s.catalogue(); "
            "print(any(m == 'ckan' or m.startswith('ckan.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_several_versions_side_by_side(tmp_path):
    """Two versions of one schema live side by side: each URL resolves to its
    own file, the default one is the catalogue's choice."""
    import json

    from ckanext.opendatalocale.scdl import Catalogue

    for version, fields in (("1.0", ["A"]), ("2.0", ["A", "B"])):
        folder = tmp_path / "scdl" / "essai" / version
        folder.mkdir(parents=True)
        (folder / "schema.json").write_text(json.dumps(
            {"version": version, "fields": [{"name": f} for f in fields]}))
    (tmp_path / "catalogue.yaml").write_text("""
schemas:
  - slug: essai
    id: scdl/essai
    title: {fr: Essai, en: Test}
    description: {fr: Essai., en: Test.}
    expected_frequency: ANNUAL
    documentation_url: https://schema.data.gouv.fr/scdl/essai/
    default_version: "2.0"
    versions:
      - {version: "1.0", schema_url: "https://schema.data.gouv.fr/schemas/scdl/essai/1.0/schema.json"}
      - {version: "2.0", schema_url: "https://schema.data.gouv.fr/schemas/scdl/essai/2.0/schema.json"}
""")
    local = Catalogue(tmp_path)
    entry = local.get("essai")
    assert entry.latest.version == "2.0"
    old = local.resolve_url("https://schema.data.gouv.fr/schemas/scdl/essai/1.0/schema.json")[1]
    assert [f["name"] for f in old.table_schema()["fields"]] == ["A"]
    assert [f["name"] for f in entry.version("2.0").table_schema()["fields"]] == ["A", "B"]
