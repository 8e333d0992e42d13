"""``ckan opendatalocale territories load``: the COG as organisations, in
bulk, idempotent, in one transaction."""
from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.opendatalocale.territories import cog, loader

from .conftest import COG, load, org

pytestmark = pytest.mark.usefixtures("clean_db")


def run(cli, *args):
    return cli.invoke(ckan, ["opendatalocale", "territories", "load", *args])


def tree_rows() -> list:
    """Everything the loader writes, to compare two states."""
    return [sorted(model.Session.execute(sa.text(q)).all()) for q in (
        'SELECT id, name, title, state, type, is_organization FROM "group"',
        "SELECT id, group_id, key, value, state FROM group_extra",
        "SELECT id, group_id, table_id, table_name, capacity, state FROM member")]


def count_organizations() -> int:
    return model.Session.execute(sa.text(
        'SELECT count(*) FROM "group" WHERE is_organization')).scalar()


def test_a_departement_with_its_epci_and_communes(cli):
    result = run(cli, "--source", str(COG), "--departement", "35")
    assert result.exit_code == 0, result.output
    assert "352 territories: 352 created" in result.output
    # 332 communes, 18 EPCI touching Ille-et-Vilaine, the département, Bretagne
    levels = dict(model.Session.execute(sa.text(
        "SELECT value, count(*) FROM group_extra WHERE key = 'territory_level' "
        "GROUP BY value")).all())
    assert levels == {"commune": 332, "epci": 18, "departement": 1, "region": 1}

    rennes = org("commune-35238")
    assert rennes["title"] == "Rennes"
    assert (rennes["territory_level"], rennes["territory_code"], rennes["siren"]) == \
        ("commune", "35238", "213502388")
    assert rennes["population"] == "230890" and rennes["obligation"] == "true"
    assert [g["name"] for g in rennes["groups"]] == ["epci-243500139"]
    assert [g["name"] for g in org("epci-243500139")["groups"]] == ["departement-35"]
    assert [g["name"] for g in org("departement-35")["groups"]] == ["region-53"]
    assert org("epci-243500139")["territory_code"] == "243500139"


def test_small_communes_are_not_obliged():
    load({"departement": "35"})
    small = [t for t in cog.read(COG).scope(departement="35")
             if t.level == "commune" and t.population and t.population <= 3500][0]
    assert org(small.name)["obligation"] == "false"


def test_an_epci_hangs_under_the_departement_of_most_of_its_population(bretagne):
    # CA Redon Agglomération: communes in 35, 44 and 56, most people in 35
    assert [g["name"] for g in org("epci-243500741")["groups"]] == ["departement-35"]
    # its communes of the Morbihan still hang under it
    morbihan = [c for c in cog.read(COG).epci["243500741"]["membres"]
                if c["code"].startswith("56")][0]
    assert [g["name"] for g in org(f"commune-{morbihan['code']}")["groups"]] == \
        ["epci-243500741"]


def test_a_commune_without_epci_hangs_under_its_departement(bretagne):
    assert [g["name"] for g in org("commune-22016")["groups"]] == ["departement-22"]


def test_a_second_run_changes_nothing(cli):
    assert run(cli, "--source", str(COG), "--region", "53").exit_code == 0
    before = tree_rows()
    result = run(cli, "--source", str(COG), "--region", "53")
    assert result.exit_code == 0, result.output
    assert "0 created, 0 renamed, 0 moved, 0 updated" in result.output
    model.Session.expire_all()
    assert tree_rows() == before


def test_the_loader_completes_existing_organisations_of_the_same_name():
    existing = factories.Organization(name="commune-35238", title="Ville de Rennes")
    load({"departement": "35"})
    rennes = org("commune-35238")
    assert rennes["id"] == existing["id"]
    assert rennes["title"] == "Rennes" and rennes["territory_code"] == "35238"


@pytest.fixture
def next_vintage(tmp_path):
    """A copy of the fixture to edit as a new COG vintage would."""
    source = tmp_path / "cog"
    shutil.copytree(COG, source)

    def edit(name, change):
        path = source / name
        rows = json.loads(path.read_text())
        change(rows)
        path.write_text(json.dumps(rows, ensure_ascii=False))
    edit.source = source
    return edit


def test_a_new_vintage_renames_moves_and_merges_without_losing_datasets(
        bretagne, next_vintage, cli):
    chief, absorbed, renamed = "35238", "35051", "35024"
    # datasets of the commune about to be absorbed: one public, one private
    absorbed_org = org(f"commune-{absorbed}")
    kept = factories.Dataset(owner_org=absorbed_org["id"], title="Budget de Cesson")
    hidden = factories.Dataset(owner_org=absorbed_org["id"], private=True)
    # a commune changes its name; Cesson-Sévigné becomes a commune déléguée of
    # Rennes; Acigné (35001) leaves Rennes Métropole for Liffré-Cormier (243500774)
    def communes(rows):
        for row in rows:
            if row["code"] == renamed and row["type"] == "commune-actuelle":
                row["nom"] = "Nouveau nom"
            if row["code"] == absorbed and row["type"] == "commune-actuelle":
                row["type"] = "commune-deleguee"
                row["chefLieu"] = chief
    next_vintage("communes.json", communes)

    def epci(rows):
        by_code = {e["code"]: e for e in rows}
        for e in rows:
            e["membres"] = [m for m in e["membres"]
                            if m["code"] not in (absorbed, "35001")]
        by_code["243500774"]["membres"].append({"code": "35001", "nom": "Acigné"})
    next_vintage("epci.json", epci)
    moved_dataset = factories.Dataset(owner_org=org("commune-35001")["id"])

    result = run(cli, "--source", str(next_vintage.source), "--region", "53")
    assert result.exit_code == 0, result.output
    assert "1 renamed, 1 moved" in result.output and "1 marked as merged" in result.output
    model.Session.expire_all()

    assert org(f"commune-{renamed}")["title"] == "Nouveau nom"
    merged = org(f"commune-{absorbed}")
    assert merged["territory_status"] == "merged" and merged["merged_into"] == \
        f"commune-{chief}"
    assert [g["name"] for g in merged["groups"]] == [f"commune-{chief}"]
    # the datasets are still there, reachable from the commune nouvelle
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": kept["id"]})
    below_rennes = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": 'vocab_territories:"commune-35238"', "include_private": True})
    assert {d["id"] for d in below_rennes["results"]} == {kept["id"], hidden["id"]}
    # the moved commune's datasets follow it in the index
    assert [g["name"] for g in org("commune-35001")["groups"]] == ["epci-243500774"]
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": 'vocab_territories:"epci-243500774"'})
    assert moved_dataset["id"] in {d["id"] for d in found["results"]}
    # and a further run changes nothing
    again = run(cli, "--source", str(next_vintage.source), "--region", "53")
    assert "0 created, 0 renamed, 0 moved, 0 updated, 0 marked as merged" in again.output


@pytest.mark.parametrize("args, message", [
    (["--departement", "99"], "unknown département code '99'"),
    (["--departement", "53"], "it is a région: use --region"),
    (["--region", "35"], "it is a département: use --departement"),
    (["--region", "53", "--departement", "35"], "exactly one of"),
    ([], "exactly one of"),
])
def test_bad_codes_exit_2_and_write_nothing(cli, args, message):
    result = run(cli, "--source", str(COG), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert count_organizations() == 0


def test_a_missing_source_exits_2(cli, tmp_path):
    result = run(cli, "--source", str(tmp_path / "nowhere"), "--all")
    assert result.exit_code == 2 and "is not a folder" in result.output
    shutil.copytree(COG, tmp_path / "cog")
    (tmp_path / "cog" / "epci.json").unlink()
    result = run(cli, "--source", str(tmp_path / "cog"), "--all")
    assert result.exit_code == 2 and "epci.json is missing" in result.output
    assert count_organizations() == 0


@pytest.mark.parametrize("content, message", [
    ('[{"code": "35238", "nom": "Ren', "is not valid JSON"),
    ('{"type": "FeatureCollection"}', "is not a list of territories"),
    ("\x00\x01binary", "is not valid JSON"),
])
def test_a_corrupt_source_exits_2_and_writes_nothing(cli, tmp_path, content, message):
    shutil.copytree(COG, tmp_path / "cog")
    (tmp_path / "cog" / "communes.json").write_text(content)
    result = run(cli, "--source", str(tmp_path / "cog"), "--all")
    assert result.exit_code == 2 and message in result.output
    assert count_organizations() == 0


def test_a_partial_source_exits_2(cli, next_vintage):
    def drop_departements(rows):
        del rows[1:]
    next_vintage("departements.json", drop_departements)
    result = run(cli, "--source", str(next_vintage.source), "--region", "53")
    assert result.exit_code == 2 and "inconsistent or partial" in result.output
    assert count_organizations() == 0


def test_a_load_interrupted_midway_leaves_nothing(next_vintage):
    territories = cog.read(COG)
    wanted = territories.scope(region="53")
    seen = []

    def interrupt(n):
        seen.append(n)
        if len(seen) == 200:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        loader.load_in_transaction(model.meta.engine, territories, wanted, interrupt)
    assert count_organizations() == 0
