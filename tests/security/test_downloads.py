"""Uploaded files are never served as a document of the portal's origin:
attachments (unless a browser only displays their type), sandboxed, nosniff."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from ckan.plugins.toolkit import config
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

SCRIPT = b"<script>document.title='owned'</script>"
SANDBOX = "sandbox; default-src 'none'"

FILES = {  # name: (content, type CKAN guesses from the name)
    "rapport.html": (b"<html><body>" + SCRIPT + b"</body></html>", "text/html"),
    "carte.svg": (b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>",
                  "image/svg+xml"),
    "page.xhtml": (b'<html xmlns="http://www.w3.org/1999/xhtml">' + SCRIPT + b"</html>",
                   "application/xhtml+xml"),
    "flux.xml": (b"<?xml version='1.0'?><a/>", "application/xml"),
    "outil.js": (b"alert(1)", "text/javascript"),
    "deliberation.pdf": (b"%PDF-1.4\n%%EOF", "application/pdf"),
    "archive.bin": (b"\x00\x01\x02", None),
    "photo.png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "notes.txt": (b"bonjour", "text/plain"),
    "budget.csv": (b"annee;montant\n2025;12\n", "text/csv"),
}
ATTACHED = ["rapport.html", "carte.svg", "page.xhtml", "flux.xml", "outil.js",
            "deliberation.pdf", "archive.bin"]
INLINE = ["photo.png", "notes.txt", "budget.csv"]


@pytest.fixture
def dataset(clean_db):
    """A dataset of an organisation, and its editor."""
    editor = factories.User()
    organization = factories.Organization(
        users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = helpers.call_action("package_create", {"user": editor["name"]},
                                  name="rapports", owner_org=organization["id"])
    return {"editor": editor, "dataset": dataset}


def upload(dataset, name: str, **fields):
    content, _ = FILES[name]
    return helpers.call_action(
        "resource_create", {"user": dataset["editor"]["name"]},
        package_id=dataset["dataset"]["id"], name=name,
        upload=FileStorage(io.BytesIO(content), name), **fields)


def download(app, dataset, resource, with_name: bool = True):
    url = f"/dataset/{dataset['dataset']['id']}/resource/{resource['id']}/download"
    return app.get(url + (f"/{resource['name']}" if with_name else ""))


def test_documents_and_unknown_types_are_attachments(app, dataset):
    for name in ATTACHED:
        response = download(app, dataset, upload(dataset, name))
        assert response.status_code == 200, name
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert response.headers["Content-Security-Policy"] == SANDBOX, name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        if FILES[name][1]:
            assert response.mimetype == FILES[name][1]


def test_images_and_plain_text_stay_inline_but_sandboxed(app, dataset):
    for name in INLINE:
        response = download(app, dataset, upload(dataset, name))
        assert response.mimetype == FILES[name][1]
        assert response.headers["Content-Disposition"] == f"inline; filename={name}"
        assert response.headers["Content-Security-Policy"] == SANDBOX, name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name


def test_a_download_without_a_file_name_is_an_attachment(app, dataset):
    response = download(app, dataset, upload(dataset, "rapport.html"), with_name=False)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == SANDBOX


def test_the_editor_cannot_declare_html_as_an_image(app, dataset):
    """The response type is the resource's ``mimetype``, which the editor
    sets: the decision follows what is sent, whatever the file name."""
    resource = upload(dataset, "photo.png", mimetype="text/html")
    response = download(app, dataset, resource)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_each_dataset_type_download_route_is_covered(app, dataset):
    resource = upload(dataset, "rapport.html")
    url = f"/dataset/{dataset['dataset']['name']}/resource/{resource['id']}/download"
    for prefix in ("/dataset", "/deliberations", "/subventions"):
        response = app.get(url.replace("/dataset", prefix, 1))
        assert response.status_code == 200, prefix
        assert response.headers["Content-Disposition"].startswith("attachment"), prefix
        assert response.headers["Content-Security-Policy"] == SANDBOX


@pytest.fixture
def stored_image():
    """A file in ckan.storage_path's uploads, as group, user and site images are."""
    folder = Path(config["ckan.storage_path"]) / "storage" / "uploads" / "group"
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str) -> str:
        path = folder / f"security-test-{name}"
        path.write_bytes(FILES[name][0])
        written.append(path)
        return f"/uploads/group/{path.name}"

    yield write
    for path in written:
        path.unlink()


def test_uploaded_images_of_groups_are_sandboxed_too(app, stored_image):
    svg = app.get(stored_image("carte.svg"))
    assert svg.status_code == 200
    assert svg.headers["Content-Disposition"].startswith("attachment")
    assert svg.headers["Content-Security-Policy"] == SANDBOX
    assert svg.headers["X-Content-Type-Options"] == "nosniff"
    png = app.get(stored_image("photo.png"))
    assert not png.headers.get("Content-Disposition", "").startswith("attachment")
    assert png.headers["Content-Security-Policy"] == SANDBOX


def test_the_portal_own_static_files_are_not_sandboxed(app):
    response = app.get("/base/images/ckan-logo.png")
    assert response.status_code == 200
    assert "sandbox" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
