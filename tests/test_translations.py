"""French first: our catalogue is complete, compiled, and completes CKAN's."""
import html
import re
from pathlib import Path

import pytest
import requests
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import ckan
from ckan.tests import factories, helpers

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "i18n" / "fr" / "LC_MESSAGES" / "ckanext-opendatalocale.po"
MO = PO.with_suffix(".mo")
POT = ROOT / "i18n" / "ckanext-opendatalocale.pot"
CORE_PO = Path(ckan.__file__).parent / "i18n" / "fr" / "LC_MESSAGES" / "ckan.po"


def load(path, reader=read_po):
    with path.open("rb") as f:
        return reader(f, locale="fr") if reader is read_po else reader(f)


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_core_string_left_untranslated_by_ckan_is_translated_by_us():
    core, ours = load(CORE_PO), load(PO)
    missing = [m.id for m in core if m.id and not translated(m)
               and not (ours.get(m.id) and translated(ours.get(m.id)))]
    assert missing == []


def test_every_string_of_the_template_is_translated():
    template, ours = load(POT), load(PO)
    missing = [m.id for m in template if m.id
               and not (ours.get(m.id) and translated(ours.get(m.id)))]
    assert missing == []


def test_plural_rule_is_core_s_one():
    # merged catalogues take the plural function of the last one: ours
    assert load(PO).plural_forms == load(CORE_PO).plural_forms


def test_shipped_mo_is_compiled_from_the_po():
    po, mo = load(PO), load(MO, read_mo)
    def strings(catalog):
        return {m.id if isinstance(m.id, str) else tuple(m.id):
                m.string if isinstance(m.string, str) else tuple(m.string)
                for m in catalog if m.id}
    from_po, from_mo = strings(po), strings(mo)
    assert from_mo == from_po, "run `make i18n` to recompile the catalogue"


def english_strings(words: int = 2) -> set[str]:
    """Core msgids of ``words`` words or more whose French differs from the
    English (licence names, kept as they are in French, do not count)."""
    core, ours = load(CORE_PO), load(PO)
    strings = set()
    for message in core:
        if not isinstance(message.id, str) or len(message.id.split()) < words:
            continue
        french = (ours.get(message.id) or message).string or message.string
        if french and french != message.id:
            strings.add(message.id)
    return strings


def our_english_strings(words: int = 1) -> set[str]:
    """Our own msgids whose French differs from the English, or that have no
    French yet (placeholders left out: they show filled in)."""
    template, ours = load(POT), load(PO)
    return {m.id for m in template if isinstance(m.id, str) and "{" not in m.id
            and "%(" not in m.id and len(m.id.split()) >= words
            and (not ours.get(m.id) or ours.get(m.id).string != m.id)}


def visible_strings(body: str) -> set[str]:
    """Text nodes and the attributes a visitor sees or hears."""
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    texts = html.unescape(re.sub(r"<[^>]+>", "\n", body)).split("\n")
    texts += [html.unescape(a) for a in re.findall(
        r'(?:placeholder|title|alt|aria-label|value)="([^"]*)"', body)]
    return {t.strip() for t in texts if t.strip()}


@pytest.mark.usefixtures("clean_db")
def test_pages_carry_no_english_core_string(app):
    english = english_strings()
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="commune-a", title="Commune A")
    dataset = factories.Dataset(name="budget", owner_org=org["id"], resources=[
        {"url": "http://example.org/a.csv", "format": "CSV", "name": "fichier"}])
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    resource = dataset["resources"][0]["id"]
    from tests.territories.conftest import load
    load({"departement": "35"})
    from tests.test_accessibility import take_a_month_of_snapshots
    take_a_month_of_snapshots()  # the observatoire's charts and their words
    for url in ["/", "/dataset/", "/dataset/budget", f"/dataset/budget/resource/{resource}",
                "/dataset/new", "/dataset/edit/budget", "/dataset/activity/budget",
                "/organization/", "/organization/commune-a", "/organization/new",
                "/organization/edit/commune-a", "/organization/members/commune-a",
                "/group/", "/about", "/user/login", "/user/register", "/user/reset",
                "/dashboard/datasets", f"/user/{sysadmin['name']}", "/ckan-admin",
                "/organization/epci-243500139", "/organization/edit/commune-35238",
                "/observatoire", "/observatoire/epci-243500139", "/guides", "/guides/elu",
                "/guides/elu/modifier", f"/user/{sysadmin['name']}/notifications"]:
        response = app.get(url, headers=headers)
        assert response.status_code == 200, url
        left = sorted(english & visible_strings(response.body))
        assert left == [], f"English left on {url}: {left}"


PASSWORD = "Motdepasse-2026!"

# what a visitor reads or hears on the page as the browser shows it, scripts
# run: visible text nodes, and the labels of visible elements
SHOWN_STRINGS = """() => {
  const seen = new Set();
  const shown = el => el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const parent = node.parentElement;
    if (parent.closest('script, style, noscript') || !shown(parent)) continue;
    seen.add(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [alt], [aria-label], option, input[type=submit], input[type=button]')) {
    if (!shown(el) && el.tagName !== 'OPTION') continue;
    for (const name of ['placeholder', 'title', 'alt', 'aria-label', 'value'])
      if (el.getAttribute(name) && (name !== 'value' || el.type === 'submit' || el.type === 'button'))
        seen.add(el.getAttribute(name).trim());
    if (el.tagName === 'OPTION') seen.add(el.textContent.trim());
  }
  seen.delete('');
  return [...seen];
}"""


@pytest.fixture
def editor_portal(clean_db):
    """A commune with an SCDL dataset whose file was checked, its editor."""
    from tests.territories.conftest import load as load_territories
    from tests.validation.conftest import VALID, upload
    load_territories({"departement": "35"})
    factories.User(name="secretaire", fullname="Secrétaire de mairie", password=PASSWORD)
    helpers.call_action("organization_member_create", id="commune-35051",
                        username="secretaire", role="editor")
    dataset = helpers.call_action(
        "package_create", {"user": "secretaire"}, type="subventions",
        name="subventions-cesson", title="Subventions de Cesson", owner_org="commune-35051")
    resource = helpers.call_action(
        "resource_create", {"user": "secretaire"}, package_id=dataset["id"],
        name="fichier.csv", format="CSV", upload=upload(VALID))
    return {"resource": resource["id"]}


def test_a_signed_in_editor_reads_french_everywhere(live_server, browser, editor_portal):
    """Logged-in pages as the browser shows them, scripts included (their
    strings come from /api/i18n/fr), single words too ("Follow")."""
    english = english_strings(words=1) | our_english_strings()
    assert {"Follow", "Show more", "Dashboard"} <= english
    assert requests.get(live_server + "/api/i18n/fr", timeout=10).json().get("Show more") \
        == [None, "Montrer plus"], "CKAN's script catalogue is not built"
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.goto(live_server + "/user/login")
    page.fill("#field-login", "secretaire")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/dashboard|/user/"))
    resource = editor_portal["resource"]
    left = {}
    for path in ["/dashboard/datasets", "/dashboard/organizations", "/user/secretaire",
                 "/user/activity/secretaire", "/user/edit/secretaire",
                 "/subventions/subventions-cesson", "/dataset/activity/subventions-cesson",
                 f"/subventions/subventions-cesson/resource/{resource}",
                 "/subventions/edit/subventions-cesson", "/subventions/new", "/dataset/new",
                 f"/subventions/subventions-cesson/resource/{resource}/edit",
                 "/organization/commune-35051", "/organization/activity/commune-35051",
                 "/organization/"]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = sorted(english & set(page.evaluate(SHOWN_STRINGS)))
        if found:
            left[path] = found
    assert left == {}, "\n" + "\n".join(f"{path}: {found}" for path, found in left.items())

    page.goto(live_server + "/subventions/subventions-cesson")
    follow = page.get_by_role("button", name="S'abonner")
    assert follow.is_visible()
    follow.click()
    page.get_by_role("button", name="Se désabonner").wait_for(timeout=5000)
    page.goto(live_server + f"/subventions/subventions-cesson/resource/{resource}")
    page.get_by_role("link", name="Montrer plus").wait_for(timeout=5000)


def test_the_scripts_catalogue_is_built_where_ckan_serves_it(tmp_path, monkeypatch):
    """CKAN only builds /api/i18n/<lang> under ``ckan run``: the suite builds
    it at start-up (gunicorn, tests), and again when a catalogue is newer."""
    import json
    import os
    from ckan.common import config
    from ckanext.opendatalocale.translation import ensure_script_translations
    monkeypatch.setitem(config, "ckan.storage_path", str(tmp_path))
    ensure_script_translations()
    built = tmp_path / "i18n" / "js" / "fr.js"
    assert json.loads(built.read_text(encoding="utf-8"))["Show more"] == [None, "Montrer plus"]
    os.utime(built, (0, 0))
    ensure_script_translations()
    assert built.stat().st_mtime > 0
