"""Refresh the suite's translation domain (run by `make i18n`).

1. extract our own strings (i18n/babel.cfg; the core's messages by their markers
   msg and msg_n) into i18n/ckanext-opendatalocale.pot;
2. add the strings that CKAN's own French catalogue leaves untranslated: our
   catalogue is merged over core's at runtime, so translating them here
   completes CKAN's French;
3. update i18n/fr/LC_MESSAGES/ckanext-opendatalocale.po from that template
   (new entries appear untranslated; a test fails until they are translated);
4. compile the .mo shipped with the package.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "ckanext-opendatalocale"
POT = ROOT / "i18n" / f"{DOMAIN}.pot"
PO = ROOT / "i18n" / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
CORE_NOTE = "Complète le catalogue français de CKAN 2.11.6"


def core_untranslated() -> Catalog:
    import ckan
    core_po = Path(ckan.__file__).parent / "i18n" / "fr" / "LC_MESSAGES" / "ckan.po"
    with core_po.open("rb") as f:
        core = read_po(f, locale="fr")
    missing = Catalog(locale="fr")
    for message in core:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.add(message.id, context=message.context,
                        locations=message.locations,
                        auto_comments=[CORE_NOTE])
    return missing


def extract() -> Catalog:
    subprocess.run([
        sys.executable, "-m", "babel.messages.frontend", "extract",
        "-F", str(ROOT / "i18n" / "babel.cfg"), "-o", str(POT),
        "-k", "_", "-k", "ungettext:1,2", "-k", "ngettext:1,2", "-k", "N_",
        # the core's messages (scdl/wording.py)
        "-k", "msg", "-k", "msg_n:1,2",
        "--project", "ckanext-opendatalocale", "--version", "0.1.0",
        "--no-wrap", "--sort-by-file", str(ROOT)],
        check=True, cwd=ROOT)
    with POT.open("rb") as f:
        template = read_po(f)
    for message in core_untranslated():
        if message.id not in template:
            template[message.id] = message
    with POT.open("wb") as f:
        write_po(f, template, width=0, omit_header=False)
    return template


def main() -> None:
    template = extract()
    if PO.exists():
        with PO.open("rb") as f:
            catalog = read_po(f, locale="fr")
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale="fr", project="ckanext-opendatalocale", version="0.1.0")
        catalog.update(template, no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, ignore_obsolete=True)
    with MO.open("wb") as f:
        write_mo(f, catalog)
    untranslated = [m.id for m in catalog if m.id and not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    print(f"{len(catalog)} messages, {len(untranslated)} untranslated")
    for message_id in untranslated:
        print("  untranslated:", message_id)


if __name__ == "__main__":
    main()
