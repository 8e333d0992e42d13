"""Checks any browser journey can run on a Playwright page.

    from tests.browser_checks import (axe_context, axe_violations, assert_no_overflow,
                                      assert_one_h1, assert_landmarks)

    context = axe_context(browser, width=390)       # CSP bypassed: see below
    page = context.new_page()
    page.goto(live_server + "/dataset/")
    assert axe_violations(page) == []
    assert_one_h1(page); assert_landmarks(page); assert_no_overflow(page)

axe-core comes from npm (``bash tools/ensure_axe.sh``, run by ``make test``,
into ``.axe/node_modules``): its absence fails the checks, it never skips
them. The portal's pages send ``Content-Security-Policy: script-src 'self'``,
which forbids the script axe is injected as: run axe in a context made by
``axe_context`` (``bypass_csp=True``), for these checks only — the other
journeys keep the policy, which is part of what they test.
"""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_context(browser, width: int = 1280, height: int = 900, **options):
    """A browser context that lets axe be injected (page CSP bypassed),
    asking for French as the portal's visitors do (Accept-Language)."""
    options.setdefault("locale", "fr-FR")
    return browser.new_context(viewport={"width": width, "height": height},
                               bypass_csp=True, **options)


def axe_violations(page) -> list[str]:
    """axe-core's violations of any impact on the page as it is, one line each
    (rule, impact, the first nodes' selectors), so that an assertion
    ``== []`` says what is wrong."""
    assert AXE.is_file(), f"axe-core is missing ({AXE}): run `bash tools/ensure_axe.sh`"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # every rule axe runs by default (WCAG 2.x A/AA and best practices)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in results["violations"]]


def assert_no_overflow(page) -> None:
    """Nothing wider than the window: no horizontal scrolling of the page."""
    width, window = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{page.url}: the page is {width} px wide in a {window} px window"


def assert_one_h1(page) -> None:
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{page.url}: h1 {headings}"


LANDMARKS = {
    "banner": "header, [role=banner]",
    "navigation": "nav, [role=navigation]",
    "main": "main, [role=main]",
    "contentinfo": "footer, [role=contentinfo]",
}


def assert_landmarks(page) -> None:
    """A banner, a navigation, one main and a contentinfo."""
    missing = [name for name, selector in LANDMARKS.items()
               if page.locator(selector).count() == 0]
    assert missing == [], f"{page.url}: no {', '.join(missing)} landmark"
    assert page.locator("main, [role=main]").count() == 1, f"{page.url}: more than one main"


def type_title(page, title: str) -> None:
    """Type a dataset's title as a person does, once CKAN's script that
    writes the address from the title is ready (typed earlier, on a slow
    machine, the address stayed empty: « Adresse (URL) : valeur manquante »)."""
    page.locator(".slug-preview-value").wait_for(state="attached")
    page.locator("#field-title").press_sequentially(title)
    slug = page.locator("#field-name")
    page.wait_for_function("el => el.value !== ''", arg=slug.element_handle())
