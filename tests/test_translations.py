"""French first: our catalogue is complete, compiled, and completes CKAN's."""
import html
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import ckan
from ckan.tests import factories

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


def english_strings() -> set[str]:
    """Core msgids of two words or more whose French differs from the English
    (licence names, kept as they are in French, do not count)."""
    core, ours = load(CORE_PO), load(PO)
    strings = set()
    for message in core:
        if not isinstance(message.id, str) or len(message.id.split()) < 2:
            continue
        french = (ours.get(message.id) or message).string or message.string
        if french and french != message.id:
            strings.add(message.id)
    return strings


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
    for url in ["/", "/dataset/", "/dataset/budget", f"/dataset/budget/resource/{resource}",
                "/dataset/new", "/dataset/edit/budget", "/dataset/activity/budget",
                "/organization/", "/organization/commune-a", "/organization/new",
                "/organization/edit/commune-a", "/organization/members/commune-a",
                "/group/", "/about", "/user/login", "/user/register", "/user/reset",
                "/dashboard/datasets", f"/user/{sysadmin['name']}", "/ckan-admin",
                "/organization/epci-243500139", "/organization/edit/commune-35238",
                "/observatoire", "/observatoire/epci-243500139"]:
        response = app.get(url, headers=headers)
        assert response.status_code == 200, url
        left = sorted(english & visible_strings(response.body))
        assert left == [], f"English left on {url}: {left}"
