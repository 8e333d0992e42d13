"""French first: our catalogue is complete, compiled, and completes CKAN's."""
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import ckan

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


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("url", ["/", "/dataset/", "/organization/", "/group/",
                                 "/user/login"])
def test_pages_carry_no_english_core_string(app, url):
    body = app.get(url).body
    for english in ("Skip to main content", "Search Datasets...", "Toggle navigation",
                    "Search datasets...", "Order by", "Submit"):
        assert english not in body, f"{english!r} left in English on {url}"
