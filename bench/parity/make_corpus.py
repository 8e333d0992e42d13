"""Write the SCDL parity corpus: ``tests/scdl/corpus/<slug>/*`` and its README.

For each of the ten SCDL types, small files of a French commune (real INSEE
codes, SIRETs with their Luhn key, sensible amounts and dates): one valid file
and the mistakes communes really make (Excel's encodings and separators,
French dates and decimal commas, columns missing, added, reordered or renamed,
wrong SIRET or INSEE codes, values outside the list…). Every file carries the
errors Validata (validata-table 0.12.5, case-sensitive headers as on
validata.fr) reports on it, as ``(row, field, type)`` with Validata's own
type names; the README is rendered from the same table, so that the files,
their description and their expected verdict cannot drift apart.

Deterministic: running it again rewrites the same bytes (no clock, no random,
fixed zip dates in the .xlsx). Files of the corpus directory that it does not
produce are removed.

Usage: python bench/parity/make_corpus.py [--out DIR]   (default: tests/scdl/corpus)
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Optional
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "scdl" / "corpus"
SCHEMAS = ROOT / "schemas"

# slug -> Table Schema directory (schemas/<id>/<version>), as in schemas/catalogue.yaml
SCHEMA_DIRS = {
    "deliberations": "scdl/deliberations/2.1.5",
    "subventions": "scdl/subventions/2.1.1",
    "budget": "scdl/budget/0.8.3",
    "equipements": "scdl/equipements/0.1.5",
    "catalogue": "scdl/catalogue/0.1.3",
    "prenoms": "scdl/prenoms/1.1.6",
    "menus-collectifs": "scdl/menus-collectifs/1.2.3",
    "plats-menus-collectifs": "scdl/plats-menus-collectifs/0.7.2",
    "irve": "etalab/schema-irve-statique/2.3.1",
    "dae": "atlasante/schema-dae/1.0.7",
}

VALID, INVALID = "valid", "invalid"
VERDICTS = (VALID, INVALID)
README_HEADER = "| file | content | verdict | Validata's errors (row, column, type) |"


# -- identifiers ---------------------------------------------------------------
def luhn_key(digits: str) -> str:
    """The digit that makes ``digits + key`` pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:  # doubled: the key will be appended on the right
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def siren(first8: str) -> str:
    return first8 + luhn_key(first8)


def siret(siren9: str, nic4: str = "0001") -> str:
    body = siren9 + nic4
    return body + luhn_key(body)


def commune_siren(insee: str) -> str:
    """A commune's SIREN: 21 + département + 0 + commune + key (Rennes 35238 ->
    213502388)."""
    return siren("21" + insee[:2] + "0" + insee[2:])


def wrong_key(number: str) -> str:
    """The same number with its last digit changed: the Luhn key no longer matches."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# -- tables ----------------------------------------------------------------------
Key = tuple  # (row or None, field or None, Validata's type)


def fields_of(slug: str) -> list[str]:
    schema = json.loads((SCHEMAS / SCHEMA_DIRS[slug] / "schema.json").read_text("utf-8"))
    return [f["name"] for f in schema["fields"]]


class Table:
    """A header and rows of strings; row numbers as Validata counts them
    (header = 1, first data row = 2)."""

    def __init__(self, header: list[str], rows: list[list[str]]):
        self.header = list(header)
        self.rows = [list(r) for r in rows]

    @classmethod
    def of(cls, slug: str, records: list[dict[str, str]]) -> "Table":
        header = fields_of(slug)
        for record in records:
            unknown = set(record) - set(header)
            assert not unknown, (slug, unknown)
        return cls(header, [[r.get(f, "") for f in header] for r in records])

    def copy(self) -> "Table":
        return Table(self.header, self.rows)

    @property
    def row_numbers(self) -> range:
        return range(2, len(self.rows) + 2)

    def get(self, row: int, name: str) -> str:
        return self.rows[row - 2][self.header.index(name)]

    def set(self, row: int, name: str, value: str) -> "Table":
        self.rows[row - 2][self.header.index(name)] = value
        return self

    def map(self, name: str, function: Callable[[str], str]) -> "Table":
        i = self.header.index(name)
        for r in self.rows:
            r[i] = function(r[i])
        return self

    def drop(self, name: str) -> "Table":
        i = self.header.index(name)
        del self.header[i]
        for r in self.rows:
            del r[i]
        return self

    def add(self, name: str, values: list[str], position: Optional[int] = None) -> "Table":
        position = len(self.header) if position is None else position
        self.header.insert(position, name)
        for r, v in zip(self.rows, values):
            r.insert(position, v)
        return self

    def reorder(self, first: list[str]) -> "Table":
        """Move the ``first`` columns to the front, the others keeping their order."""
        order = first + [h for h in self.header if h not in first]
        index = [self.header.index(h) for h in order]
        self.header = order
        self.rows = [[r[i] for i in index] for r in self.rows]
        return self

    def rename(self, function: Callable[[str], str]) -> "Table":
        self.header = [function(h) for h in self.header]
        return self

    def keep(self, count: int) -> "Table":
        self.rows = self.rows[:count]
        return self

    def csv(self, delimiter: str = ",", newline: str = "\n", encoding: str = "utf-8",
            tail: str = "") -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return (out.getvalue() + tail).encode(encoding)


def keys(rows: Iterable[int], name: Optional[str], type_: str) -> list[Key]:
    return [(r, name, type_) for r in rows]


def header_keys(names: Iterable[str]) -> list[Key]:
    return [(None, n, "missing-label") for n in names]


def required_fields(slug: str) -> list[str]:
    schema = json.loads((SCHEMAS / SCHEMA_DIRS[slug] / "schema.json").read_text("utf-8"))
    return [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")]


def french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def decimal_comma(value: str) -> str:
    return value.replace(".", ",")


# -- xlsx ------------------------------------------------------------------------
XLSX_DATE = (2024, 1, 1, 0, 0, 0)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


EXCEL_EPOCH = date(1899, 12, 30)
OOXML = "application/vnd.openxmlformats-"
SHEET = OOXML + "officedocument.spreadsheetml."
RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs></styleSheet>')


def xlsx(table: Table, numeric: Iterable[str] = (), dates: Iterable[str] = ()) -> bytes:
    """A minimal, deterministic Office Open XML workbook (one sheet, inline
    strings; the ``numeric`` columns as numbers, as Excel stores them; the
    ``dates`` columns as Excel dates: serial numbers shown DD/MM/YYYY)."""
    numeric, dates = set(numeric), set(dates)
    rows_xml = []
    for r, values in enumerate([table.header] + table.rows, start=1):
        cells = []
        for c, value in enumerate(values):
            ref = f"{_column_letter(c)}{r}"
            if value == "":
                continue
            if r > 1 and table.header[c] in numeric and NUMBER.match(value):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif r > 1 and table.header[c] in dates and ISO_DATE.match(value):
                serial = (date.fromisoformat(value) - EXCEL_EPOCH).days
                cells.append(f'<c r="{ref}" s="1"><v>{serial}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{escape(value)}</t></is></c>')
        rows_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{OOXML}package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET}sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET}worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SHEET}styles+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATION}officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATION}worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATION}styles" Target="styles.xml"/>'
            '</Relationships>'),
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{_column_letter(len(table.header) - 1)}{len(table.rows) + 1}"/>'
            f'<sheetData>{"".join(rows_xml)}</sheetData></worksheet>'),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=XLSX_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# -- samples ----------------------------------------------------------------------
@dataclass
class Sample:
    slug: str
    name: str
    content: str                      # what the file is (README)
    data: bytes
    errors: list[Key] = field(default_factory=list)   # what Validata reports
    note: str = ""                    # where Validata's verdict is not the obvious one

    @property
    def path(self) -> str:
        return f"{self.slug}/{self.name}"

    @property
    def verdict(self) -> str:
        return INVALID if self.errors else VALID


SAMPLES: list[Sample] = []


def sample(slug: str, name: str, content: str, data: bytes,
           errors: Iterable[Key] = (), note: str = "") -> None:
    SAMPLES.append(Sample(slug, name, content, data, list(errors), note))


LOWER_NOTE = ("Validata compares headers case-sensitively as validata.fr does; its CLI "
              "without `--ignore_header_case` ignores case and would say valid.")
CRASH = [(None, None, "source-error")]
CRASH_NOTE = ("no column name matches the schema, and Validata 0.12.5 (frictionless 5.21) "
              "then fails: frictionless reports `unmatched-header`, which Validata's error "
              "types do not know (ValueError: 'unmatched-header' is not a valid ErrType); "
              "no report, so the harness counts one `source-error`. " + LOWER_NOTE)
EXTRA_NOTE = "an extra column is only a warning for Validata (schema_sync)."
ORDER_NOTE = "columns are matched by name: disorder is only a warning for Validata."
BLANK_NOTE = "Excel's trailing separator-only rows are `blank-row` errors."


# ---------------------------------------------------------------------------
# deliberations — Vitré (Ille-et-Vilaine, 35360)
# ---------------------------------------------------------------------------
VITRE_SIRET = siret(commune_siren("35360"))


def _delib(n, date, code, matiere, objet, pref_date, votes, budget=("", "")):
    effectif, reel, pour, contre, abst = votes
    return {
        "COLL_NOM": "Commune de Vitré", "COLL_SIRET": VITRE_SIRET,
        "DELIB_ID": f"DEL2024_{n:03d}", "DELIB_DATE": date,
        "DELIB_MATIERE_CODE": code, "DELIB_MATIERE_NOM": matiere, "DELIB_OBJET": objet,
        "BUDGET_ANNEE": budget[0], "BUDGET_NOM": budget[1],
        "PREF_ID": f"035-213503600-{date.replace('-', '')}-DEL2024_{n:03d}-DE",
        "PREF_DATE": pref_date,
        "VOTE_EFFECTIF": str(effectif), "VOTE_REEL": str(reel), "VOTE_POUR": str(pour),
        "VOTE_CONTRE": str(contre), "VOTE_ABSTENTION": str(abst),
        "DELIB_URL": f"https://www.mairie-vitre.com/deliberations/2024/DEL2024_{n:03d}.pdf",
    }


DELIBERATIONS = Table.of("deliberations", [
    _delib(1, "2024-01-29", "7.1", "Finances locales/Décisions budgétaires",
           "Débat d'orientation budgétaire 2024", "2024-01-31", (33, 31, 27, 4, 0),
           ("2024", "Budget principal")),
    _delib(2, "2024-03-25", "7.1", "Finances locales/Décisions budgétaires",
           "Vote du budget primitif 2024", "2024-03-27", (33, 32, 26, 6, 0),
           ("2024", "Budget principal")),
    _delib(3, "2024-03-25", "7.5", "Finances locales/Subventions",
           "Attribution des subventions aux associations sportives pour 2024", "2024-03-27",
           (33, 32, 32, 0, 0), ("2024", "Budget principal")),
    _delib(4, "2024-03-25", "3.1", "Domaine et patrimoine/Acquisitions",
           "Acquisition de la parcelle AB 412 rue de la Baratière", "2024-03-28",
           (33, 31, 31, 0, 0)),
    _delib(5, "2024-05-27", "4.1",
           "Fonction publique/Personnels titulaires et stagiaires de la FPT",
           "Création d'un poste d'adjoint technique territorial au service des espaces verts",
           "2024-05-29", (33, 30, 30, 0, 0)),
    _delib(6, "2024-05-27", "2.1", "Urbanisme/Documents d'urbanisme",
           "Modification simplifiée n° 2 du plan local d'urbanisme", "2024-05-30",
           (33, 30, 25, 3, 2)),
    _delib(7, "2024-06-24", "5.3", "Institutions et vie politique/Désignation de représentants",
           "Désignation d'un représentant au conseil d'administration du collège Jean-Guéhenno",
           "2024-06-26", (33, 29, 29, 0, 0)),
    _delib(8, "2024-06-24", "8.1", "Domaines de compétences par thèmes/Enseignement",
           "Tarifs de la restauration scolaire pour l'année scolaire 2024-2025", "2024-06-26",
           (33, 29, 24, 5, 0), ("2024/2025", "Budget annexe restauration scolaire")),
    _delib(9, "2024-09-30", "1.1", "Commande publique/Marchés publics",
           "Rénovation énergétique de l'école Jean-Moulin : autorisation de signer "
           "les marchés de travaux",
           "2024-10-02", (33, 31, 31, 0, 0), ("2024", "Budget principal")),
    _delib(10, "2024-09-30", "9.1",
           "Autres domaines de compétences/Autres domaines de compétences des communes",
           "Convention de mise à disposition du gymnase de la Champagne avec Vitré Communauté",
           "2024-10-02", (33, 31, 31, 0, 0)),
])


def deliberations() -> None:
    slug, t = "deliberations", DELIBERATIONS
    sample(slug, "valide.csv", "10 deliberations of Vitré's council in 2024 (votes, "
           "budget year or interval, prefecture dates, URLs), UTF-8, comma, LF.",
           t.csv())
    sample(slug, "point-virgule.csv", "The valid file as French Excel saves it: "
           "semicolon separator, CRLF.", t.csv(";", "\r\n"))
    bad = t.copy().map("DELIB_DATE", french_date).map("PREF_DATE", french_date)
    sample(slug, "dates-francaises.csv", "Every date written DD/MM/YYYY (29/01/2024).",
           bad.csv(), keys(t.row_numbers, "DELIB_DATE", "type-error")
           + keys(t.row_numbers, "PREF_DATE", "type-error"))
    lower = t.copy().set(3, "VOTE_POUR", "40")   # breaks the vote checks, which no longer run
    lower.rename(lambda h: h.lower() if h.startswith("VOTE_") else h)
    sample(slug, "entete-votes-en-minuscules.csv", "The five optional vote columns named "
           "in lower case (vote_effectif…), and row 3 with more votes « pour » than "
           "voters.", lower.csv(), [],
           "the vote columns do not match the schema's (optional) VOTE_* columns: Validata "
           "only warns (5 missing, 5 extra columns) and skips the vote checks, so row 3 "
           "passes. " + LOWER_NOTE)
    bad = t.copy()
    bad.set(2, "VOTE_ABSTENTION", "1")              # 27 + 4 + 1 != 31
    bad.set(5, "VOTE_REEL", "34").set(5, "VOTE_POUR", "34")  # more votes than members
    bad.set(6, "VOTE_CONTRE", "").set(6, "VOTE_ABSTENTION", "")  # votes half filled
    bad.set(9, "BUDGET_NOM", "")                    # budget year without budget name
    bad.set(11, "PREF_DATE", "2024-09-27")          # sent to the prefecture before the vote
    sample(slug, "votes-et-dates-incoherents.csv",
           "Cross-column checks: row 2 pour+contre+abstention ≠ réel; row 5 more "
           "votes than members; row 6 votes half filled; row 9 budget year without "
           "budget name; row 11 prefecture date before the vote.",
           bad.csv(), [(2, "VOTE_REEL", "sum-columns-value"),
                       (5, "VOTE_EFFECTIF", "compare-columns-value"),
                       (6, "VOTE_EFFECTIF", "cohesive-columns-value"),
                       (9, "BUDGET_ANNEE", "cohesive-columns-value"),
                       (11, "PREF_DATE", "compare-columns-value")])
    sample(slug, "colonne-vote-manquante.csv", "The optional column VOTE_CONTRE left out, "
           "the other vote columns kept.", t.copy().drop("VOTE_CONTRE").csv(),
           [(1, None, "cohesive-columns-value")],
           "a missing optional column is only a warning, but cohesive-columns-value wants "
           "the five vote columns all present or all absent: one error, on the header "
           "(row 1, no column).")
    bad = t.copy()
    bad.set(4, "DELIB_MATIERE_NOM", "Finance locale/Subventions")
    bad.set(6, "DELIB_MATIERE_NOM", "Fonction publique - Personnels titulaires")
    bad.set(7, "DELIB_MATIERE_CODE", "2")
    bad.set(9, "DELIB_MATIERE_NOM", "Domaines de compétences par thèmes / Enseignement")
    sample(slug, "matiere-actes-fausse.csv",
           "ACTES nomenclature mistakes: unknown prefix (row 4), no slash (row 6), "
           "code without sub-code (row 7), spaces around the slash (row 9).",
           bad.csv(), [(4, "DELIB_MATIERE_NOM", "custom-check-error"),
                       (6, "DELIB_MATIERE_NOM", "custom-check-error"),
                       (7, "DELIB_MATIERE_CODE", "constraint-error"),
                       (9, "DELIB_MATIERE_NOM", "custom-check-error")])
    bad = t.copy().set(3, "DELIB_OBJET", "Vote du budget primitif 2024 :\nbudget principal "
                       "et budgets annexes").set(8, "DELIB_DATE", "24/06/2024")
    sample(slug, "retour-a-la-ligne.csv", "Row 3's DELIB_OBJET spans two lines (a quoted "
           "line break, as Excel writes Alt+Enter), row 8 has a French date: its number "
           "must still be 8 (records, not lines).", bad.csv(),
           [(8, "DELIB_DATE", "type-error")])
    bad = t.copy().map("COLL_SIRET", wrong_key)
    sample(slug, "siret-faux.csv", f"COLL_SIRET {wrong_key(VITRE_SIRET)} (last digit "
           "mistyped: the Luhn key fails) on every row.",
           bad.csv(), keys(t.row_numbers, "COLL_SIRET", "custom-check-error"))
    blank = "," * (len(t.header) - 1) + "\n"
    sample(slug, "lignes-vides-finales.csv", "The valid file followed by two "
           "separator-only lines and an empty line, as Excel leaves them.",
           t.csv(tail=blank * 2 + "\n"), keys([12, 13, 14], None, "blank-row"), BLANK_NOTE)


# ---------------------------------------------------------------------------
# subventions — Lamballe-Armor (Côtes-d'Armor, 22093)
# ---------------------------------------------------------------------------
LAMBALLE_SIRET = siret(commune_siren("22093"))


def _subv(ref, date, nom, id_, rna, objet, montant, nature, conditions, periode, pct):
    return {
        "nomAttribuant": "Commune de Lamballe-Armor", "idAttribuant": LAMBALLE_SIRET,
        "dateConvention": date, "referenceDecision": ref, "nomBeneficiaire": nom,
        "idBeneficiaire": id_, "rnaBeneficiaire": rna, "objet": objet, "montant": montant,
        "nature": nature, "conditionsVersement": conditions,
        "datesPeriodeVersement": periode, "idRAE": "", "notificationUE": "non",
        "pourcentageSubvention": pct, "dispositifAide": "",
    }


SUBVENTIONS = Table.of("subventions", [
    _subv("DEL-2024-031", "2024-04-08", "Amicale laïque de Lamballe",
          siret(siren("77932415")), "W223000512",
          "Fonctionnement 2024 et accueil de loisirs du mercredi", "12500", "aide en numéraire",
          "unique", "2024-04-15", "0.18"),
    _subv("DEL-2024-031", "2024-04-08", "Lamballe Armor Football Club",
          siret(siren("41892736")), "W223001874",
          "Fonctionnement et déplacements des équipes de jeunes", "8200.50",
          "aide en numéraire", "échelonné", "2024-04-15/2024-10-15", "0.22"),
    _subv("DEL-2024-032", "2024-04-08", "Comité des fêtes de Lamballe", "", "W223004409",
          "Organisation de la fête de la Saint-Jean", "3500", "aide en numéraire;aide en nature",
          "unique", "2024-05-02", "0.6"),
    _subv("DEL-2024-032", "2024-04-08", "Les Amis du Haras national de Lamballe",
          siret(siren("50318462")), "W223002231",
          "Programme d'animations estivales au haras", "4000", "aide en numéraire",
          "unique", "2024-06-03", "0.4"),
    _subv("DEL-2024-018", "2024-02-12", "Centre communal d'action sociale de Lamballe-Armor",
          siret(siren("26220071"), "0001"), "",
          "Subvention d'équilibre du budget du CCAS pour 2024", "95000", "aide en numéraire",
          "échelonné", "2024-02-15/2024-11-30", "1"),
    _subv("DEL-2024-031", "2024-04-08", "École de musique du Penthièvre",
          siret(siren("44170359")), "W223000987",
          "Enseignement musical et orchestre des jeunes", "15800", "aide en numéraire",
          "échelonné", "2024-04-15/2024-09-15", "0.3"),
    _subv("DEL-2024-047", "2024-06-17", "Les Restaurants du cœur - antenne de Lamballe",
          siret(siren("33925384"), "0230"), "W751077003",
          "Mise à disposition d'un local et aide au fonctionnement de la distribution",
          "2000", "aide en nature;aide en numéraire", "unique", "2024-07-01", "0.5"),
    _subv("DEL-2024-047", "2024-06-17", "Cyclo-club lamballais", siret(siren("81245063")),
          "W223005520", "Organisation de la randonnée cyclotouriste du Penthièvre", "1200.75",
          "aide en numéraire", "unique", "2024-07-01", "0.15"),
])


def subventions() -> None:
    slug, t = "subventions", SUBVENTIONS
    sample(slug, "valide.csv", "8 grants of Lamballe-Armor in 2024 (associations, CCAS), "
           "UTF-8, comma, LF.", t.csv())
    sample(slug, "valide-bom.csv", "The valid file with a UTF-8 byte-order mark, CRLF "
           "(Excel's « CSV UTF-8 »).", t.csv(newline="\r\n", encoding="utf-8-sig"))
    sample(slug, "valide.xlsx", "The valid file as an Excel workbook (montant and "
           "pourcentageSubvention as numbers, the rest as text).",
           xlsx(t, numeric=["montant", "pourcentageSubvention"]))
    sample(slug, "siret-en-nombre.xlsx", "The valid workbook, but Excel turned the SIRET "
           "columns into numbers (numeric cells 21220093500014).",
           xlsx(t, numeric=["montant", "pourcentageSubvention", "idAttribuant",
                            "idBeneficiaire"]),
           sorted(keys(t.row_numbers, "idAttribuant", "type-error")
                  + keys([r for r in t.row_numbers if t.get(r, "idBeneficiaire")],
                         "idBeneficiaire", "type-error")) + [(6, None, "one-of-required")],
           "a number in a string column is a type error for Validata, even when it "
           "prints as the right SIRET; the rejected cell then counts as empty, so row 6 "
           "(a CCAS, no RNA number) also fails one-of-required.")
    sample(slug, "dates-excel.xlsx", "The valid workbook with dateConvention as real Excel "
           "dates (date cells shown DD/MM/YYYY, as French Excel types them).",
           xlsx(t, numeric=["montant", "pourcentageSubvention"], dates=["dateConvention"]),
           keys(t.row_numbers, "dateConvention", "type-error"),
           "Validata reads workbooks with frictionless' `preserve_formatting`: a date "
           "cell becomes the text Excel shows (08/04/2024), which is not an ISO date.")
    bad = t.copy().map("montant", decimal_comma).map("pourcentageSubvention", decimal_comma)
    sample(slug, "virgule-decimale.csv", "Semicolon separator and decimal commas "
           "(8200,50; 0,18) as French Excel writes them.", bad.csv(";", "\r\n"),
           sorted(keys([3, 9], "montant", "type-error")
                  + keys([2, 3, 4, 5, 7, 8, 9], "pourcentageSubvention", "type-error")))
    bad = t.copy()
    bad.set(3, "idBeneficiaire", wrong_key(t.get(3, "idBeneficiaire")))
    bad.set(7, "idBeneficiaire", t.get(7, "idBeneficiaire")[:13])
    sample(slug, "siret-faux.csv", "idBeneficiaire with a wrong Luhn key (row 3) and with "
           "a digit missing (row 7).", bad.csv(),
           [(3, "idBeneficiaire", "custom-check-error"),
            (7, "idBeneficiaire", "custom-check-error")])
    sample(slug, "colonnes-beneficiaire-manquantes.csv", "Both optional columns "
           "idBeneficiaire and rnaBeneficiaire left out (the commune has neither number).",
           t.copy().drop("idBeneficiaire").drop("rnaBeneficiaire").csv(),
           [(1, None, "one-of-required")],
           "one-of-required reports its two columns missing once, on the header (row 1).")
    bad = t.copy().set(4, "rnaBeneficiaire", "").set(9, "idBeneficiaire", "").set(
        9, "rnaBeneficiaire", "")
    sample(slug, "beneficiaire-sans-identifiant.csv", "Two beneficiaries with neither "
           "SIRET nor RNA number (rows 4 and 9): one-of-required.", bad.csv(),
           [(4, None, "one-of-required"), (9, None, "one-of-required")])
    upper = t.copy().rename(str.upper)
    sample(slug, "entete-en-majuscules.csv", "Header in capitals (NOMATTRIBUANT…).",
           upper.csv(), CRASH, CRASH_NOTE)
    extra = t.copy().add("commentaire", ["", "Subvention en hausse de 5 %", "", "",
                                          "Versements mensuels", "", "", ""])
    sample(slug, "colonne-en-trop.csv", "An extra column « commentaire » at the end.",
           extra.csv(), note=EXTRA_NOTE)
    trailing = t.copy().add("", [""] * len(t.rows))
    sample(slug, "colonne-vide-finale.csv", "Every line, header included, ends with a comma: "
           "an unnamed empty last column, as some spreadsheets export a stray selected "
           "column.", trailing.csv(), note="Validata only warns about an extra column "
           "named `` (schema_sync drops it).")
    bad = t.copy().set(3, "nature", "subvention de fonctionnement").set(
        6, "nature", "aide en numéraire ; aide en nature")
    sample(slug, "valeur-hors-liste.csv", "nature outside its list: « subvention de "
           "fonctionnement » (row 3), spaces around « ; » (row 6).", bad.csv(),
           [(3, "nature", "constraint-error"), (6, "nature", "constraint-error")])


# ---------------------------------------------------------------------------
# budget — Montbrison (Loire, 42147)
# ---------------------------------------------------------------------------
MONTBRISON_SIRET = siret(commune_siren("42147"))


def _bgt(chap, chap_label, nature, nature_label, fonction, fonction_label, section, op,
         codrd, prev, prec, operation=""):
    return {
        "BGT_NATDEC": "budget primitif", "BGT_ANNEE": "2024", "BGT_SIRET": MONTBRISON_SIRET,
        "BGT_NOM": "Commune de Montbrison", "BGT_CONTNAT": chap,
        "BGT_CONTNAT_LABEL": chap_label, "BGT_NATURE": nature,
        "BGT_NATURE_LABEL": nature_label, "BGT_FONCTION": fonction,
        "BGT_FONCTION_LABEL": fonction_label, "BGT_OPERATION": operation,
        "BGT_SECTION": section, "BGT_OPBUDG": op, "BGT_CODRD": codrd,
        "BGT_MTBUDGPREC": prec, "BGT_MTPROPNOUV": prev, "BGT_MTPREV": prev,
        "BGT_CREDOUV": prev, "BGT_ARTSPE": "non spécialisé",
    }


F, I = "fonctionnement", "investissement"
ADMIN = ("020", "Administration générale de la collectivité")
NV = ("01", "Opérations non ventilables")
BUDGET = Table.of("budget", [
    _bgt("011", "Charges à caractère général", "60611", "Eau et assainissement", *ADMIN,
         F, "réel", "dépense", "18500.00", "17200.00"),
    _bgt("011", "Charges à caractère général", "60612", "Énergie - Électricité", "212",
         "Écoles primaires", F, "réel", "dépense", "42000.00", "31500.00"),
    _bgt("012", "Charges de personnel et frais assimilés", "64111", "Rémunération principale",
         *ADMIN, F, "réel", "dépense", "3150000.00", "3042000.00"),
    _bgt("65", "Autres charges de gestion courante", "6574",
         "Subventions de fonctionnement aux associations et autres personnes de droit privé",
         "025", "Aides aux associations", F, "réel", "dépense", "185000.00", "181500.00"),
    _bgt("66", "Charges financières", "66111", "Intérêts réglés à l'échéance", *NV, F,
         "réel", "dépense", "96500.00", "104300.00"),
    _bgt("023", "Virement à la section d'investissement", "023",
         "Virement à la section d'investissement", *NV, F, "ordre", "dépense", "850000.00",
         "790000.00"),
    _bgt("70", "Produits des services, du domaine et ventes diverses", "7067",
         "Redevances et droits des services périscolaires et d'enseignement", "251",
         "Hébergement et restauration scolaires", F, "réel", "recette", "310000.00",
         "298000.00"),
    _bgt("73", "Impôts et taxes", "73111", "Impôts directs locaux", *NV, F, "réel",
         "recette", "6420000.00", "6185000.00"),
    _bgt("74", "Dotations, subventions et participations", "7411", "Dotation forfaitaire",
         *NV, F, "réel", "recette", "1980000.00", "1994500.00"),
    _bgt("21", "Immobilisations corporelles", "2183",
         "Matériel de bureau et matériel informatique", *ADMIN, I, "réel", "dépense",
         "45000.00", "38000.00"),
    _bgt("23", "Immobilisations en cours", "2313", "Constructions", "212",
         "Écoles primaires", I, "réel", "dépense", "1250000.00", "",
         "Rénovation énergétique de l'école de Beauregard"),
    _bgt("16", "Emprunts et dettes assimilées", "1641", "Emprunts en euros", *NV, I,
         "réel", "dépense", "620000.00", "605000.00"),
    _bgt("10", "Dotations, fonds divers et réserves", "10222", "FCTVA", *NV, I, "réel",
         "recette", "210000.00", "185000.00"),
    _bgt("021", "Virement de la section de fonctionnement", "021",
         "Virement de la section de fonctionnement", *NV, I, "ordre", "recette",
         "850000.00", "790000.00"),
])
AMOUNTS = ["BGT_MTBUDGPREC", "BGT_MTPROPNOUV", "BGT_MTPREV", "BGT_CREDOUV"]


def budget() -> None:
    slug, t = "budget", BUDGET
    sample(slug, "valide.csv", "14 lines of Montbrison's 2024 budget primitif (M14 "
           "chapters, natures, functions, both sections, réel and ordre).", t.csv())
    cp = t.copy().set(6, "BGT_NATURE_LABEL", "Intérêts réglés à l’échéance").set(
        3, "BGT_NATURE_LABEL", "Énergie – Électricité")
    sample(slug, "valide-cp1252.csv", "Valid, saved by Excel as « CSV (séparateur : "
           "virgule) » in Windows-1252, with a typographic apostrophe and an en dash "
           "(bytes 0x92 and 0x96, which Latin-1 does not have).",
           cp.csv(newline="\r\n", encoding="cp1252"))
    bad = t.copy()
    for name in AMOUNTS:
        bad.map(name, decimal_comma)
    sample(slug, "virgule-decimale.csv", "Semicolon separator and decimal commas in the "
           "four amount columns (18500,00).", bad.csv(";", "\r\n"),
           sorted(k for r in t.row_numbers for name in AMOUNTS
                  for k in keys([r], name, "type-error") if t.get(r, name)))
    bad = t.copy().map("BGT_SIRET", lambda v: v[:5] + v[6:])
    sample(slug, "siret-faux.csv", f"BGT_SIRET with a digit dropped "
           f"({MONTBRISON_SIRET[:5] + MONTBRISON_SIRET[6:]}, 13 digits) on every row.",
           bad.csv(), sorted(keys(t.row_numbers, "BGT_SIRET", "constraint-error")
                             + keys(t.row_numbers, "BGT_SIRET", "custom-check-error")))
    bad = t.copy().set(3, "BGT_SECTION", "Fonctionnement").set(7, "BGT_CODRD", "depense")
    bad.set(10, "BGT_NATDEC", "BP").set(12, "BGT_OPBUDG", "réelle")
    sample(slug, "valeur-hors-liste.csv", "Values outside their list: « Fonctionnement » "
           "(row 3), « depense » (row 7), « BP » (row 10), « réelle » (row 12).", bad.csv(),
           [(3, "BGT_SECTION", "constraint-error"), (7, "BGT_CODRD", "constraint-error"),
            (10, "BGT_NATDEC", "constraint-error"), (12, "BGT_OPBUDG", "constraint-error")])
    sample(slug, "colonne-manquante.csv", "The required column BGT_OPBUDG left out.",
           t.copy().drop("BGT_OPBUDG").csv(), header_keys(["BGT_OPBUDG"]))
    blank = "," * (len(t.header) - 1) + "\n"
    sample(slug, "lignes-vides-finales.csv", "The valid file followed by three "
           "separator-only lines.", t.csv(tail=blank * 3), keys([16, 17, 18], None,
                                                                  "blank-row"), BLANK_NOTE)


# ---------------------------------------------------------------------------
# equipements — Figeac (Lot, 46102)
# ---------------------------------------------------------------------------
FIGEAC_SIRET = siret(commune_siren("46102"))


def _equip(n, theme, code, type_, nom, num, voie, rivoli, erp_type, erp_cat, lat, lon,
           horaires, tel, email, web):
    return {
        "COLL_NOM": "Commune de Figeac", "COLL_SIRET": FIGEAC_SIRET,
        "EQUIP_UID": f"46102-{code}-{n:03d}", "EQUIP_THEME": theme,
        "EQUIP_CODE": f"{code}-{n:03d}", "EQUIP_TYPE": type_, "EQUIP_NOM": nom,
        "ADR_NUMERO": num, "ADR_NOMVOIE": voie, "ADR_CODEPOSTAL": "46100",
        "ADR_COMMUNE": "Figeac",
        "ADR_CLE_INTEROP": f"46102_{rivoli}_{int(num.split()[0]):05d}" if num else "",
        "ERP_ID": "", "ERP_TYPE": erp_type, "ERP_CATEGORIE": erp_cat,
        "EQUIP_LAT": lat, "EQUIP_LONG": lon, "EQUIP_OUVERTURE": horaires,
        "EQUIP_TEL": tel, "EQUIP_EMAIL": email, "EQUIP_WEB": web,
    }


EQUIPEMENTS = Table.of("equipements", [
    _equip(1, "Equipement administratif", "01010401", "Mairie", "Hôtel de ville de Figeac",
           "8", "Rue de Colomb", "0370", "W", "4", "44.608621", "2.031745",
           "Mo-Fr 08:30-12:00,13:30-17:30", "+33565504000", "mairie@ville-figeac.fr",
           "https://www.ville-figeac.fr"),
    _equip(2, "Equipement culturel", "04030101", "Médiathèque", "Médiathèque de l'Astrolabe",
           "2", "Boulevard Pasteur", "0060", "S", "3", "44.607342", "2.034871",
           "Tu,Th,Fr 13:00-18:00; We,Sa 10:00-18:00", "+33565344490",
           "mediatheque@ville-figeac.fr", "https://www.ville-figeac.fr/mediatheque"),
    _equip(3, "Equipement d'enseignement", "06010201", "École élémentaire",
           "École élémentaire Jacques-Chapou", "14", "Rue Jacques Chapou", "0412", "R", "4",
           "44.612205", "2.028934", "Mo,Tu,Th,Fr 08:20-16:30", "+33565341870", "", ""),
    _equip(4, "Equipement sportif et de loisirs", "05020301", "Gymnase",
           "Gymnase du Pôle sportif de Londieu", "15", "Avenue Bernard Fontanges", "0118",
           "X", "3", "44.600318", "2.041256", "Mo-Sa 08:00-22:00", "+33565346710", "", ""),
    _equip(5, "Equipement sportif et de loisirs", "05030101", "Piscine",
           "Piscine municipale du Surgié", "1", "Domaine du Surgié", "0275", "X;PA", "2",
           "44.597724", "2.046390", "Jun-Sep 11:00-19:30", "+33565341159", "", ""),
    _equip(6, "Equipement culturel", "04020101", "Musée",
           "Musée Champollion - Les Écritures du Monde", "4", "Rue des Frères Champollion",
           "0194", "Y", "3", "44.608042", "2.033189", "Tu-Su 10:30-18:00", "+33565503108",
           "musee@ville-figeac.fr", "https://musee-champollion.fr"),
    _equip(7, "Equipement social et d'animation", "03010101", "Centre communal d'action sociale",
           "CCAS de Figeac", "5", "Rue de la République", "0330", "W", "5", "44.609514",
           "2.032512", "Mo-Fr 09:00-12:00,14:00-17:00", "+33565505560", "ccas@ville-figeac.fr",
           ""),
    _equip(8, "Equipement de mobilité", "09010201", "Gare routière", "Gare routière de Figeac",
           "2", "Avenue de la Gare", "0150", "", "", "44.602981", "2.035602", "", "", "", ""),
])


def equipements() -> None:
    slug, t = "equipements", EQUIPEMENTS
    sample(slug, "valide.csv", "8 public facilities of Figeac (town hall, media "
           "library, school, gym, pool, museum, CCAS, bus station).", t.csv())
    cp = t.copy().set(7, "EQUIP_NOM", "Musée Champollion – Les Écritures du Monde")
    sample(slug, "valide-cp1252.csv", "Valid, Windows-1252, semicolon, CRLF (Excel's "
           "« CSV (séparateur : point-virgule) »), with an en dash (0x96) in a name.",
           cp.csv(";", "\r\n", "cp1252"))
    sample(slug, "latin1.csv", "Valid, ISO-8859-1 (no Windows-only character), comma, LF.",
           t.csv(encoding="latin-1"))
    moved = t.copy().reorder(["EQUIP_NOM", "EQUIP_TYPE", "EQUIP_LAT", "EQUIP_LONG"])
    sample(slug, "colonnes-dans-le-desordre.csv", "All the columns, name, type and "
           "coordinates first.", moved.csv(), note=ORDER_NOTE)
    bad = t.copy().map("EQUIP_LAT", decimal_comma).map("EQUIP_LONG", decimal_comma)
    sample(slug, "virgule-decimale.csv", "Semicolon separator, coordinates with decimal "
           "commas (44,608621).", bad.csv(";", "\r\n"),
           sorted(keys(t.row_numbers, "EQUIP_LAT", "type-error")
                  + keys(t.row_numbers, "EQUIP_LONG", "type-error")))
    sample(slug, "entete-en-minuscules.csv", "Header written in lower case (coll_nom…).",
           t.copy().rename(str.lower).csv(), CRASH, CRASH_NOTE)
    bad = t.copy().set(3, "EQUIP_THEME", "Equipement culturel ").set(
        6, "ADR_CODEPOSTAL", " 46100").set(5, "ERP_CATEGORIE", " 4")
    sample(slug, "espaces-en-trop.csv", "Stray spaces: after a theme (row 3), before a "
           "postcode (row 6) and before a category number (row 5).", bad.csv(),
           [(3, "EQUIP_THEME", "constraint-error"), (6, "ADR_CODEPOSTAL", "constraint-error")],
           "the theme is not one of the list and « 46100» is 6 characters (maxLength 5), "
           "but frictionless reads « 4» as the integer 4: no error on row 5.")
    bad = t.copy().set(4, "ADR_NOMVOIE", "Rue de l’Hôpital").set(
        8, "ADR_NOMVOIE", "Place de l’Ancien Collège")
    sample(slug, "apostrophe-typographique.csv", "Typographic apostrophes (’, as a word "
           "processor types them) in two street names, which the ADR_NOMVOIE pattern "
           "refuses.", bad.csv(), [(4, "ADR_NOMVOIE", "constraint-error"),
                                   (8, "ADR_NOMVOIE", "constraint-error")])


# ---------------------------------------------------------------------------
# catalogue — Pontivy (Morbihan, 56178)
# ---------------------------------------------------------------------------
PONTIVY_SIRET = siret(commune_siren("56178"))
PONTIVY_COMMUNAUTE_SIRET = siret(siren("20006734"))


def _cat(id_, titre, description, theme, producteur, maille, debut, fin, publ, freq, maj,
         mots, n, formats):
    nom, siret_ = producteur
    return {
        "COLL_NOM": "Commune de Pontivy", "COLL_SIRET": PONTIVY_SIRET, "ID": id_,
        "TITRE": titre, "DESCRIPTION": description, "THEME": theme,
        "PRODUCTEUR_NOM": nom, "PRODUCTEUR_SIRET": siret_, "COUV_SPAT_MAILLE": maille,
        "COUV_SPAT_NOM": "Pontivy" if maille == "Communale" else "Pontivy Communauté",
        "COUV_TEMP_DEBUT": debut, "COUV_TEMP_FIN": fin, "DATE_PUBL": publ, "FREQ_MAJ": freq,
        "DATE_MAJ": maj, "MOTS_CLES": mots, "LICENCE": "Licence Ouverte-LO",
        "NOMBRE_RESSOURCES": str(n), "FORMAT_RESSOURCES": formats,
        "URL": f"https://data.pontivy.fr/dataset/{id_}",
    }


VILLE = ("Ville de Pontivy", PONTIVY_SIRET)
COMCOM = ("Pontivy Communauté", PONTIVY_COMMUNAUTE_SIRET)
CATALOGUE = Table.of("catalogue", [
    _cat("deliberations-pontivy", "Délibérations du conseil municipal de Pontivy",
         "Les délibérations adoptées par le conseil municipal depuis 2020.",
         "Administration locale", VILLE, "Communale", "2020-07-01", "2024-12-31",
         "2021-02-15", "Mensuelle ou plusieurs fois par mois", "2024-12-20",
         "scdl;deliberations;conseil municipal", 5, "csv;json"),
    _cat("subventions-pontivy", "Subventions accordées par la Ville de Pontivy",
         "Les conventions de subvention signées avec les associations.",
         "Économie", VILLE, "Communale", "2022-01-01", "2024-12-31", "2023-03-01",
         "Trimestrielle", "2024-10-07", "scdl;subventions;associations", 3, "csv"),
    _cat("budget-pontivy", "Budget primitif et compte administratif",
         "Le détail des budgets votés par la commune, par nature et par fonction.",
         "Finances publiques", VILLE, "Communale", "2021-01-01", "2024-12-31", "2021-04-20",
         "Annuelle", "2024-04-18", "scdl;budget;finances", 4, "csv;xlsx"),
    _cat("equipements-publics-pontivy", "Équipements publics de Pontivy",
         "Mairie, écoles, équipements sportifs et culturels avec leurs horaires.",
         "Équipements", VILLE, "Communale", "2024-01-01", "2024-12-31", "2022-09-12",
         "Annuelle", "2024-09-02", "scdl;equipements", 2, "csv;geojson"),
    _cat("collecte-dechets-pontivy-communaute", "Calendrier de collecte des déchets",
         "Jours de collecte des ordures ménagères et du tri sélectif par secteur.",
         "Environnement", COMCOM, "Intercommunale", "2024-01-01", "2024-12-31",
         "2023-12-18", "Annuelle", "2023-12-18", "déchets;collecte;tri", 2, "csv;pdf"),
    _cat("prenoms-pontivy", "Prénoms des nouveau-nés à Pontivy",
         "Les prénoms donnés aux enfants nés à Pontivy, par année et par sexe.",
         "Société", VILLE, "Communale", "2015-01-01", "2023-12-31", "2019-01-28",
         "Annuelle", "2024-01-22", "scdl;prenoms;etat-civil", 1, "csv"),
])


def catalogue() -> None:
    slug, t = "catalogue", CATALOGUE
    sample(slug, "valide.csv", "Pontivy's catalogue: 6 datasets (5 of the commune, 1 of "
           "Pontivy Communauté).", t.csv())
    sample(slug, "point-virgule.csv", "The valid file with semicolons (the MOTS_CLES "
           "cells, which contain « ; », are quoted).", t.csv(";", "\r\n"))
    bad = t.copy().map("DATE_PUBL", french_date).map("DATE_MAJ", french_date)
    sample(slug, "dates-francaises.csv", "DATE_PUBL and DATE_MAJ written DD/MM/YYYY.",
           bad.csv(), sorted(keys(t.row_numbers, "DATE_PUBL", "type-error")
                             + keys(t.row_numbers, "DATE_MAJ", "type-error")))
    spaced = PONTIVY_SIRET[:9] + " " + PONTIVY_SIRET[9:]
    bad = t.copy().set(3, "PRODUCTEUR_SIRET", spaced).set(
        6, "PRODUCTEUR_SIRET", wrong_key(PONTIVY_COMMUNAUTE_SIRET))
    sample(slug, "siret-faux.csv", f"PRODUCTEUR_SIRET copied with a space ({spaced}, row 3) "
           "and with a wrong Luhn key (row 6).", bad.csv(),
           [(3, "PRODUCTEUR_SIRET", "constraint-error"),
            (6, "PRODUCTEUR_SIRET", "custom-check-error")],
           "Validata's SIRET check (python-stdnum) strips spaces before checking the key: "
           "only the pattern refuses row 3.")
    bad = t.copy().set(2, "LICENCE", "Licence Ouverte v2.0").set(4, "FREQ_MAJ", "Annuel")
    bad.set(6, "COUV_SPAT_MAILLE", "EPCI")
    sample(slug, "valeur-hors-liste.csv", "LICENCE « Licence Ouverte v2.0 » (row 2), "
           "FREQ_MAJ « Annuel » (row 4), COUV_SPAT_MAILLE « EPCI » (row 6).", bad.csv(),
           [(2, "LICENCE", "constraint-error"), (4, "FREQ_MAJ", "constraint-error"),
            (6, "COUV_SPAT_MAILLE", "constraint-error")])
    sample(slug, "sans-donnees.csv", "The header line only: no dataset listed yet.",
           t.copy().keep(0).csv())
    moved = t.copy().reorder(["ID", "TITRE", "URL"])
    sample(slug, "colonnes-dans-le-desordre.csv", "ID, TITRE and URL moved to the front.",
           moved.csv(), note=ORDER_NOTE)
    bad = t.copy().map("URL", lambda u: u.replace("https://", ""))
    bad.set(5, "URL", "www.pontivy-communaute.bzh/dechets")
    sample(slug, "url-sans-protocole.csv", "URLs without « https:// » "
           "(data.pontivy.fr/dataset/…).", bad.csv(),
           keys(t.row_numbers, "URL", "type-error"))


# ---------------------------------------------------------------------------
# prenoms — Bourg-en-Bresse (Ain, 01053)
# ---------------------------------------------------------------------------
PRENOMS_2023 = [
    ("F", "Jade", 9), ("M", "Gabriel", 9), ("F", "Louise", 8), ("M", "Léo", 8),
    ("F", "Ambre", 7), ("M", "Raphaël", 7), ("M", "Louis", 7), ("F", "Léa", 6),
    ("F", "Emma", 6), ("M", "Maël", 6), ("M", "Noah", 6), ("F", "Rose", 5),
    ("M", "Jules", 5), ("M", "Arthur", 5), ("F", "Alba", 4), ("M", "Adam", 4),
    ("F", "Anaïs", 3), ("F", "Maëlys", 3), ("M", "Sacha", 3), ("F", "Chloé", 2),
    ("F", "Éloïse", 2), ("M", "Timéo", 2), ("F", "Marie-Lou", 1), ("F", "Inès", 1),
    ("M", "Côme", 1),
]
PRENOMS = Table.of("prenoms", [
    {"COMMUNE_NOM": "Bourg-en-Bresse", "COLL_INSEE": "01053", "ENFANT_SEXE": s,
     "ENFANT_PRENOM": p, "NOMBRE_OCCURRENCES": str(n), "ANNEE": "2023"}
    for s, p, n in PRENOMS_2023])


def prenoms() -> None:
    slug, t = "prenoms", PRENOMS
    sample(slug, "valide.csv", "First names given in Bourg-en-Bresse in 2023 (25 rows, "
           "accents, diaeresis, hyphen).", t.csv())
    sample(slug, "valide-bom.csv", "The valid file with a UTF-8 byte-order mark.",
           t.csv(encoding="utf-8-sig"))
    sample(slug, "latin1.csv", "Valid content in ISO-8859-1 (Anaïs, Maëlys, Éloïse, Côme).",
           t.csv(encoding="latin-1"))
    sample(slug, "fichier-vide.csv", "An empty file (0 bytes), as a failed export leaves it.",
           b"", CRASH, "Validata cannot read it (« contenu vide »): no report, counted as "
           "one `source-error`.")
    bad = t.copy().keep(10).map("COLL_INSEE", lambda v: v.lstrip("0"))
    sample(slug, "code-insee-faux.csv", "COLL_INSEE 1053: the leading zero of 01053 "
           "dropped by a spreadsheet (10 rows).", bad.csv(),
           keys(range(2, 12), "COLL_INSEE", "constraint-error"))
    bad = t.copy().keep(8).set(3, "ENFANT_SEXE", "G").set(5, "ENFANT_SEXE", "Garçon").set(
        8, "ENFANT_SEXE", "f")
    sample(slug, "valeur-hors-liste.csv", "ENFANT_SEXE « G », « Garçon » and « f » "
           "instead of M/F.", bad.csv(),
           keys([3, 5, 8], "ENFANT_SEXE", "constraint-error"))
    sample(slug, "colonne-manquante.csv", "The required column ANNEE left out (the year "
           "is in the file name only).", t.copy().keep(12).drop("ANNEE").csv(),
           header_keys(["ANNEE"]))
    double = t.copy().keep(6)
    double.header[double.header.index("ENFANT_PRENOM")] = "COLL_INSEE"
    sample(slug, "colonne-en-double.csv", "Two columns named COLL_INSEE: the first-name "
           "column's header overwritten by a copy-paste.", double.csv(),
           [(None, None, "error")], "frictionless refuses to match columns by name when "
           "two have the same name (« requires unique labels in the header »): one "
           "error without row or column, and nothing else is checked.")
    bad = t.copy().keep(8).map("ENFANT_PRENOM", str.upper).map("COMMUNE_NOM", str.upper)
    sample(slug, "prenoms-en-majuscules.csv", "Names and commune in capitals, as the "
           "civil-status software prints them (LÉO, BOURG-EN-BRESSE).", bad.csv(),
           sorted(keys(range(2, 10), "COMMUNE_NOM", "constraint-error")
                  + keys(range(2, 10), "ENFANT_PRENOM", "constraint-error")))


# ---------------------------------------------------------------------------
# menus-collectifs — Dole (Jura, 39198)
# ---------------------------------------------------------------------------
DOLE_SIREN = commune_siren("39198")
DOLE_SIRET = siret(DOLE_SIREN)
CUISINE_SIRET = siret(DOLE_SIREN, "0023")
BIO, AOP = '["agriculture biologique"]', '["appellation d\'origine protégée"]'
VEG, SANS = '["végétarien"]', '["sans texture modifiée"]'
GLUTEN_LAIT = '["céréales contenant du gluten","lait"]'


def _menu(date, plat_type, nom, code, siqo="", regime="", allergene="", label="",
          nutriscore="", restaurant=("École élémentaire Wilson", "0390720C")):
    return {
        "menuCollNom": "Ville de Dole", "menuCollSiret": DOLE_SIRET,
        "menuEtablissementNom": "Cuisine centrale de Dole",
        "menuEtablissementSiret": CUISINE_SIRET, "menuRestaurantNom": restaurant[0],
        "menuRestaurantInsee": "39198", "menuRestaurantId": restaurant[1],
        "menuRestaurantIdType": "EN", "menuRestaurantType": "élémentaire",
        "menuRestaurantConvive": "élèves du CP au CM2", "menuDate": date,
        "menuRepasType": "déjeuner", "menuPlatType": plat_type, "menuPlatNom": nom,
        "menuPlatCode": code, "menuPlatSiqo": siqo, "menuPlatLabel": label,
        "menuPlatPrecision": "", "menuPlatRegime": regime, "menuPlatAllergene": allergene,
        "menuPlatTexture": SANS, "menuPlatNutriscore": nutriscore, "menuPlatPrix": "",
        "menuPublicationDate": "2024-10-01T07:30:00Z", "menuModificationDate": "",
        "menuModificationInfo": "",
    }


MENUS = Table.of("menus-collectifs", [
    _menu("2024-10-14", "entrée", "Carottes râpées vinaigrette", "DOLE-E-0102", BIO, VEG,
          '["moutarde"]', nutriscore="A"),
    _menu("2024-10-14", "plat principal", "Sauté de porc au caramel", "DOLE-PP-0412",
          allergene='["soja"]', label="Porc de Franche-Comté"),
    _menu("2024-10-14", "garniture", "Riz pilaf", "DOLE-G-0031", BIO, VEG),
    _menu("2024-10-14", "produit laitier", "Comté AOP", "DOLE-PL-0007", AOP, VEG, '["lait"]'),
    _menu("2024-10-14", "dessert", "Compote pomme-poire", "DOLE-D-0215", BIO, VEG),
    _menu("2024-10-15", "entrée", "Salade de lentilles à l'échalote", "DOLE-E-0140", "", VEG,
          '["moutarde"]'),
    _menu("2024-10-15", "plat principal", "Filet de colin sauce citron", "DOLE-PP-0520",
          allergene='["poissons","lait"]', label="pêche durable MSC"),
    _menu("2024-10-15", "garniture", "Haricots verts persillés", "DOLE-G-0044", BIO, VEG),
    _menu("2024-10-15", "produit laitier", "Yaourt nature", "DOLE-PL-0011", BIO, VEG,
          '["lait"]'),
    _menu("2024-10-15", "dessert", "Clémentines", "DOLE-D-0009", "", VEG),
    _menu("2024-10-17", "plat principal", "Lasagnes aux légumes", "DOLE-PP-0611", "", VEG,
          GLUTEN_LAIT, nutriscore="B"),
])


def menus() -> None:
    slug, t = "menus-collectifs", MENUS
    sample(slug, "valide.csv", "11 dishes served on 14, 15 and 17 October 2024 in a "
           "Dole primary school (JSON arrays for labels, diets, allergens).", t.csv())
    bad = t.copy().set(4, "menuPlatNom", "").set(7, "menuRepasType", "").set(
        12, "menuPlatType", "")
    sample(slug, "cellule-obligatoire-vide.csv", "Required cells left empty: dish name "
           "(row 4), meal type (row 7), dish type (row 12).", bad.csv(),
           [(4, "menuPlatNom", "constraint-error"), (7, "menuRepasType", "constraint-error"),
            (12, "menuPlatType", "constraint-error")])
    bad = t.copy().map("menuDate", french_date)
    sample(slug, "dates-francaises.csv", "menuDate written DD/MM/YYYY (14/10/2024).",
           bad.csv(), keys(t.row_numbers, "menuDate", "type-error"))
    bad = t.copy().map("menuEtablissementSiret", wrong_key)
    sample(slug, "siret-faux.csv", f"menuEtablissementSiret {wrong_key(CUISINE_SIRET)} "
           "(wrong Luhn key) on every row.", bad.csv(),
           keys(t.row_numbers, "menuEtablissementSiret", "custom-check-error"))
    bad = t.copy().map("menuRestaurantInsee", lambda v: v[:2] + " " + v[2:])
    sample(slug, "code-insee-faux.csv", "menuRestaurantInsee written « 39 198 » with a "
           "space.", bad.csv(), keys(t.row_numbers, "menuRestaurantInsee", "constraint-error"))
    blank = "," * (len(t.header) - 1) + "\n"
    sample(slug, "lignes-vides-finales.csv", "The valid file followed by two "
           "separator-only lines.", t.csv(tail=blank * 2), keys([13, 14], None, "blank-row"),
           BLANK_NOTE)
    bad = t.copy().set(3, "menuRestaurantType", "primaire").set(5, "menuPlatType", "fromage")
    bad.set(8, "menuPlatAllergene", '["gluten"]').set(10, "menuPlatSiqo", '["bio"]')
    sample(slug, "valeur-hors-liste.csv", "Outside their lists: restaurant type "
           "« primaire » (row 3), dish type « fromage » (row 5), allergen « gluten » "
           "(row 8), label « bio » (row 10).", bad.csv(),
           [(3, "menuRestaurantType", "constraint-error"),
            (5, "menuPlatType", "constraint-error"),
            (8, "menuPlatAllergene", "constraint-error"),
            (10, "menuPlatSiqo", "constraint-error")])


# ---------------------------------------------------------------------------
# plats-menus-collectifs — Dole (Jura, 39198)
# ---------------------------------------------------------------------------
SUPPLIERS = {
    "salaisons": ("Salaisons du Revermont", siret(siren("42817395")), "39300"),
    "fruitiere": ("Fruitière de Poligny", siret(siren("77605218")), "39434"),
    "moulin": ("Moulin de Besançon", siret(siren("39172084"), "0018"), "25056"),
    "vergers": ("Les Vergers de la Bresse", siret(siren("51238476")), "01053"),
    "legumerie": ("Légumerie du Val d'Amour", siret(siren("83004127")), "39198"),
}


def _plat(code, nom, produit, supplier, siqo="", label="", allergene="", description=""):
    fournisseur, fournisseur_siret, insee = SUPPLIERS[supplier]
    return {
        "platCollNom": "Ville de Dole", "platCollSiret": DOLE_SIRET,
        "platEtablissementNom": "Cuisine centrale de Dole",
        "platEtablissementSiret": CUISINE_SIRET, "platCode": code, "platNom": nom,
        "platProduitNom": produit, "platProduitFournisseurNom": fournisseur,
        "platProduitFournisseurSiret": fournisseur_siret,
        "platProduitFournisseurInsee": insee, "platProduitSiqo": siqo,
        "platProduitLabel": label, "platProduitDescription": description,
        "platProduitOGM": "non", "platProduitIonisation": "non", "platProduitAdditif": "",
        "platProduitAllergene": allergene, "platProduitNutriment": "",
        "platPublicationDate": "2024-10-01T07:30:00Z",
        "platModificationDate": "2024-10-01T07:30:00Z", "platModificationInfo": "",
    }


PLATS = Table.of("plats-menus-collectifs", [
    _plat("DOLE-PP-0412", "Sauté de porc au caramel", "épaule de porc en dés", "salaisons",
          label="Porc de Franche-Comté"),
    _plat("DOLE-PP-0412", "Sauté de porc au caramel", "sauce soja", "legumerie",
          allergene='["soja"]'),
    _plat("DOLE-PP-0412", "Sauté de porc au caramel", "oignons", "legumerie", BIO),
    _plat("DOLE-PL-0007", "Comté AOP", "comté 18 mois", "fruitiere", AOP,
          allergene='["lait"]'),
    _plat("DOLE-PP-0611", "Lasagnes aux légumes", "feuilles de lasagne", "moulin",
          allergene='["céréales contenant du gluten","oeufs"]'),
    _plat("DOLE-PP-0611", "Lasagnes aux légumes", "courgettes", "legumerie", BIO),
    _plat("DOLE-PP-0611", "Lasagnes aux légumes", "emmental râpé", "fruitiere",
          allergene='["lait"]'),
    _plat("DOLE-D-0215", "Compote pomme-poire", "pommes", "vergers", BIO,
          description="pommes Golden et Canada grise"),
    _plat("DOLE-D-0215", "Compote pomme-poire", "poires", "vergers", BIO),
])


def plats() -> None:
    slug, t = "plats-menus-collectifs", PLATS
    sample(slug, "valide.csv", "Composition of 4 dishes of Dole's central kitchen "
           "(9 products, local suppliers, labels, allergens).", t.csv())
    sample(slug, "point-virgule.csv", "The valid file with semicolons, CRLF.",
           t.csv(";", "\r\n"))
    bad = t.copy().set(2, "platProduitFournisseurSiret",
                       wrong_key(t.get(2, "platProduitFournisseurSiret")))
    bad.set(6, "platProduitFournisseurSiret", t.get(6, "platProduitFournisseurSiret") + "0")
    sample(slug, "siret-faux.csv", "platProduitFournisseurSiret with a wrong Luhn key "
           "(row 2) and a 15th digit (row 6).", bad.csv(),
           [(2, "platProduitFournisseurSiret", "custom-check-error"),
            (6, "platProduitFournisseurSiret", "constraint-error"),
            (6, "platProduitFournisseurSiret", "custom-check-error")])
    bad = t.copy().map("platProduitFournisseurInsee", lambda v: v.lstrip("0"))
    bad.set(6, "platProduitFournisseurInsee", "25 056")
    sample(slug, "code-insee-faux.csv", "platProduitFournisseurInsee 1053 (leading zero "
           "lost, rows 9 and 10) and « 25 056 » (row 6).", bad.csv(),
           [(6, "platProduitFournisseurInsee", "constraint-error"),
            (9, "platProduitFournisseurInsee", "constraint-error"),
            (10, "platProduitFournisseurInsee", "constraint-error")])
    text = t.csv().decode("utf-8").split("\n")
    middle = "\n".join(text[:5] + [""] + text[5:]).encode("utf-8")
    sample(slug, "ligne-vide-au-milieu.csv", "An empty line between the fourth and fifth "
           "products.", middle, [(6, None, "blank-row")])
    sample(slug, "colonne-manquante.csv", "The required column platModificationDate left "
           "out.", t.copy().drop("platModificationDate").csv(),
           header_keys(["platModificationDate"]))
    bad = t.copy().set(3, "platProduitAllergene", '["soja","gluten"]').set(
        5, "platProduitSiqo", '["AOP"]').set(8, "platProduitOGM", "Non")
    sample(slug, "valeur-hors-liste.csv", "Allergen « gluten » (row 3), label « AOP » "
           "(row 5), OGM « Non » with a capital (row 8, only oui/non are booleans).",
           bad.csv(), [(3, "platProduitAllergene", "constraint-error"),
                       (5, "platProduitSiqo", "constraint-error"),
                       (8, "platProduitOGM", "type-error")])


# ---------------------------------------------------------------------------
# irve — Saint-Flour (Cantal, 15187)
# ---------------------------------------------------------------------------
SAINT_FLOUR_SIREN = commune_siren("15187")


def _pdc(station, pdc, nom, implantation, adresse, xy, puissance, prises, mise_en_service,
         pdl, nbre=2):
    ef, t2, ccs, chademo = prises
    b = lambda v: "true" if v else "false"  # noqa: E731
    return {
        "nom_amenageur": "Commune de Saint-Flour", "siren_amenageur": SAINT_FLOUR_SIREN,
        "contact_amenageur": "services.techniques@saint-flour.fr",
        "nom_operateur": "Syndicat départemental d'énergies du Cantal",
        "contact_operateur": "irve@sdec15.fr", "telephone_operateur": "0471458750",
        "nom_enseigne": "Réseau de recharge du Cantal",
        "id_station_itinerance": f"FRSDCP15187{station}", "id_station_local": "",
        "nom_station": nom, "implantation_station": implantation,
        "adresse_station": adresse, "code_insee_commune": "15187", "coordonneesXY": xy,
        "nbre_pdc": str(nbre), "id_pdc_itinerance": f"FRSDCE15187{station}{pdc}",
        "id_pdc_local": "", "puissance_nominale": puissance, "prise_type_ef": b(ef),
        "prise_type_2": b(t2), "prise_type_combo_ccs": b(ccs),
        "prise_type_chademo": b(chademo), "prise_type_autre": "false", "gratuit": "false",
        "paiement_acte": "true", "paiement_cb": "true", "paiement_autre": "false",
        "tarification": "0,30 € / kWh, puis 0,05 € / min au-delà de 2 h",
        "condition_acces": "Accès libre", "reservation": "false", "horaires": "24/7",
        "accessibilite_pmr": "Accessible mais non réservé PMR",
        "restriction_gabarit": "Aucune", "station_deux_roues": "false",
        "raccordement": "Direct", "num_pdl": pdl, "date_mise_en_service": mise_en_service,
        "observations": "", "date_maj": "2024-09-02", "cable_t2_attache": "false",
    }


ALLEES = ("Allées Georges Pompidou", "Voirie", "Allées Georges Pompidou 15100 Saint-Flour",
          "[3.092810,45.033612]")
GARE = ("Parking de la gare", "Parking public", "Avenue de la Gare 15100 Saint-Flour",
        "[3.101935,45.039127]")
HALLE = ("Halle aux bestiaux", "Parking public",
         "Place de la Halle aux Bestiaux 15100 Saint-Flour",
         "[3.087402,45.029855]")
IRVE = Table.of("irve", [
    _pdc("001", "1", *ALLEES, "22", (True, True, False, False), "2021-06-15", "25148736920413"),
    _pdc("001", "2", *ALLEES, "22", (True, True, False, False), "2021-06-15", "25148736920413"),
    _pdc("002", "1", *GARE, "50", (False, False, True, True), "2023-03-01", "25148736920587"),
    _pdc("002", "2", *GARE, "22", (False, True, False, False), "2023-03-01", "25148736920587"),
    _pdc("003", "1", *HALLE, "7.4", (True, True, False, False), "2022-11-20", "25148736921102"),
    _pdc("003", "2", *HALLE, "7.4", (True, True, False, False), "2022-11-20", "25148736921102"),
])


def irve() -> None:
    slug, t = "irve", IRVE
    sample(slug, "valide.csv", "6 charge points in 3 stations of Saint-Flour (22, 50 and "
           "7.4 kW), the operator being the département's energy syndicate.", t.csv())
    sample(slug, "valide-bom.csv", "The valid file with a UTF-8 byte-order mark, CRLF.",
           t.csv(newline="\r\n", encoding="utf-8-sig"))
    sample(slug, "entete-en-minuscules.csv", "Header lower-cased by an export tool: only "
           "coordonneesXY changes (coordonneesxy).", t.copy().rename(str.lower).csv(),
           header_keys(["coordonneesXY"]), LOWER_NOTE)
    bad = t.copy().map("code_insee_commune", lambda v: v + ".0")
    sample(slug, "code-insee-faux.csv", "code_insee_commune « 15187.0 » (a number "
           "exported by a script).", bad.csv(),
           keys(t.row_numbers, "code_insee_commune", "constraint-error"))
    bad = t.copy().map("puissance_nominale", decimal_comma)
    sample(slug, "virgule-decimale.csv", "Semicolon separator and « 7,4 » kW for the two "
           "slow charge points.", bad.csv(";", "\r\n"),
           keys([6, 7], "puissance_nominale", "type-error"))
    moved = t.copy().reorder(["id_pdc_itinerance", "id_station_itinerance", "nom_station"])
    sample(slug, "colonnes-dans-le-desordre.csv", "Identifiers and station name first.",
           moved.csv(), note=ORDER_NOTE)
    extra = t.copy().add("etat_pdc", ["en service"] * 4 + ["en maintenance", "en service"])
    sample(slug, "colonne-en-trop.csv", "An extra column « etat_pdc » (dynamic data that "
           "belongs to the other IRVE schema).", extra.csv(), note=EXTRA_NOTE)


# ---------------------------------------------------------------------------
# dae — Digne-les-Bains (Alpes-de-Haute-Provence, 04070)
# ---------------------------------------------------------------------------
DIGNE_SIREN = commune_siren("04070")
DIGNE_SIRET = siret(DIGNE_SIREN)
PHILIPS = siren("39193030")
MAINTENANCE = siren("52874136")


def _dae(nom, lat, lon, num, voie, acc, complement, jours, heures, modele, serie, instal,
         dermnt, tel="+33492305200"):
    return {
        "nom": nom, "lat_coor1": lat, "long_coor1": lon, "adr_num": num, "adr_voie": voie,
        "com_cp": "04000", "com_insee": "04070", "com_nom": "Digne-les-Bains", "acc": acc,
        "acc_lib": "oui", "acc_pcsec": "oui", "acc_acc": "oui", "dae_mobile": "non",
        "acc_etg": "0", "acc_complt": complement, "photo1": "", "photo2": "",
        "disp_j": jours, "disp_h": heures, "disp_complt": "", "tel1": tel, "tel2": "",
        "site_email": "", "date_instal": instal, "etat": "Actif",
        "etat_fonct": "En fonctionnement", "fab_siren": PHILIPS, "fab_rais": "Philips France",
        "mnt_siren": MAINTENANCE, "mnt_rais": "Alpes Secours Maintenance", "modele": modele,
        "num_serie": serie, "id_euro": "", "lc_ped": "oui", "dtpr_lcped": "2026-03-31",
        "dtpr_lcad": "2026-03-31", "dtpr_bat": "2027-05-14", "freq_mnt": "Tous les ans",
        "dispsurv": "oui", "dermnt": dermnt, "expt_siren": DIGNE_SIREN,
        "expt_siret": DIGNE_SIRET, "expt_rais": "Commune de Digne-les-Bains",
        "expt_tel1": "+33492305200", "expt_tel2": "",
        "expt_email": "securite.civile@dignelesbains.fr",
    }


OUVRABLES = ("lundi|mardi|mercredi|jeudi|vendredi", "heures ouvrables")
DAE = Table.of("dae", [
    _dae("DAE Hôtel de ville", "44.092543", "6.235612", "4", "Place du Général de Gaulle",
         "Intérieur", "Hall d'accueil, à gauche de l'entrée", *OUVRABLES, "HeartStart FRx",
         "B19E-04512", "2019-05-14", "2024-05-14"),
    _dae("DAE Gymnase Jean-Rolland", "44.085917", "6.229874", "12", "Avenue François Cuzin",
         "Intérieur", "Couloir des vestiaires", "7j/7", "heures ouvrables", "HeartStart FRx",
         "B19E-04513", "2019-05-14", "2024-05-14"),
    _dae("DAE Piscine des Eaux-Chaudes", "44.095381", "6.244102", "", "Avenue des Thermes",
         "Intérieur", "Poste des maîtres-nageurs", "7j/7", "heures ouvrables",
         "HeartStart HS1", "A21C-11873", "2021-06-01", "2024-06-03"),
    _dae("DAE Stade Charles-Dumas", "44.081246", "6.238655", "", "Chemin de la Plaine",
         "Extérieur", "Boîtier chauffé contre le mur du club-house", "7j/7", "24h/24",
         "HeartStart FRx", "B22F-00931", "2022-09-20", "2024-09-18"),
    _dae("DAE Centre culturel René-Char", "44.091832", "6.233907", "45", "Avenue du 8 Mai 1945",
         "Intérieur", "Accueil du centre culturel", "mardi|mercredi|jeudi|vendredi|samedi",
         "heures ouvrables", "HeartStart HS1", "A21C-11874", "2021-06-01", "2024-06-03"),
])


def dae() -> None:
    slug, t = "dae", DAE
    sample(slug, "valide.csv", "5 defibrillators of Digne-les-Bains (town hall, gym, "
           "pool, stadium, cultural centre).", t.csv())
    extra = t.copy().add("remarques", ["", "", "Fermé en août", "", ""], 1)
    sample(slug, "colonne-en-trop.csv", "An extra column « remarques » in second "
           "position.", extra.csv(), note=EXTRA_NOTE)
    bad = t.copy().map("expt_siret", wrong_key).map("expt_siren", wrong_key)
    sample(slug, "siret-faux.csv", f"expt_siren {wrong_key(DIGNE_SIREN)} and expt_siret "
           f"{wrong_key(DIGNE_SIRET)} (wrong Luhn keys) on every row.", bad.csv(),
           sorted(keys(t.row_numbers, "expt_siren", "custom-check-error")
                  + keys(t.row_numbers, "expt_siret", "custom-check-error")))
    bad = t.copy().map("com_insee", lambda v: v.lstrip("0")).map(
        "com_cp", lambda v: v.lstrip("0"))
    sample(slug, "code-insee-faux.csv", "com_insee 4070 and com_cp 4000: leading zeros "
           "lost in a spreadsheet.", bad.csv(),
           sorted(keys(t.row_numbers, "com_cp", "constraint-error")
                  + keys(t.row_numbers, "com_insee", "constraint-error")))
    sample(slug, "latin1.csv", "Valid content in ISO-8859-1, semicolon, CRLF.",
           t.csv(";", "\r\n", "latin-1"))
    sample(slug, "entete-en-majuscules.csv", "Header in capitals (NOM, LAT_COOR1…).",
           t.copy().rename(str.upper).csv(), CRASH, CRASH_NOTE)
    sample(slug, "colonne-manquante.csv", "The required column num_serie (serial numbers, "
           "unknown to the commune) left out.", t.copy().drop("num_serie").csv(),
           header_keys(["num_serie"]))
    bad = t.copy().set(6, "num_serie", "A21C-11873")
    sample(slug, "numero-serie-en-double.csv", "Row 6 repeats row 4's serial number "
           "(num_serie is unique).", bad.csv(), [(6, "num_serie", "unique-error")])
    bad = t.copy().map("dermnt", french_date).map("date_instal", french_date)
    sample(slug, "dates-francaises.csv", "date_instal and dermnt written DD/MM/YYYY.",
           bad.csv(), sorted(keys(t.row_numbers, "date_instal", "type-error")
                             + keys(t.row_numbers, "dermnt", "type-error")))


BUILDERS = [deliberations, subventions, budget, equipements, catalogue, prenoms, menus,
            plats, irve, dae]


def build() -> list[Sample]:
    SAMPLES.clear()
    for builder in BUILDERS:
        builder()
    names = [s.path for s in SAMPLES]
    assert len(names) == len(set(names)), "duplicate file names"
    return list(SAMPLES)


# -- README --------------------------------------------------------------------------
def _rows_text(rows: list[int]) -> str:
    """2, 3, 4, 7 -> « 2–4, 7 »."""
    parts, start, previous = [], None, None
    for r in rows + [None]:
        if start is None:
            start = previous = r
        elif r is not None and r == previous + 1:
            previous = r
        else:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
            start = previous = r
    return ", ".join(parts)


def errors_text(errors: list[Key]) -> str:
    if not errors:
        return "—"
    grouped: dict[tuple, list] = {}
    for row, name, type_ in errors:
        grouped.setdefault((name, type_), []).append(row)
    parts = []
    missing = [name for (name, type_) in grouped if type_ == "missing-label"]
    if missing:
        parts.append(f"missing-label × {len(missing)} ({', '.join(missing)})")
    for (name, type_), rows in grouped.items():
        if type_ == "missing-label":
            continue
        numbers = sorted(r for r in rows if r is not None)
        if not numbers:
            parts.append(f"{name or '(file)'} {type_}")
            continue
        where = ("rows " if len(numbers) > 1 else "row ") + _rows_text(numbers)
        parts.append(f"{where} {name or ('(header)' if numbers == [1] else '(row)')} {type_}")
    return "; ".join(parts)


def readme(samples: list[Sample]) -> str:
    lines = [
        "# SCDL parity corpus",
        "",
        "Small files of French communes, one directory per SCDL type (the CKAN dataset",
        "type), valid and with the mistakes communes make. Generated by",
        "`bench/parity/make_corpus.py` (do not edit by hand: edit the generator and run",
        "`.venv/bin/python bench/parity/make_corpus.py`); `tests/scdl/test_corpus.py`",
        "checks that the files are exactly what it writes.",
        "",
        "`bench/parity/run.py` validates every file with Validata (validata-table 0.12.5)",
        "and with our validator and compares them. The **verdict** below is Validata's,",
        "checked file by file (headers compared case-sensitively, as validata.fr and",
        "Validata's API do); the last column lists the errors it reports, as `row column",
        "type` (row numbers as Validata counts them: header = 1; header errors have no",
        "row). Identifiers are real-looking: INSEE codes of the communes, SIRENs of",
        "communes built as 21 + département + 0 + commune + Luhn key, other SIRET/SIREN",
        "numbers with a correct Luhn key unless the file says otherwise.",
        "",
        "| type | commune (INSEE) |",
        "|---|---|",
        "| deliberations | Vitré (35360) |",
        "| subventions | Lamballe-Armor (22093) |",
        "| budget | Montbrison (42147) |",
        "| equipements | Figeac (46102) |",
        "| catalogue | Pontivy (56178) |",
        "| prenoms | Bourg-en-Bresse (01053) |",
        "| menus-collectifs, plats-menus-collectifs | Dole (39198) |",
        "| irve | Saint-Flour (15187) |",
        "| dae | Digne-les-Bains (04070) |",
        "",
        "Unless said otherwise a file is UTF-8 without BOM, comma-separated, LF.",
        "",
        README_HEADER,
        "|---|---|---|---|",
    ]
    for s in samples:
        content = s.content + (f" *Note: {s.note}*" if s.note else "")
        lines.append(f"| `{s.path}` | {content} | {s.verdict} | {errors_text(s.errors)} |")
    lines.append("")
    return "\n".join(lines)


ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| (?P<content>.*) \| (?P<verdict>[a-z]+) \| "
                 r"(?P<errors>.*) \|$")


def read_readme(text: str) -> dict[str, str]:
    """{``slug/file``: ``valid`` | ``invalid``} from the corpus README's table.
    Raises ValueError on a row of the table that does not parse."""
    verdicts: dict[str, str] = {}
    in_table = False
    for line in text.splitlines():
        if line.strip() == README_HEADER:
            in_table = True
            continue
        if not in_table or line.startswith("|---"):
            continue
        if not line.startswith("|"):
            break
        match = ROW.match(line)
        if not match or match["verdict"] not in VERDICTS:
            raise ValueError(f"corpus README: unreadable row {line!r}")
        if match["path"] in verdicts:
            raise ValueError(f"corpus README: {match['path']} listed twice")
        verdicts[match["path"]] = match["verdict"]
    return verdicts


# -- writing ---------------------------------------------------------------------------
def outputs() -> dict[str, bytes]:
    """Every file of the corpus directory, README included: {relative path: bytes}."""
    samples = build()
    files = {s.path: s.data for s in samples}
    files["README.md"] = readme(samples).encode("utf-8")
    return files


def write(out: Path) -> list[str]:
    files = outputs()
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(out.rglob("*")):   # remove what we no longer produce
        relative = path.relative_to(out).as_posix()
        if path.is_file() and relative not in files and path.suffix in (".csv", ".xlsx", ".md"):
            path.unlink()
    for relative, data in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    return sorted(files)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CORPUS, help="corpus directory")
    args = parser.parse_args(argv)
    written = write(args.out)
    print(f"{len(written)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
