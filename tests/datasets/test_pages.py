"""The socle-commun pages: type picker, guides, templates."""
import csv
import io

import frictionless
import pytest

from ckanext.opendatalocale.scdl import catalogue

from .conftest import SLUGS


def schema_without_custom_checks(slug: str) -> frictionless.Schema:
    table_schema = catalogue().get(slug).latest.table_schema()
    table_schema.pop("custom_checks", None)
    return frictionless.Schema.from_descriptor(table_schema)


@pytest.mark.usefixtures("non_clean_db")
class TestPages:
    def test_picker_lists_every_type_with_one_sentence_and_links(self, app):
        body = app.get("/socle-commun/").body
        assert "Ajouter un jeu de données du socle commun" in body
        for entry in catalogue().entries:
            assert entry.description["fr"] in body.replace("&#39;", "'")
            assert f'href="/{entry.slug}/new"' in body
            assert f'href="/socle-commun/{entry.slug}/"' in body

    @pytest.mark.parametrize("slug", SLUGS)
    def test_guide_has_a_row_per_field_and_the_official_link(self, app, slug):
        entry = catalogue().get(slug)
        body = app.get(f"/socle-commun/{slug}/").body
        for field in entry.latest.table_schema()["fields"]:
            assert f'id="field-{field["name"]}"' in body
        assert entry.documentation_url in body
        assert f"/socle-commun/{slug}/modele.csv" in body

    @pytest.mark.parametrize("slug", SLUGS)
    def test_guide_describes_patterns_in_words(self, app, slug):
        from bs4 import BeautifulSoup
        body = BeautifulSoup(app.get(f"/socle-commun/{slug}/").body, "html.parser")
        for field in catalogue().get(slug).latest.table_schema()["fields"]:
            pattern = field.get("constraints", {}).get("pattern")
            if not pattern:
                continue
            row = body.find(id=f"field-{field['name']}").get_text(" ")
            assert pattern not in row and "\\d" not in row and "^" not in row, row
            assert "Forme attendue" in row

    def test_guide_says_a_siret_is_fourteen_digits(self, app):
        from bs4 import BeautifulSoup
        body = BeautifulSoup(app.get("/socle-commun/deliberations/").body, "html.parser")
        assert "Forme attendue : 14 chiffres." in body.find(id="field-COLL_SIRET").get_text(" ")
        english = BeautifulSoup(app.get("/en/socle-commun/deliberations/").body, "html.parser")
        assert "Expected form: 14 digits." in english.find(id="field-COLL_SIRET").get_text(" ")

    @pytest.mark.parametrize("slug", SLUGS)
    def test_csv_template_is_valid_against_the_schema(self, app, slug, tmp_path):
        response = app.get(f"/socle-commun/{slug}/modele.csv")
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.body)))
        fields = catalogue().get(slug).latest.table_schema()["fields"]
        assert rows[0] == [f["name"] for f in fields] and len(rows) == 2
        (tmp_path / "t.csv").write_bytes(response.data)
        report = frictionless.validate(frictionless.Resource(
            path="t.csv", basepath=str(tmp_path), schema=schema_without_custom_checks(slug)))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    @pytest.mark.parametrize("slug", SLUGS)
    def test_excel_template_is_valid_against_the_schema(self, app, slug, tmp_path):
        response = app.get(f"/socle-commun/{slug}/modele.xlsx")
        (tmp_path / "t.xlsx").write_bytes(response.data)
        report = frictionless.validate(frictionless.Resource(
            path="t.xlsx", basepath=str(tmp_path), schema=schema_without_custom_checks(slug),
            control=frictionless.formats.ExcelControl(sheet="Données")))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    def test_unknown_type_is_a_404_naming_the_known_ones(self, app):
        body = app.get("/socle-commun/toilettes/", status=404).body
        assert "deliberations" in body and "dae" in body

    def test_unknown_version_is_a_404_naming_the_supported_ones(self, app):
        body = app.get("/socle-commun/budget/modele.csv", query_string={"version": "0.1"},
                       status=404).body
        assert "0.8.3" in body

    def test_dataset_page_offers_the_socle_commun_to_editors(self, app):
        from ckan.tests import factories
        token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
        body = app.get("/dataset/", headers={"Authorization": token}).body
        assert 'href="/socle-commun/"' in body
