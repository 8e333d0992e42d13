"""Accessibility (RGAA) and phone layout of the portal's pages, in Chromium.

Each page at 1280 px and at 390 px (a phone): axe-core reports no violation
of any impact, the page has one h1 and the banner, navigation, main and
contentinfo landmarks; at 390 px nothing is wider than the window. Every page
is shot to /tmp/shots/a11y-<page>-<width>.png for a person to look at.

The scene is tests/report/conftest.py's: Ille-et-Vilaine with SCDL datasets,
Cesson-Sévigné's subventions file checked and refused (its report has errors).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from ckan.tests import factories, helpers

from .browser_checks import (assert_landmarks, assert_no_overflow, assert_one_h1,
                             axe_context, axe_violations)
from .report.conftest import scene  # noqa: F401  (fixture)

PASSWORD = "Motdepasse-2026!"
SHOTS = Path("/tmp/shots")

PUBLIC_PAGES = {
    "home": "/",
    "datasets": "/dataset/",
    "dataset": "/subventions/subventions-cesson",
    "resource": "/subventions/subventions-cesson/resource/{resource}",
    "socle-commun": "/socle-commun/",
    "guides": "/guides",
    "guide-actor": "/guides/agent-accompagnateur",
    "guide": "/socle-commun/deliberations/",
    "observatoire": "/observatoire",
    "observatoire-epci": "/observatoire/epci-243500139",
    "organization": "/organization/commune-35051",
    "organizations": "/organization/",
    "login": "/user/login",
}
EDITOR_PAGES = {
    "dataset-form": "/dataset/new",
    "scdl-form": "/subventions/new",
    "edit-form": "/subventions/edit/subventions-cesson",
    "resource-form": "/subventions/subventions-cesson/resource/new",
    "chooser": "/socle-commun/",
    "dashboard": "/dashboard/datasets",
    "activity": "/dataset/activity/subventions-cesson",
    "dataset-groups": "/dataset/groups/subventions-cesson",
}


@pytest.fixture
def portal(scene):  # noqa: F811
    factories.User(name="secretaire", password=PASSWORD)
    helpers.call_action("organization_member_create", id="commune-35051",
                        username="secretaire", role="editor")
    [resource] = helpers.call_action("package_show", id="subventions-cesson")["resources"]
    take_a_month_of_snapshots()  # the observatoire pages' charts
    return {"resource": resource["id"]}


def take_a_month_of_snapshots() -> None:
    import ckan.model as model
    from ckanext.opendatalocale.report import history
    from ckanext.opendatalocale.report.views import month_before
    history.take(month_before(history.today()))
    history.take(history.today())
    model.Session.commit()


def log_in(page, live_server):
    page.goto(live_server + "/user/login")
    page.fill("#field-login", "secretaire")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/dashboard|/user/"))


def problems(page, name: str, width: int) -> list[str]:
    """Everything wrong with the page as it is, one line each."""
    found = [f"axe: {violation}" for violation in axe_violations(page)]
    for check in (assert_one_h1, assert_landmarks) + ((assert_no_overflow,) if width < 600 else ()):
        try:
            check(page)
        except AssertionError as error:
            found.append(str(error))
    page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"), full_page=True)
    return found


def assert_none(found: dict[str, list[str]]) -> None:
    report = "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
    assert report == "", "\n" + report


def visit(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 390])
def test_public_pages_are_accessible(live_server, browser, portal, width):
    SHOTS.mkdir(exist_ok=True)
    context = axe_context(browser, width=width)
    page = context.new_page()
    found = {}
    for name, path in PUBLIC_PAGES.items():
        visit(page, live_server + path.format(**portal))
        found[name] = problems(page, name, width)
    context.close()
    assert_none(found)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_s_forms_are_accessible(live_server, browser, portal, width):
    SHOTS.mkdir(exist_ok=True)
    context = axe_context(browser, width=width)
    page = context.new_page()
    log_in(page, live_server)
    found = {}
    for name, path in EDITOR_PAGES.items():
        visit(page, live_server + path)
        found[name] = problems(page, name, width)
    context.close()
    assert_none(found)
