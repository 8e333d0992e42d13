"""A délibérations file of N rows (SCDL deliberations 2.1.5) for `make bench-datastore`.

Rows as a syndicate or an open-data platform gathering several collectivités
would publish them: a dozen collectivités (valid SIRETs), twelve years of
council meetings, subjects of the ACTES nomenclature with objects worded as
councils word them (amounts, streets, associations, some commas and quotes),
budgets on about a third of the rows (year or period, always with their
name), the prefecture's acknowledgement on most rows (its date on or after
the vote) and the vote on most (effectif ≥ réel = pour + contre +
abstention; all five empty together otherwise), a link to the PDF on most.
Deterministic (seeded): the same N gives the same file.

    python bench/datastore/generate.py N [PATH]   (default /tmp/bench-datastore/deliberations-N.csv)

``ensure(rows)`` writes the file once and reuses it; ``check(path)`` validates
its first 1 000 rows with our validator (``validate_file``).
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import random
import sys
import tempfile
from itertools import islice
from pathlib import Path

from stdnum import luhn

FOLDER = Path(os.environ.get("BENCH_DATASTORE_DIR", "/tmp/bench-datastore"))
SEED = 2026
CHECKED_ROWS = 1000

# (name, département, INSEE code of the commune or number of the EPCI, council size, site)
COLLECTIVITES = [
    ("Ville de Rennes", "35", "238", 61, "metropole.rennes.fr"),
    ("Commune de Cesson-Sévigné", "35", "051", 33, "ville-cesson-sevigne.fr"),
    ("Ville de Saint-Malo", "35", "288", 45, "saint-malo.fr"),
    ("Commune de Bruz", "35", "047", 33, "ville-bruz.fr"),
    ("Commune de Vitré", "35", "360", 33, "mairie-vitre.com"),
    ("Commune de Pacé", "35", "210", 29, "ville-pace.fr"),
    ("Commune de Montfort-sur-Meu", "35", "188", 27, "montfort-sur-meu.bzh"),
    ("Commune de Janzé", "35", "136", 27, "janze.fr"),
    ("Commune de Saint-Aubin-du-Cormier", "35", "253", 23, "saint-aubin-du-cormier.bzh"),
    ("Commune de Bazouges-la-Pérouse", "35", "018", 19, "bazouges-la-perouse.fr"),
    ("Commune de Saint-Ganton", "35", "271", 11, "saint-ganton.fr"),
    ("Département d'Ille-et-Vilaine", "35", "000", 54, "ille-et-vilaine.fr"),
]

# the ACTES nomenclature: (code, level 1 subject/sub-subject)
MATIERES = [
    ("1.1", "Commande publique/Marchés publics"),
    ("1.2", "Commande publique/Délégation de service public"),
    ("1.4", "Commande publique/Autres types de contrats"),
    ("2.1", "Urbanisme/Documents d'urbanisme"),
    ("2.2", "Urbanisme/Actes relatifs au droit d'occupation ou d'utilisation des sols"),
    ("2.3", "Urbanisme/Droit de préemption urbain"),
    ("3.1", "Domaine et patrimoine/Acquisitions"),
    ("3.2", "Domaine et patrimoine/Aliénations"),
    ("3.3", "Domaine et patrimoine/Locations"),
    ("3.5", "Domaine et patrimoine/Autres actes de gestion du domaine public"),
    ("4.1", "Fonction publique/Personnels titulaires et stagiaires de la FPT"),
    ("4.2", "Fonction publique/Personnels contractuels"),
    ("4.5", "Fonction publique/Régime indemnitaire"),
    ("5.1", "Institutions et vie politique/Election exécutif"),
    ("5.3", "Institutions et vie politique/Désignation de représentants"),
    ("5.7", "Institutions et vie politique/Intercommunalité"),
    ("6.1", "Libertés publiques et pouvoirs de police/Police municipale"),
    ("7.1", "Finances locales/Décisions budgétaires"),
    ("7.2", "Finances locales/Fiscalité"),
    ("7.3", "Finances locales/Emprunts"),
    ("7.5", "Finances locales/Subventions"),
    ("7.10", "Finances locales/Divers"),
    ("8.1", "Domaines de compétences par thèmes/Enseignement"),
    ("8.2", "Domaines de compétences par thèmes/Aide sociale"),
    ("8.3", "Domaines de compétences par thèmes/Voirie"),
    ("8.4", "Domaines de compétences par thèmes/Aménagement du territoire"),
    ("8.5", "Domaines de compétences par thèmes/Politique de la ville-habitat-logement"),
    ("8.8", "Domaines de compétences par thèmes/Environnement"),
    ("8.9", "Domaines de compétences par thèmes/Culture"),
    ("9.1", "Autres domaines de compétences/Autres domaines de compétences des communes"),
]

STREETS = ["rue de la Mairie", "avenue de la Gare", "place de l'Église", "rue du Stade",
           "boulevard de la Liberté", "chemin des Écoliers", "rue Jean Jaurès",
           "allée des Tilleuls", "route de Rennes", "impasse du Moulin", "quai Duguay-Trouin"]
ASSOCIATIONS = ["Comité des fêtes", "Amicale laïque", "Club de football", "Les Restos du cœur",
                "Association des parents d'élèves", "Union sportive", "Bibliothèque pour tous",
                "Secours populaire", "Harmonie municipale", "Club des aînés ruraux",
                "Office de tourisme"]
WORKS = ["la rénovation de l'école élémentaire", "l'extension de la salle des sports",
         "la réfection de la voirie communale", "l'aménagement du centre-bourg",
         "la construction d'une médiathèque", "la mise en accessibilité de la mairie",
         "l'éclairage public (LED)", "la restauration de l'église", "la piste cyclable"]
BUDGETS = ["Budget principal", "Budget annexe eau", "Budget annexe assainissement",
           "Budget annexe lotissement", "Budget annexe déchets-collecte et traitement",
           "Budget annexe transports"]


def _siret(departement: str, code: str) -> str:
    """A valid SIRET (Luhn) of a collectivité's kind: 2 + département + code."""
    base = "2" + ("1" if code != "000" else "2") + departement + code
    siren = (base + "00")[:8]
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _amount(rnd: random.Random) -> str:
    value = rnd.choice([150, 300, 500, 750, 1200, 2500, 4800, 12000, 35000, 150000])
    value += rnd.randrange(0, 100) * 10
    return f"{value:,}".replace(",", " ")


def _objet(rnd: random.Random, code: str, year: int) -> str:
    kind = code.split(".")[0]
    if code == "7.5":
        return (f"Attribution d'une subvention de {_amount(rnd)} € à l'association "
                f"« {rnd.choice(ASSOCIATIONS)} » pour l'année {year}")
    if kind == "7":
        return rnd.choice([
            f"Décision modificative n° {rnd.randint(1, 4)} de l'exercice {year}",
            f"Vote des taux d'imposition {year}",
            f"Budget primitif {year}, adoption",
            f"Emprunt de {_amount(rnd)} € auprès de la Banque des territoires, pour "
            f"{rnd.choice(WORKS)}",
            f"Admission en non-valeur de créances irrécouvrables ({_amount(rnd)} €)"])
    if kind == "1":
        return (f"Marché de travaux pour {rnd.choice(WORKS)} : attribution du lot n° "
                f"{rnd.randint(1, 12)}, avenant n° {rnd.randint(1, 3)}")
    if kind == "2":
        return (f"Modification simplifiée n° {rnd.randint(1, 5)} du plan local d'urbanisme, "
                f"secteur {rnd.choice(STREETS)}")
    if kind == "3":
        return (f"{rnd.choice(['Acquisition', 'Cession', 'Bail', 'Servitude de passage'])} "
                f"de la parcelle cadastrée section {rnd.choice('ABCDEKZ')}{rnd.choice('ABCN')} "
                f"n° {rnd.randint(1, 999)}, {rnd.randint(1, 120)} {rnd.choice(STREETS)}, "
                f"{rnd.randint(50, 9000)} m²")
    if kind == "4":
        return rnd.choice([
            f"Création d'un poste d'adjoint technique à temps {rnd.choice(['complet', 'non complet'])}",
            f"Mise à jour du tableau des effectifs au 1er {rnd.choice(['janvier', 'juillet', 'septembre'])} {year}",
            "Régime indemnitaire tenant compte des fonctions, des sujétions, de l'expertise et "
            "de l'engagement professionnel (RIFSEEP)"])
    if kind == "5":
        return rnd.choice([
            f"Désignation des représentants au syndicat « {rnd.choice(['Eau du Bassin rennais', 'SDE35', 'SMICTOM'])} »",
            "Élection des adjoints au maire",
            f"Rapport d'activité {year - 1} de l'intercommunalité"])
    if kind == "6":
        return f"Règlement de stationnement {rnd.choice(STREETS)}, zone bleue"
    return rnd.choice([
        f"Convention avec le Département pour {rnd.choice(WORKS)}",
        f"Tarifs municipaux {year} (cantine, garderie, salles)",
        f"Programme de {rnd.choice(WORKS)} : approbation de l'avant-projet, plan de financement",
        f"Dénomination de la voie \"{rnd.choice(STREETS).split(' ', 1)[1].capitalize()}\""])


def _rows(rows: int):
    rnd = random.Random(SEED)
    collectivites = [(name, _siret(dep, code), dep, code, size, site)
                     for name, dep, code, size, site in COLLECTIVITES]
    weights = [size for *_, size, _site in collectivites]
    first, days = dt.date(2014, 1, 1), (dt.date(2025, 12, 31) - dt.date(2014, 1, 1)).days
    numbers: dict[tuple[str, int], int] = {}
    for _ in range(rows):
        name, siret, dep, code, size, site = rnd.choices(collectivites, weights)[0]
        date = first + dt.timedelta(days=rnd.randrange(days + 1))
        number = numbers[(siret, date.year)] = numbers.get((siret, date.year), 0) + 1
        delib_id = f"{date.year}-{code}-{number:06d}"
        matiere_code, matiere_nom = rnd.choice(MATIERES)
        budget_annee = budget_nom = ""
        if matiere_code.startswith("7.") or rnd.random() < 0.2:
            budget_annee = (str(date.year) if rnd.random() < 0.7
                            else f"{date.year}/{date.year + 1}")
            budget_nom = rnd.choice(BUDGETS)
        pref_id = pref_date = ""
        if rnd.random() < 0.8:
            received = date + dt.timedelta(days=rnd.choice([0, 0, 1, 2, 3, 5, 8, 15]))
            pref_id = (f"0{dep}-{siret[:9]}-{date:%Y%m%d}-{delib_id.replace('-', '_')}-DE")
            pref_date = received.isoformat()
        votes = [""] * 5
        if rnd.random() < 0.85:
            effectif = size
            reel = effectif - min(effectif, rnd.choice([0, 0, 1, 1, 2, 3, 4, 6]))
            contre = abstention = 0
            if rnd.random() < 0.3:
                contre = rnd.randint(0, reel // 4)
                abstention = rnd.randint(0, (reel - contre) // 5)
            votes = [effectif, reel, reel - contre - abstention, contre, abstention]
        url = (f"https://www.{site}/deliberations/{date.year}/{delib_id}.pdf"
               if rnd.random() < 0.9 else "")
        yield [name, siret, delib_id, date.isoformat(), matiere_code, matiere_nom,
               _objet(rnd, matiere_code, date.year), budget_annee, budget_nom, pref_id,
               pref_date, *votes, url]


def header() -> list[str]:
    from ckanext.opendatalocale.scdl import catalogue
    schema = catalogue().get("deliberations").version("2.1.5").table_schema()
    return [f["name"] for f in schema["fields"]]


def write(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header())
        writer.writerows(_rows(rows))
    partial.replace(path)


def ensure(rows: int, path: Path | None = None) -> Path:
    """The file of ``rows`` rows, written once (kept in FOLDER for the next runs)."""
    path = path or FOLDER / f"deliberations-{rows}.csv"
    if not path.exists():
        print(f"writing {path} ({rows} rows)…", flush=True)
        write(path, rows)
    return path


def check(path: Path, rows: int = CHECKED_ROWS):
    """Our validator's report on the file's first ``rows`` rows."""
    from ckanext.opendatalocale.scdl import catalogue
    from ckanext.opendatalocale.scdl.validation import validate_file
    schema = catalogue().get("deliberations").version("2.1.5").table_schema()
    with path.open(newline="", encoding="utf-8") as f, tempfile.NamedTemporaryFile(
            "w", suffix=".csv", newline="", encoding="utf-8", delete=False) as head:
        head.writelines(islice(f, rows + 1))
    try:
        return validate_file(head.name, schema)
    finally:
        os.unlink(head.name)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    n = int(sys.argv[1])
    out = ensure(n, Path(sys.argv[2]) if len(sys.argv) == 3 else None)
    report = check(out)
    print(out, f"{out.stat().st_size / 1e6:.0f} MB", f"first {CHECKED_ROWS} rows valid:",
          report.valid, report.error_count)
