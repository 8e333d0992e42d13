"""Online entry's API: rows checked as typed (the validator's own messages
on their cells), a draft's rows written and read page by page, a pasted
block added, the draft saved into a new dataset, a new file or a reopened
one; rights are the file's; a file saved by another editor meanwhile is
never overwritten; hostile values are refused with a message."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.opendatalocale.entry import drafts
from ckanext.opendatalocale.scdl import catalogue

from tests.validation.test_offline_and_links import files_server  # noqa: F401 (fixture)

from .conftest import SIRET, row

pytestmark = pytest.mark.usefixtures("clean_db")
VERSION = catalogue().get("deliberations").latest.version


def call(action: str, user: dict, **data):
    """The action as the API calls it: with the user's rights checked."""
    return helpers.call_action(action, context={"user": user["name"], "ignore_auth": False},
                               **data)


def new_draft(user: dict, organisation: dict) -> str:
    from ckan import model
    return drafts.open_new(model.User.get(user["name"]).id, organisation["id"],
                           "deliberations", VERSION)


def stored(resource: dict) -> bytes:
    return Path(uploader.get_resource_uploader(resource).get_path(resource["id"])).read_bytes()


def test_rows_are_checked_with_the_validators_words(secretary):
    result = call("scdl_entry_check", secretary, type="deliberations", rows=[
        row(), row(DELIB_ID="DEL2026_002", VOTE_REEL="26", DELIB_DATE="13/03/2026")])
    good, wrong = result["rows"]
    assert good["valid"] and good["errors"] == {}
    assert list(wrong["errors"]) == ["VOTE_REEL"]
    assert "VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION" in wrong["errors"]["VOTE_REEL"][0]
    assert wrong["values"]["DELIB_DATE"] == "2026-03-13"
    # outside a request, in the portal's language (ckan.locale_default)
    assert wrong["conversions"]["DELIB_DATE"]["label"] == (
        "Date écrite comme le schéma l’attend (année-mois-jour)")


def test_a_draft_is_written_read_by_pages_and_saved_as_a_new_dataset(secretary, commune):
    draft = new_draft(secretary, commune)
    written = call("scdl_entry_update", secretary, id=draft,
                   rows=[row(DELIB_ID=f"DEL2026_{n:03d}") for n in range(1, 26)],
                   title="Délibérations 2026")
    assert len(written["ids"]) == 25 and written["total"] == 25
    page = call("scdl_entry_rows", secretary, id=draft, page=2, size=20)
    assert page["last_page"] == 2 and page["total"] == 25 and len(page["data"]) == 5
    assert page["data"][0]["DELIB_ID"] == "DEL2026_021" and page["data"][0]["_id"]
    # a row changed, a row deleted
    first = call("scdl_entry_rows", secretary, id=draft, page=1, size=20)["data"]
    call("scdl_entry_update", secretary, id=draft, rows=[dict(first[0], DELIB_OBJET="Budget")],
         delete=[first[1]["_id"]])
    assert call("scdl_entry_rows", secretary, id=draft, size=1)["data"][0]["DELIB_OBJET"] == \
        "Budget"
    saved = call("scdl_entry_save", secretary, id=draft)
    assert saved["rows"] == 24 and saved["validation_status"] == "success"
    dataset = helpers.call_action("package_show", id=saved["package_id"])
    assert dataset["title"] == "Délibérations 2026" and dataset["private"] is False
    assert dataset["type"] == "deliberations" and dataset["owner_org"] == commune["id"]
    [resource] = dataset["resources"]
    assert resource["format"] == "CSV" and resource["url_type"] == "upload"
    text = stored(resource).decode("utf-8")
    assert text.splitlines()[0].startswith("COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE")
    assert len(text.splitlines()) == 25
    assert drafts.get(draft) is None            # the draft is done
    with pytest.raises(tk.ObjectNotFound):
        call("scdl_entry_rows", secretary, id=draft)


def test_an_empty_draft_is_not_saved(secretary, commune):
    draft = new_draft(secretary, commune)
    call("scdl_entry_update", secretary, id=draft, rows=[{"COLL_NOM": ""}])
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_save", secretary, id=draft)
    assert "at least one row" in str(refused.value)
    assert drafts.get(draft) is not None


def test_a_pasted_block_from_a_semicolon_export_is_added_and_converted(secretary, commune):
    draft = new_draft(secretary, commune)
    lines = ["DELIB_ID;DELIB_DATE;DELIB_MATIERE_CODE;DELIB_MATIERE_NOM;DELIB_OBJET;"
             "VOTE_EFFECTIF;VOTE_REEL;VOTE_POUR;VOTE_CONTRE;VOTE_ABSTENTION;REMARQUE"]
    lines += [f"DEL2026_{n:03d};{n:02d}/04/2026;7.1;Finances locales/Décisions budgétaires;"
              f"Objet {n};29;27;20;5;2;à voir" for n in range(1, 11)]
    result = call("scdl_entry_paste", secretary, id=draft, text="\r\n".join(lines),
                  locked=[{"name": "COLL_NOM", "value": "Cesson-Sévigné"},
                          {"name": "COLL_SIRET", "value": SIRET}])
    assert result["added"] == 10 and result["total"] == 10
    assert result["converted"] == 10 and result["ignored"] == ["REMARQUE"]
    rows = call("scdl_entry_rows", secretary, id=draft, size=20)["data"]
    assert rows[0]["DELIB_DATE"] == "2026-04-01" and rows[0]["COLL_SIRET"] == SIRET
    assert call("scdl_entry_save", secretary, id=draft)["validation_status"] == "success"


def test_an_uploaded_file_is_reopened_and_a_row_added(secretary, commune):
    from ckan import model
    from tests.validation.conftest import upload
    dataset = call("package_create", secretary, type="deliberations", name="delib-2026",
                   owner_org=commune["id"])
    content = ("COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,"
               "DELIB_OBJET,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION\r\n"
               + ",".join(row().values()) + "\r\n").encode("utf-8")
    resource = call("resource_create", secretary, package_id=dataset["id"], format="CSV",
                    upload=upload(content, "deliberations.csv"))
    user_id = model.User.get(secretary["name"]).id
    draft = drafts.open_file(user_id, commune["id"], "deliberations", VERSION, resource)
    assert drafts.open_file(user_id, commune["id"], "deliberations", VERSION, resource) == draft
    assert call("scdl_entry_rows", secretary, id=draft)["data"][0]["DELIB_ID"] == "DEL2026_001"
    call("scdl_entry_update", secretary, id=draft, rows=[row(DELIB_ID="DEL2026_002")])
    saved = call("scdl_entry_save", secretary, id=draft)
    assert saved["resource_id"] == resource["id"] and saved["rows"] == 2
    assert saved["validation_status"] == "success"
    lines = stored(helpers.call_action("resource_show", id=resource["id"])).decode().splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == ["DEL2026_001", "DEL2026_002"]


def test_a_file_saved_by_another_editor_meanwhile_is_not_overwritten(secretary, commune):
    from ckan import model
    from tests.validation.conftest import upload
    other = factories.User()
    helpers.call_action("organization_member_create", id=commune["id"], username=other["name"],
                        role="editor")
    dataset = call("package_create", secretary, type="deliberations", name="delib-2026",
                   owner_org=commune["id"])
    header = ",".join(row().keys())
    first = (header + "\r\n" + ",".join(row().values()) + "\r\n").encode()
    resource = call("resource_create", secretary, package_id=dataset["id"], format="CSV",
                    upload=upload(first, "deliberations.csv"))
    mine = drafts.open_file(model.User.get(secretary["name"]).id, commune["id"],
                            "deliberations", VERSION, resource)
    theirs = drafts.open_file(model.User.get(other["name"]).id, commune["id"],
                              "deliberations", VERSION, resource)
    call("scdl_entry_update", other, id=theirs, rows=[row(DELIB_ID="DEL2026_009")])
    call("scdl_entry_save", other, id=theirs)
    after_theirs = stored(helpers.call_action("resource_show", id=resource["id"]))
    call("scdl_entry_update", secretary, id=mine, rows=[row(DELIB_ID="DEL2026_002")])
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_save", secretary, id=mine)
    assert "Another editor saved this file" in str(refused.value)
    assert stored(helpers.call_action("resource_show", id=resource["id"])) == after_theirs
    assert drafts.count(mine) == 2              # her rows kept


def test_a_draft_is_its_authors_and_follows_her_rights(secretary, commune):
    draft = new_draft(secretary, commune)
    stranger = factories.User()
    for action in ("scdl_entry_rows", "scdl_entry_update", "scdl_entry_save",
                   "scdl_entry_delete"):
        with pytest.raises(tk.NotAuthorized):
            call(action, stranger, id=draft)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("scdl_entry_check", context={"user": "", "ignore_auth": False},
                            type="deliberations", rows=[row()])
    # removed from her organisation, she loses her draft's rights at once
    helpers.call_action("organization_member_delete",
                        context={"user": factories.Sysadmin()["name"]}, id=commune["id"],
                        username=secretary["name"])
    with pytest.raises(tk.NotAuthorized):
        call("scdl_entry_update", secretary, id=draft, rows=[row()])


@pytest.mark.parametrize("values, field", [
    ({"DELIB_OBJET": "a\x00b"}, "DELIB_OBJET"),
    ({"DELIB_OBJET": "x" * 10_001}, "DELIB_OBJET"),
], ids=["nul", "huge-cell"])
def test_hostile_values_are_refused_with_a_message(secretary, commune, values, field):
    draft = new_draft(secretary, commune)
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_update", secretary, id=draft, rows=[row(**values)])
    assert field in refused.value.error_dict
    assert drafts.count(draft) == 0


def test_too_many_rows_at_once_and_unknown_types_are_refused(secretary):
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_check", secretary, type="deliberations", rows=[row()] * 501)
    assert "At most 500 rows" in str(refused.value)
    with pytest.raises(tk.ValidationError):
        call("scdl_entry_check", secretary, type="toilettes", rows=[row()])
    with pytest.raises(tk.ValidationError):
        call("scdl_entry_check", secretary, type="deliberations", rows="pas une liste")


def test_a_file_deleted_meanwhile_loses_no_row(secretary, commune):
    """She types in a reopened file; another editor deletes the file: saving
    says so, keeps her rows, and saving again publishes them as a new file."""
    from ckan import model
    from tests.validation.conftest import upload
    dataset = call("package_create", secretary, type="deliberations", name="delib-2026",
                   owner_org=commune["id"])
    first = (",".join(row()) + "\r\n" + ",".join(row().values()) + "\r\n").encode()
    resource = call("resource_create", secretary, package_id=dataset["id"], format="CSV",
                    upload=upload(first, "deliberations.csv"))
    draft = drafts.open_file(model.User.get(secretary["name"]).id, commune["id"],
                             "deliberations", VERSION, resource)
    call("scdl_entry_update", secretary, id=draft, rows=[row(DELIB_ID="DEL2026_002")])
    call("resource_delete", secretary, id=resource["id"])
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_save", secretary, id=draft)
    assert "deleted meanwhile" in str(refused.value)
    assert drafts.count(draft) == 2
    saved = call("scdl_entry_save", secretary, id=draft)
    assert saved["package_id"] == dataset["id"] and saved["resource_id"] != resource["id"]
    assert saved["rows"] == 2 and saved["validation_status"] == "success"


@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_linked_file_is_reopened_and_its_site_never_overwritten(app, secretary, commune,
                                                                   files_server):  # noqa: F811
    folder, base = files_server
    header = ",".join(row())
    (folder / "delib.csv").write_text(header + "\r\n" + ",".join(row().values()) + "\r\n",
                                      encoding="utf-8")
    dataset = call("package_create", secretary, type="deliberations", name="delib-2026",
                   owner_org=commune["id"])
    resource = call("resource_create", secretary, package_id=dataset["id"], format="CSV",
                    url=f"{base}/delib.csv")
    token = helpers.call_action("api_token_create", context={"user": secretary["name"]},
                                user=secretary["name"], name="t")["token"]
    opened = app.post(f"/dataset/delib-2026/resource/{resource['id']}/saisir",
                      headers={"Authorization": token}, follow_redirects=False)
    assert opened.status_code == 302 and "/saisie/" in opened.headers["Location"]
    draft = opened.headers["Location"].rsplit("/", 1)[1]
    assert call("scdl_entry_rows", secretary, id=draft)["data"][0]["DELIB_ID"] == "DEL2026_001"
    call("scdl_entry_update", secretary, id=draft, rows=[row(DELIB_ID="DEL2026_002")])
    # changed on its site meanwhile: not overwritten
    (folder / "delib.csv").write_text(header + "\r\n" + ",".join(row(DELIB_OBJET="Autre")
                                                                 .values()) + "\r\n",
                                      encoding="utf-8")
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_save", secretary, id=draft)
    assert "Another editor saved this file" in str(refused.value)
    # opened again, saved: the resource holds the file typed here, the site's unchanged
    reopened = app.post(f"/dataset/delib-2026/resource/{resource['id']}/saisir",
                        headers={"Authorization": token}, follow_redirects=False)
    draft = reopened.headers["Location"].rsplit("/", 1)[1]
    call("scdl_entry_update", secretary, id=draft, rows=[row(DELIB_ID="DEL2026_003")])
    saved = call("scdl_entry_save", secretary, id=draft)
    now = helpers.call_action("resource_show", id=resource["id"])
    assert now["url_type"] == "upload" and saved["rows"] == 2
    assert "Autre" in (folder / "delib.csv").read_text(encoding="utf-8")


def test_an_internal_address_is_not_downloaded(app, secretary, commune):
    dataset = call("package_create", secretary, type="deliberations", name="delib-2026",
                   owner_org=commune["id"])
    resource = call("resource_create", secretary, package_id=dataset["id"], format="CSV",
                    url="http://127.0.0.1:9/secret.csv")
    token = helpers.call_action("api_token_create", context={"user": secretary["name"]},
                                user=secretary["name"], name="t")["token"]
    opened = app.post(f"/dataset/delib-2026/resource/{resource['id']}/saisir",
                      headers={"Authorization": token})
    assert opened.status_code == 200
    from bs4 import BeautifulSoup
    said = " ".join(BeautifulSoup(opened.body, "html.parser").select_one(
        ".flash-messages").get_text(" ").split())
    assert "Le fichier lié n'a pas été téléchargé : adresse interne refusée" in said
    from ckan import model
    from ckanext.opendatalocale.entry.model import entry_table
    with model.meta.engine.connect() as conn:
        assert conn.execute(entry_table.select()).first() is None


@pytest.mark.parametrize("text, said", [
    ("DELIB_ID\nD1\x00\n", "cannot be pasted"),
    ("DELIB_ID\n" + "D1\n" * 3_000_000, "cannot be pasted"),
    ("   \n\n", "Paste the rows"),
], ids=["nul", "over-5-MB", "blank"])
def test_a_hostile_pasted_block_is_refused_and_adds_nothing(secretary, commune, text, said):
    draft = new_draft(secretary, commune)
    with pytest.raises(tk.ValidationError) as refused:
        call("scdl_entry_paste", secretary, id=draft, text=text)
    assert said in str(refused.value)
    assert drafts.count(draft) == 0


def test_a_script_in_a_pasted_cell_or_a_title_stays_text(app, secretary, commune):
    draft = new_draft(secretary, commune)
    script = "<script>alert(1)</script>"
    call("scdl_entry_paste", secretary, id=draft,
         text="DELIB_ID;DELIB_OBJET\nD1;" + script + "\n")
    assert call("scdl_entry_rows", secretary, id=draft)["data"][0]["DELIB_OBJET"] == script
    call("scdl_entry_update", secretary, id=draft, rows=[], title=script)
    token = helpers.call_action("api_token_create", context={"user": secretary["name"]},
                                user=secretary["name"], name="t")["token"]
    page = app.get(f"/saisie/{draft}", headers={"Authorization": token}).body
    assert script not in page.split('id="scdl-entry-config"')[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the grid's settings are JSON in a data block: no tag can close it
    config = page.split('id="scdl-entry-config">')[1].split("</script>")[0]
    assert "<script" not in config
