"""`ckan opendatalocale datasets retype`: SCDL types to plain datasets and back,
losing nothing."""
import pytest
from ckan import plugins
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers

from .conftest import SLUGS

COMPARED = ("title", "notes", "owner_org", "territory_code", "frequency", "license_id",
            "temporal_start", "maintainer")


def show(name):
    return helpers.call_action("package_show", id=name)


@pytest.fixture
def one_of_each(create, commune):
    for slug in SLUGS:
        create(type=slug, name=f"jeu-{slug}", title=f"Jeu {slug}", owner_org=commune["id"],
               notes="Notes", temporal_start="2025-01-01", maintainer="Mairie",
               resources=[{"url": f"http://example.org/{slug}.csv", "format": "CSV"}])
    return {slug: show(f"jeu-{slug}") for slug in SLUGS}


@pytest.mark.usefixtures("clean_db")
def test_there_and_back_loses_nothing(cli, one_of_each, app):
    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "dataset"])
    assert result.exit_code == 0, result.output
    assert f"{len(SLUGS)} dataset(s) retyped" in result.output
    for slug, before in one_of_each.items():
        plain = show(f"jeu-{slug}")
        assert plain["type"] == "dataset"
        extras = {e["key"]: e["value"] for e in plain.get("extras", [])}
        assert extras["scdl_type"] == slug
        assert extras["territory_code"] == before["territory_code"]
        assert extras["frequency"] == before["frequency"]
        assert plain["resources"][0]["schema"] == before["resources"][0]["schema"]
    found = helpers.call_action("package_search", fq="dataset_type:dataset")
    assert found["count"] == len(SLUGS)

    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "scdl"])
    assert result.exit_code == 0, result.output
    for slug, before in one_of_each.items():
        after = show(f"jeu-{slug}")
        assert after["type"] == slug
        assert {k: after.get(k) for k in COMPARED} == {k: before.get(k) for k in COMPARED}
        assert after["resources"][0]["schema_version"] == before["resources"][0]["schema_version"]
        assert "scdl_type" not in {e["key"] for e in after.get("extras", [])}
    assert helpers.call_action("package_search", fq="dataset_type:budget")["count"] == 1


@pytest.mark.usefixtures("clean_db")
def test_only_the_types_named(cli, one_of_each):
    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "dataset",
                                       "budget", "dae"])
    assert result.exit_code == 0, result.output
    assert show("jeu-budget")["type"] == show("jeu-dae")["type"] == "dataset"
    assert show("jeu-prenoms")["type"] == "prenoms"


@pytest.mark.usefixtures("clean_db")
def test_unknown_type_is_refused(cli):
    result = cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "dataset",
                                       "toilettes"])
    assert result.exit_code != 0
    assert "unknown SCDL types toilettes" in result.output


@pytest.mark.usefixtures("clean_db")
def test_retyped_datasets_keep_the_portal_working_without_the_plugin(cli, one_of_each, app):
    """The reason for the command: without their plugin, SCDL-typed datasets
    break CKAN's listings; retyped, they are plain datasets the portal lists."""
    cli.invoke(ckan_command, ["opendatalocale", "datasets", "retype", "--to", "dataset"])
    plugins.unload("scheming_datasets", "opendatalocale_datasets")
    try:
        body = app.get("/dataset/").body
        assert "Jeu budget" in body and "Jeu dae" in body
    finally:
        plugins.load("scheming_datasets", "opendatalocale_datasets")
