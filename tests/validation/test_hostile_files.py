"""Hostile files cannot exhaust the portal: limits before parsing, each check
in its own process with a memory and a time limit, a budget for the check at
upload, and never a status stuck "en cours"."""
import io
import resource
import time
import zipfile

import pytest
import xlsxwriter
from rq import connections as rq_connections
from ckan.lib import jobs
from ckan.lib import redis as ckan_redis
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers

from .conftest import VALID, status, upload

MB = 1_000_000


def web_memory() -> int:
    """This process's peak resident memory, in bytes (Linux: kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def duplicate_header() -> bytes:
    return (",".join(["x"] * 500_000) + "\n").encode()


def wide_csv() -> bytes:
    return (",".join(f"c{i}" for i in range(10_000)) + "\n"
            + ",".join(["1"] * 10_000) + "\n").encode()


def workbook_bomb() -> bytes:
    """A real workbook (xlsxwriter) whose sheet hides 300 MB of blank XML."""
    plain = io.BytesIO()
    book = xlsxwriter.Workbook(plain)
    book.add_worksheet().write(0, 0, "nomAttribuant")
    book.close()
    source = zipfile.ZipFile(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                out.writestr(member, source.read(member))
                continue
            xml = source.read(member)
            with out.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(xml[:-len("</worksheet>")])
                for _ in range(300):
                    sheet.write(b" " * MB)
                sheet.write(b"</worksheet>")
    return bomb.getvalue()


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("content, name, says", [
    (duplicate_header(), "entete.csv",
     "La première ligne du fichier (les noms des colonnes) dépasse 65 536 octets"),
    (wide_csv(), "colonnes.csv", "Le fichier a 10 000 colonnes : c'est plus que la limite "
                                 "de 500 colonnes"),
    (workbook_bomb(), "bombe.xlsx", "Le classeur, une fois décompressé, fait 300 Mo : c'est "
                                    "plus que la limite de 200 Mo"),
], ids=["1 MB header of duplicate names", "10 000 columns", "workbook bomb"])
def test_a_hostile_upload_is_answered_at_once(app, add_file, content, name, says):
    """Once: a request held 207 s, a web process grown to 21.8 GB. The
    bomb, too big once inflated for the upload's budget, is the worker's."""
    assert len(content) <= MB  # small enough to be checked during the upload
    memory, start = web_memory(), time.monotonic()
    resource_ = add_file(content, name)
    assert time.monotonic() - start < 5
    assert web_memory() - memory < 100 * MB
    Worker().work(burst=True)
    validation = status(resource_["id"])
    assert validation["status"] == "failure"
    [error] = validation["report"]["errors"]
    # French groups digits with a narrow no-break space: « 10 000 »
    assert says in error["message"].replace("\u202f", " ")
    assert app.get(resource_["url"]).data == content  # kept, downloadable


@pytest.fixture
def another_commune(editor):
    org = factories.Organization(name="commune-35238")
    dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                  type="subventions", name="subventions-rennes",
                                  title="Subventions Rennes", owner_org=org["id"])

    def add_file(content: bytes):
        return helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=dataset["id"], name="f.csv", format="CSV",
                                   upload=upload(content))
    return add_file


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.max_columns", 10**6)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.max_header_bytes", 10**7)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.max_memory_bytes", 130 * MB)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_timeout", 3)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.timeout", 10)
def test_a_file_past_the_limits_is_stopped_by_its_process(app, add_file, another_commune):
    """With the limits before parsing lifted, the 1 MB header grows its
    check without bound: its process is stopped (memory or time), the web
    process and the other commune's check carry on."""
    memory, start = web_memory(), time.monotonic()
    hostile = add_file(duplicate_header(), "entete.csv")
    assert time.monotonic() - start < 3 + 3
    assert web_memory() - memory < 100 * MB
    with helpers.changed_config(
            "ckanext.opendatalocale.validation.synchronous_max_bytes", 10):
        other = another_commune(VALID)  # queued after the hostile one, if it was
    Worker().work(burst=True)
    validation = status(hostile["id"])
    assert validation["status"] == "error"
    assert ("plus de mémoire que les 130 Mo accordés" in validation["error"]
            or "temps maximal de" in validation["error"])
    assert status(other["id"])["status"] == "success"
    assert app.get(hostile["url"]).data == duplicate_header()


def slow_file(rows: int) -> bytes:
    header, row = VALID.decode().splitlines()[:2]
    return (header + "\r\n" + (row + "\r\n") * rows).encode()


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10 * MB)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_timeout", 1)
def test_over_the_upload_budget_the_worker_checks_the_file(app, add_file):
    content = slow_file(20_000)  # a few seconds of checking
    start = time.monotonic()
    resource_ = add_file(content)
    assert time.monotonic() - start < 1 + 3
    assert status(resource_["id"])["status"] == "running"
    assert app.get(resource_["url"]).data == content
    Worker().work(burst=True)
    validation = status(resource_["id"])
    assert validation["status"] == "success" and validation["report"]["rows"] == 20_000


@pytest.mark.usefixtures("clean_db")
def test_a_workbook_inflating_past_the_upload_budget_goes_to_the_worker(add_file):
    """Its directory says how big it gets, read without inflating it."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b" " * (30 * MB))
    resource_ = add_file(content.getvalue(), "classeur.xlsx")
    assert status(resource_["id"])["status"] == "running"
    Worker().work(burst=True)
    assert status(resource_["id"])["status"] == "failure"  # blank XML: no workbook


@pytest.fixture
def redis_unreachable(app, monkeypatch, ckan_config):
    """Nothing listens on port 1: CKAN's connection pool and queues anew
    (after the app, which reloads the configuration)."""
    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    monkeypatch.setattr(jobs, "_queues", {})
    yield
    # CKAN also pushes its connection on RQ's own stack (jobs._connect)
    def unreachable_on_top() -> bool:
        top = rq_connections.get_current_connection()
        return top is not None and top.connection_pool.connection_kwargs.get("port") == 1
    while unreachable_on_top():
        rq_connections.pop_connection()


@pytest.mark.usefixtures("clean_db", "redis_unreachable")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
def test_with_redis_unreachable_the_upload_succeeds_with_status_error(app, editor,
                                                                      subventions):
    """Once: a 500, yet the resource created and "en cours" for an hour."""
    token = helpers.call_action("api_token_create", context={"user": editor["name"]},
                                user=editor["name"], name="t")["token"]
    response = app.post("/api/action/resource_create", headers={"Authorization": token},
                        data={"package_id": subventions["id"], "name": "f.csv",
                              "format": "CSV", "upload": (io.BytesIO(VALID), "f.csv")})
    assert response.status_code == 200, response.body
    resource_ = response.json["result"]
    validation = status(resource_["id"])
    assert validation["status"] == "error"
    assert "La vérification n'a pas pu être lancée" in validation["error"]
    assert app.get(resource_["url"]).data == VALID
    page = app.get(f"/subventions/subventions-2025/resource/{resource_['id']}").body
    assert "La vérification n&#39;a pas pu être lancée" in page
    # a new check, asked for at once, needs no queue
    helpers.call_action("resource_validation_run", context={"user": editor["name"]},
                        resource_id=resource_["id"], **{"async": False})
    assert status(resource_["id"])["status"] == "success"


def token_of(user: dict) -> str:
    return helpers.call_action("api_token_create", context={"user": user["name"]},
                               user=user["name"], name="t")["token"]


@pytest.mark.usefixtures("clean_db")
def test_a_check_in_error_is_offered_again_on_the_page(app, editor, add_file, monkeypatch):
    from ckanext.opendatalocale.validation import runner

    def crash(*args, **kwargs):
        raise MemoryError("simulated")
    monkeypatch.setattr(runner, "validate_isolated", crash)
    resource_ = add_file(VALID)
    assert status(resource_["id"])["status"] == "error"
    monkeypatch.undo()
    check_again = f"/dataset/subventions-2025/resource/{resource_['id']}/verifier"
    page = f"/subventions/subventions-2025/resource/{resource_['id']}"
    editor_page = app.get(page, headers={"Authorization": token_of(editor)}).body
    assert "Vérifier de nouveau" in editor_page
    assert f"/resource/{resource_['id']}/verifier\"" in editor_page
    assert "Vérifier de nouveau" not in app.get(page).body
    outsider = app.post(check_again, headers={"Authorization": token_of(factories.User())})
    assert outsider.status_code == 403
    assert status(resource_["id"])["status"] == "error"
    response = app.post(check_again, headers={"Authorization": token_of(editor)},
                        follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/subventions/subventions-2025/resource/{resource_['id']}")
    assert status(resource_["id"])["status"] == "success"
    assert app.post("/dataset/subventions-2025/resource/nope/verifier",
                    headers={"Authorization": token_of(editor)}).status_code == 404
