"""La dotation de données in the portal (issue 18, items 3, 4 and 6): a
national file imported gives each collectivité of the portal with rows a
private proposal, checked, with its provenance; those who publish for it
(its editors, the agents above) see and publish it, nobody else; a later
import rewrites only what changed, never a file the commune replaced; a
wrong file changes nothing."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.lib import uploader
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.dotation import imports
from tests.scdl.test_dotation import dae_national_row, national_irve, write_dae
from tests.territories.conftest import load

CESSON, RENNES = "35051", "35238"
EPCI = "epci-243500139"
PAGE = "https://transport.data.gouv.fr/datasets/fichier-consolide-des-bornes-de-recharge-pour-vehicules-electriques"


@pytest.fixture
def territory(clean_db, clean_queues):
    load({"departement": "35"})


def run(path: Path, source: str = "irve", territory: str | None = None,
        file_date: str = "2026-11-30") -> dict:
    territory_id = model.Group.get(territory).id if territory else None
    import_id = imports.start(source, str(path), None, territory_id, file_date, queue=False)
    return imports.run(import_id)


def proposal(source: str, commune: str) -> dict:
    return helpers.call_action("package_show", id=f"{source}-commune-{commune}")


def file_of(dataset: dict) -> str:
    [resource] = dataset["resources"]
    return uploader.get_resource_uploader(resource).get_path(resource["id"])


def activities(package_id: str) -> int:
    """Every activity of the dataset, the site user's too (CKAN hides those)."""
    site = helpers.call_action("get_site_user")["name"]
    return len(helpers.call_action("package_activity_list", context={"user": site},
                                   id=package_id, limit=100, include_hidden_activity=True))


def user_in(organization: str, role: str = "editor") -> dict:
    user = factories.User()
    helpers.call_action("organization_member_create", id=organization,
                        username=user["name"], role=role)
    return user


def as_user(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


@pytest.mark.usefixtures("territory")
class TestImport:
    def test_each_collectivite_with_rows_gets_a_private_checked_proposal(self, tmp_path):
        national_irve(tmp_path / "irve.csv", [CESSON] * 3 + [RENNES] * 2 + ["75108"] * 4
                      + ["29019"])
        state = run(tmp_path / "irve.csv")
        assert state["state"] == "done" and state["progress"] == 100
        counts = state["counts"]
        assert counts["created"] == 2 and counts["rows_kept"] == 5
        assert counts["rows_elsewhere"] == 5 and counts["collectivites_elsewhere"] == 2
        cesson = proposal("irve", CESSON)
        assert cesson["private"] and cesson["type"] == "irve"
        assert cesson["organization"]["name"] == f"commune-{CESSON}"
        assert "à vérifier" in cesson["notes"] and "30/11/2026" in cesson["notes"]
        assert cesson["url"] == PAGE
        with open(file_of(cesson), encoding="utf-8", newline="") as f:
            assert len(list(csv.DictReader(f))) == 3
        # checked like any file
        [resource] = cesson["resources"]
        assert helpers.call_action("resource_validation_show", resource_id=resource["id"])[
            "status"] == "success"
        # where the data came from, in the dataset
        provenance = cesson["scdl_dotation"]
        assert provenance["source"] == "irve" and provenance["date"] == "2026-11-30"
        assert provenance["url"] == str(tmp_path / "irve.csv") and provenance["proposal"]
        # nothing for a collectivité the portal does not hold
        with pytest.raises(Exception):
            helpers.call_action("package_show", id="irve-commune-75056")
        assert proposal("irve", RENNES)["num_resources"] == 1

    def test_only_the_territorys_collectivites_when_one_is_given(self, tmp_path):
        national_irve(tmp_path / "irve.csv", [CESSON] * 2 + ["35115"] * 3)   # Fougères
        state = run(tmp_path / "irve.csv", territory=EPCI)
        assert state["counts"]["created"] == 1 and state["counts"]["rows_elsewhere"] == 3
        assert proposal("irve", CESSON)

    def test_dae_proposals_are_conformant(self, tmp_path):
        write_dae(tmp_path / "geodae.csv", [dae_national_row(CESSON, f"S{n}") for n in range(3)])
        state = run(tmp_path / "geodae.csv", "dae")
        assert state["counts"]["created"] == 1
        [resource] = proposal("dae", CESSON)["resources"]
        assert helpers.call_action("resource_validation_show", resource_id=resource["id"])[
            "status"] == "success"

    def test_the_dcat_catalogue_says_where_published_data_came_from(self, tmp_path, app):
        national_irve(tmp_path / "irve.csv", [CESSON] * 2)
        run(tmp_path / "irve.csv")
        dataset = proposal("irve", CESSON)
        site = helpers.call_action("get_site_user")["name"]
        helpers.call_action("package_patch", context={"user": site}, id=dataset["id"],
                            private=False)
        from rdflib import Namespace, URIRef
        from tests.dcat.conftest import DCT, catalog, dataset_ref
        prov = Namespace("http://www.w3.org/ns/prov#")
        graph = catalog(app)
        ref = dataset_ref(graph, helpers.call_action("package_show", id=dataset["id"]))
        assert URIRef(PAGE) in set(graph.objects(ref, DCT.source))
        derived = set(graph.objects(ref, prov.wasDerivedFrom))
        assert len(derived) == 1


@pytest.mark.usefixtures("territory")
class TestRights:
    def test_its_editors_and_the_agents_above_see_and_publish_nobody_else(self, tmp_path):
        national_irve(tmp_path / "irve.csv", [CESSON] * 2 + [RENNES])
        run(tmp_path / "irve.csv")
        editor = user_in(f"commune-{CESSON}")
        agent = user_in(EPCI)
        other = user_in(f"commune-{RENNES}")
        outsider = factories.User()
        listed = helpers.call_action("scdl_dotation_proposal_list", context=as_user(editor),
                                     organization=f"commune-{CESSON}")
        assert [p["name"] for p in listed] == [f"irve-commune-{CESSON}"]
        assert helpers.call_action("scdl_dotation_proposal_list", context=as_user(agent),
                                   organization=f"commune-{CESSON}") == listed
        for stranger in (other, outsider):
            with pytest.raises(helpers.logic.NotAuthorized):
                helpers.call_action("scdl_dotation_proposal_list", context=as_user(stranger),
                                    organization=f"commune-{CESSON}")
            with pytest.raises(helpers.logic.NotAuthorized):
                helpers.call_action("scdl_dotation_publish", context=as_user(stranger),
                                    id=f"irve-commune-{CESSON}")
            with pytest.raises(helpers.logic.NotAuthorized):
                helpers.call_action("package_show", context=as_user(stranger),
                                    id=f"irve-commune-{CESSON}")
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("scdl_dotation_import", context=as_user(editor), source="irve",
                                url="https://example.org/irve.csv")
        # the EPCI's agent publishes for her commune
        published = helpers.call_action("scdl_dotation_publish", context=as_user(agent),
                                        id=f"irve-commune-{CESSON}")
        assert not published["private"] and "à vérifier" not in published["notes"]
        assert published["scdl_dotation"]["proposal"] is False
        assert helpers.call_action("scdl_dotation_proposal_list", context=as_user(editor),
                                   organization=f"commune-{CESSON}") == []
        with pytest.raises(helpers.logic.ValidationError):
            helpers.call_action("scdl_dotation_publish", context=as_user(editor),
                                id=f"irve-commune-{CESSON}")
        # a dataset no dotation wrote is no proposal
        mine = factories.Dataset(owner_org=model.Group.get(f"commune-{CESSON}").id)
        with pytest.raises(helpers.logic.NotFound):
            helpers.call_action("scdl_dotation_publish", context=as_user(editor), id=mine["id"])


@pytest.mark.usefixtures("territory")
class TestReimport:
    def test_the_same_file_again_writes_nothing(self, tmp_path):
        national_irve(tmp_path / "irve.csv", [CESSON] * 2)
        run(tmp_path / "irve.csv")
        dataset = proposal("irve", CESSON)
        before = (activities(dataset["id"]), dataset["metadata_modified"])
        again = run(tmp_path / "irve.csv")
        assert again["state"] == "done" and again["counts"] == {"same_file": True}
        after = proposal("irve", CESSON)
        assert (activities(dataset["id"]), after["metadata_modified"]) == before

    def test_only_collectivites_whose_rows_changed_are_rewritten(self, tmp_path):
        national_irve(tmp_path / "a.csv", [CESSON] * 2 + [RENNES] * 2)
        run(tmp_path / "a.csv")
        cesson, rennes = proposal("irve", CESSON), proposal("irve", RENNES)
        marks = {d["id"]: (activities(d["id"]), d["metadata_modified"]) for d in (cesson, rennes)}
        # another export: Cesson's rows in another order, Rennes has one more
        national_irve(tmp_path / "b.csv", [RENNES, CESSON, RENNES, CESSON, RENNES])
        text = (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
        a_lines = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
        # Cesson's two rows exactly as before (ids 0, 1), Rennes' 2, 3 and a new one
        body = [a_lines[2], a_lines[1], a_lines[3], a_lines[4], text[5]]
        (tmp_path / "b.csv").write_text("\n".join([text[0]] + body) + "\n", encoding="utf-8")
        state = run(tmp_path / "b.csv", file_date="2026-12-01")
        assert state["counts"]["unchanged"] == 1 and state["counts"]["updated"] == 1
        assert (activities(cesson["id"]), proposal("irve", CESSON)["metadata_modified"]) == \
            marks[cesson["id"]]
        rennes_after = proposal("irve", RENNES)
        assert activities(rennes["id"]) > marks[rennes["id"]][0]
        with open(file_of(rennes_after), encoding="utf-8", newline="") as f:
            assert len(list(csv.DictReader(f))) == 3
        assert rennes_after["scdl_dotation"]["date"] == "2026-12-01"

    def test_a_file_the_commune_replaced_is_never_overwritten(self, tmp_path):
        national_irve(tmp_path / "a.csv", [CESSON] * 2)
        run(tmp_path / "a.csv")
        editor = user_in(f"commune-{CESSON}")
        published = helpers.call_action("scdl_dotation_publish", context=as_user(editor),
                                        id=f"irve-commune-{CESSON}")
        [resource] = published["resources"]
        own = (tmp_path / "a.csv").read_bytes().splitlines()
        mine = b"\r\n".join(own[:2]) + b"\r\n"      # she keeps one point of charge
        helpers.call_action("resource_patch", context=as_user(editor), id=resource["id"],
                            upload=FileStorage(io.BytesIO(mine), "irve.csv",
                                               content_type="text/csv"))
        kept = file_sha256(file_of(proposal("irve", CESSON)))
        national_irve(tmp_path / "b.csv", [CESSON] * 3)
        state = run(tmp_path / "b.csv")
        assert state["counts"]["proposed"] == 1 and state["counts"]["updated"] == 0
        assert file_sha256(file_of(proposal("irve", CESSON))) == kept
        beside = helpers.call_action("package_show", id=f"irve-commune-{CESSON}-nouvelles-donnees")
        assert beside["private"] and beside["scdl_dotation"]["beside"]
        listed = helpers.call_action("scdl_dotation_proposal_list", context=as_user(editor),
                                     organization=f"commune-{CESSON}")
        assert [(p["name"], p["beside"]) for p in listed] == [(beside["name"], True)]
        # a third import with the same national rows: the proposal as it is
        national_irve(tmp_path / "c.csv", [CESSON] * 3)
        (tmp_path / "c.csv").write_bytes((tmp_path / "b.csv").read_bytes() + b"\n")
        assert run(tmp_path / "c.csv")["counts"]["unchanged"] == 1
        # publishing it puts the national rows into her dataset, the proposal goes
        helpers.call_action("scdl_dotation_publish", context=as_user(editor), id=beside["id"])
        with open(file_of(proposal("irve", CESSON)), encoding="utf-8", newline="") as f:
            assert len(list(csv.DictReader(f))) == 3
        assert helpers.call_action("package_show", id=beside["id"])["state"] == "deleted"
        # and the next import may update it again
        national_irve(tmp_path / "d.csv", [CESSON] * 4)
        assert run(tmp_path / "d.csv")["counts"]["updated"] == 1

    def test_a_proposal_the_commune_deleted_comes_back_only_with_new_rows(self, tmp_path):
        national_irve(tmp_path / "a.csv", [CESSON] * 2)
        run(tmp_path / "a.csv")
        site = helpers.call_action("get_site_user")["name"]
        helpers.call_action("package_delete", context={"user": site},
                            id=f"irve-commune-{CESSON}")
        (tmp_path / "b.csv").write_bytes((tmp_path / "a.csv").read_bytes() + b"\n")
        assert run(tmp_path / "b.csv")["counts"]["unchanged"] == 1
        national_irve(tmp_path / "c.csv", [CESSON] * 3)
        assert run(tmp_path / "c.csv")["counts"]["created"] == 1
        assert proposal("irve", CESSON)["state"] == "active"


@pytest.mark.usefixtures("territory")
class TestBadFiles:
    def no_dataset(self) -> None:
        count = model.Session.execute(sa.text(
            "SELECT count(*) FROM package WHERE type = 'irve' AND state = 'active'")).scalar()
        assert count == 0

    @pytest.mark.parametrize("content, word", [
        (b"a,b\n1,2\n", "no column"),
        (b"PK\x03\x04zip", "ZIP"),
        (b"<html>404</html>", "HTML")])
    def test_a_wrong_file_fails_with_a_message_and_changes_nothing(self, tmp_path, content,
                                                                   word):
        (tmp_path / "f.csv").write_bytes(content)
        state = run(tmp_path / "f.csv")
        assert state["state"] == "failed" and word in str(state["error"])
        self.no_dataset()

    def test_a_truncated_file_changes_nothing(self, tmp_path):
        national_irve(tmp_path / "a.csv", [CESSON, RENNES] * 30)
        data = (tmp_path / "a.csv").read_bytes()
        (tmp_path / "cut.csv").write_bytes(data[: len(data) // 2])
        state = run(tmp_path / "cut.csv")
        assert state["state"] == "failed"
        self.no_dataset()

    @pytest.mark.ckan_config("ckanext.opendatalocale.dotation.max_bytes", "1000")
    def test_a_file_too_large_is_refused(self, tmp_path):
        national_irve(tmp_path / "a.csv", [CESSON] * 30)
        state = run(tmp_path / "a.csv")
        assert state["state"] == "failed" and "larger" in str(state["error"])
        self.no_dataset()

    @pytest.mark.ckan_config("ckanext.opendatalocale.dotation.allow_private_addresses", "true")
    @pytest.mark.ckan_config("ckanext.opendatalocale.dotation.timeout", "5")
    def test_an_unreachable_address(self):
        import_id = imports.start("irve", "http://127.0.0.1:9/irve.csv", None, None, None,
                                  queue=False)
        state = imports.run(import_id)
        assert state["state"] == "failed" and state["error"]
        self.no_dataset()

    def test_the_api_refuses_wrong_parameters(self):
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"], "ignore_auth": False}
        for wrong in ({"source": "nope", "url": "https://example.org/a.csv"},
                      {"source": "irve", "url": "file:///etc/passwd"},
                      {"source": "irve", "url": "/etc/passwd"},
                      {"source": "irve", "url": "https://example.org/a.csv",
                       "file_date": "hier"},
                      {"source": "irve", "url": "https://example.org/a.csv",
                       "territory": "nowhere"},
                      {"source": "irve\x00", "url": "https://example.org/a.csv"}):
            with pytest.raises(helpers.logic.ValidationError):
                helpers.call_action("scdl_dotation_import", context=dict(context), **wrong)


@pytest.mark.usefixtures("territory")
def test_the_command_imports_a_file_now(tmp_path, cli):
    national_irve(tmp_path / "irve.csv", [CESSON] * 2)
    result = cli.invoke(ckan_command, ["opendatalocale", "dotation", "irve",
                                       str(tmp_path / "irve.csv"), "--date", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "2 rows read" in result.output or "2 lignes lues" in result.output
    assert proposal("irve", CESSON)["private"]
    bad = cli.invoke(ckan_command, ["opendatalocale", "dotation", "nope",
                                    str(tmp_path / "irve.csv")])
    assert bad.exit_code == 2
    missing = cli.invoke(ckan_command, ["opendatalocale", "dotation", "irve",
                                        str(tmp_path / "absent.csv")])
    assert missing.exit_code == 2
    (tmp_path / "wrong.csv").write_bytes(b"a,b\n1,2\n")
    wrong = cli.invoke(ckan_command, ["opendatalocale", "dotation", "irve",
                                      str(tmp_path / "wrong.csv")])
    assert wrong.exit_code == 1
