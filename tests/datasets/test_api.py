"""scdl_schema_list and scdl_schema_show, through the HTTP API."""
import pytest

from ckanext.opendatalocale.scdl import catalogue

from .conftest import SLUGS


@pytest.mark.usefixtures("non_clean_db")
class TestSchemaApi:
    def test_list(self, app):
        result = app.get("/api/3/action/scdl_schema_list").json["result"]
        assert [s["slug"] for s in result] == SLUGS
        irve = result[SLUGS.index("irve")]
        assert irve["id"] == "etalab/schema-irve-statique"
        assert irve["versions"][-1] == {
            "version": "2.3.1",
            "schema_url": "https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/"
                          "2.3.1/schema-statique.json"}

    @pytest.mark.parametrize("name", ["dae", "atlasante/schema-dae"])
    def test_show_by_slug_or_id(self, app, name):
        result = app.get("/api/3/action/scdl_schema_show", query_string={"id": name}).json["result"]
        assert result["slug"] == "dae" and result["version"] == "1.0.7"
        assert result["table_schema"] == catalogue().get("dae").latest.table_schema()

    def test_show_a_version(self, app):
        result = app.get("/api/3/action/scdl_schema_show",
                         query_string={"id": "budget", "version": "0.8.3"}).json["result"]
        assert result["schema_url"].endswith("/scdl/budget/0.8.3/schema.json")

    def test_unknown_schema_is_a_404_naming_the_known_ones(self, app):
        error = app.get("/api/3/action/scdl_schema_show", query_string={"id": "toilettes"},
                        status=404).json["error"]
        assert "deliberations" in error["message"] and "dae" in error["message"]

    def test_unknown_version_is_a_404_naming_the_known_ones(self, app):
        error = app.get("/api/3/action/scdl_schema_show",
                        query_string={"id": "budget", "version": "9.9"}, status=404).json["error"]
        assert "0.8.3" in error["message"]

    def test_missing_id_is_a_409(self, app):
        error = app.get("/api/3/action/scdl_schema_show", status=409).json["error"]
        assert "id" in error
