"""Each SCDL type as a CKAN dataset type, through the API."""
import pytest
from ckan.tests import factories, helpers
from ckan.logic import ValidationError

from ckanext.opendatalocale.scdl import catalogue

from .conftest import SLUGS


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("slug", SLUGS)
def test_each_type_is_created_with_its_defaults_and_found(app, create, commune, slug):
    entry = catalogue().get(slug)
    dataset = create(type=slug, name=f"jeu-{slug}", title=f"Jeu {slug}",
                     owner_org=commune["id"],
                     resources=[{"url": "http://example.org/fichier.csv", "format": "CSV"}])
    assert dataset["type"] == slug
    assert dataset["frequency"] == entry.expected_frequency
    assert dataset["license_id"] == "lov2"
    assert dataset["territory_code"] == "35051"  # from the organisation commune-35051
    resource = dataset["resources"][0]
    assert resource["schema_version"] == entry.default_version
    assert resource["schema"] == entry.latest.schema_url

    found = helpers.call_action("package_search", fq=f"dataset_type:{slug}", **{
        "facet.field": '["dataset_type", "vocab_scdl_schema_version"]'})
    assert [d["name"] for d in found["results"]] == [f"jeu-{slug}"]
    assert found["facets"]["vocab_scdl_schema_version"] == {entry.default_version: 1}
    types = found["search_facets"]["dataset_type"]["items"]
    assert types[0]["display_name"] == entry.title["fr"]

    page = app.get(f"/{slug}/")
    assert page.status_code == 200 and f"Jeu {slug}" in page.body


@pytest.mark.usefixtures("clean_db")
class TestFields:
    def test_territory_code_given_is_kept_normalised(self, create, commune):
        dataset = create(type="budget", name="budget-corse", owner_org=commune["id"],
                         territory_code=" 2a004 ")
        assert dataset["territory_code"] == "2A004"

    @pytest.mark.parametrize("code", ["243500139", "35", "974", "53", "97411"])
    def test_other_territory_codes(self, create, commune, code):
        assert create(type="budget", name=f"b-{code}", owner_org=commune["id"],
                      territory_code=code)["territory_code"] == code

    @pytest.mark.parametrize("code", ["3505", "243500138", "ABCDE", "350511"])
    def test_invalid_territory_code_is_a_field_error(self, create, commune, code):
        with pytest.raises(ValidationError) as error:
            create(type="budget", name="jeu-b", owner_org=commune["id"], territory_code=code)
        assert "territory_code" in error.value.error_dict

    def test_organisation_that_is_not_a_territory_leaves_the_code_empty(self, create):
        org = factories.Organization(name="association-x")
        assert not create(type="budget", name="jeu-b", owner_org=org["id"])["territory_code"]

    def test_licence_outside_the_choices_is_a_field_error(self, create, commune):
        with pytest.raises(ValidationError) as error:
            create(type="budget", name="jeu-b", owner_org=commune["id"], license_id="cc-by-nc")
        assert "license_id" in error.value.error_dict

    def test_odbl_is_accepted(self, create, commune):
        assert create(type="budget", name="jeu-b", owner_org=commune["id"],
                      license_id="odc-odbl")["license_id"] == "odc-odbl"

    def test_frequency_outside_the_vocabulary_is_a_field_error(self, create, commune):
        with pytest.raises(ValidationError) as error:
            create(type="budget", name="jeu-b", owner_org=commune["id"], frequency="SOMETIMES")
        assert "frequency" in error.value.error_dict

    def test_temporal_coverage_end_before_start(self, create, commune):
        with pytest.raises(ValidationError) as error:
            create(type="budget", name="jeu-b", owner_org=commune["id"],
                   temporal_start="2025-01-01", temporal_end="2024-12-31")
        assert "temporal_end" in error.value.error_dict

    def test_unknown_schema_version_names_the_supported_ones(self, create, commune):
        with pytest.raises(ValidationError) as error:
            create(type="subventions", name="jeu-s", owner_org=commune["id"],
                   resources=[{"url": "http://x/s.csv", "schema_version": "1.0"}])
        assert "2.1.1" in str(error.value.error_dict)

    def test_canonical_url_alone_sets_the_version(self, create, commune):
        url = "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
        resource = create(type="subventions", name="jeu-s", owner_org=commune["id"],
                          resources=[{"url": "http://x/s.csv", "schema": url}])["resources"][0]
        assert (resource["schema_version"], resource["schema"]) == ("2.1.1", url)

    def test_a_foreign_schema_url_is_replaced_by_the_type_s_own(self, create, commune):
        resource = create(type="subventions", name="jeu-s", owner_org=commune["id"], resources=[
            {"url": "http://x/s.csv", "schema": "https://example.org/other.json"}])["resources"][0]
        assert resource["schema"] == catalogue().get("subventions").latest.schema_url


@pytest.mark.usefixtures("clean_db")
def test_plain_datasets_are_untouched(create, commune):
    dataset = create(name="plain", owner_org=commune["id"], license_id="cc-by")
    assert dataset["type"] == "dataset" and dataset["license_id"] == "cc-by"
    assert "territory_code" not in dataset
