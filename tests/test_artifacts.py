"""A failing browser journey leaves screenshots behind (test-artifacts/)."""
from __future__ import annotations

from tests import conftest


def test_screenshots_of_every_open_page_are_kept(browser, tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "ARTIFACTS", tmp_path)
    page = browser.new_page()
    page.set_content("<h1>Journée ratée</h1>")
    other = browser.new_context().new_page()
    other.set_content("<p>deuxième</p>")
    conftest._keep_screenshots(browser, "tests/x.py::test_journee[390]")
    [folder] = tmp_path.iterdir()
    assert folder.name == "tests_x.py_test_journee_390_"
    assert sorted(p.name for p in folder.iterdir()) == [
        "page-1.png", "page-1.url", "page-2.png", "page-2.url"]
    assert (folder / "page-1.png").read_bytes().startswith(b"\x89PNG")
