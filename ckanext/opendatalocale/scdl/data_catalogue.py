"""An organisation's SCDL catalogue (schema ``scdl/catalogue``) written from
its datasets: one row per published dataset, from what CKAN knows of it.

    >>> rows = catalogue_rows(organisation, datasets, dataset_url)

``organisation`` and ``datasets`` are CKAN's dicts (``organization_show``,
``package_show``); the organisation needs its SIRET (the catalogue requires
``COLL_SIRET`` and ``PRODUCTEUR_SIRET``): without it, ``MissingSiret``.
What CKAN does not know is said as the schema allows: a dataset without
temporal coverage covers the day it was published, an unknown frequency is
« Inconnue », a licence other than the Licence Ouverte and the ODbL is
« Spécifique ou autre ».
"""
from __future__ import annotations

import csv
from typing import Any, Callable, Optional, TextIO

__all__ = ["MissingSiret", "catalogue_rows", "write_catalogue", "FIELDS"]

FIELDS = ["COLL_NOM", "COLL_SIRET", "ID", "TITRE", "DESCRIPTION", "THEME", "PRODUCTEUR_NOM",
          "PRODUCTEUR_SIRET", "COUV_SPAT_MAILLE", "COUV_SPAT_NOM", "COUV_TEMP_DEBUT",
          "COUV_TEMP_FIN", "DATE_PUBL", "FREQ_MAJ", "DATE_MAJ", "MOTS_CLES", "LICENCE",
          "NOMBRE_RESSOURCES", "FORMAT_RESSOURCES", "URL"]

_MAILLE = {"commune": "Communale", "epci": "Intercommunale", "departement": "Départementale",
           "region": "Régionale"}
_FREQUENCY = {"DAILY": "Quotidienne ou plusieurs fois par jour",
              "WEEKLY": "Hebdomadaire ou plusieurs fois par semaine",
              "MONTHLY": "Mensuelle ou plusieurs fois par mois", "QUARTERLY": "Trimestrielle",
              "SEMIANNUAL": "Semestrielle", "ANNUAL": "Annuelle", "CONT": "Continuelle",
              "IRREG": "Irrégulière"}
_LICENCE = {"lov2": "Licence Ouverte-LO", "etalab-2.0": "Licence Ouverte-LO",
            "odc-odbl": "Open Database License-ODBL"}
THEME = "Administration locale"


class MissingSiret(ValueError):
    """The organisation has no SIRET: its catalogue cannot conform."""


def _day(value: Optional[str]) -> str:
    return (value or "")[:10]


def _siret(organisation: dict[str, Any]) -> str:
    siret = "".join(str(organisation.get("siret") or "").split())
    if len(siret) != 14 or not siret.isdigit():
        raise MissingSiret(organisation.get("name"))
    return siret


def _licence(license_id: Optional[str]) -> str:
    if license_id in _LICENCE:
        return _LICENCE[license_id]
    if (license_id or "").lower().startswith("cc-"):
        return "Creative Commons-CC"
    return "Spécifique ou autre"


def catalogue_rows(organisation: dict[str, Any], datasets: list[dict[str, Any]],
                   dataset_url: Callable[[dict[str, Any]], str]) -> list[dict[str, str]]:
    """One row per dataset with at least one file, by name."""
    siret = _siret(organisation)
    name = organisation.get("title") or organisation["name"]
    rows = []
    for dataset in sorted(datasets, key=lambda d: d["name"]):
        resources = [r for r in dataset.get("resources", []) if r.get("url")]
        if not resources:
            continue
        published = _day(dataset.get("metadata_created"))
        tags = [t["name"] for t in dataset.get("tags", []) if t.get("name")]
        formats = sorted({(r.get("format") or "").strip().lower() for r in resources} - {""})
        rows.append({
            "COLL_NOM": name, "COLL_SIRET": siret, "ID": dataset["name"],
            "TITRE": dataset.get("title") or dataset["name"],
            "DESCRIPTION": " ".join((dataset.get("notes") or dataset.get("title")
                                     or dataset["name"]).split()),
            "THEME": THEME, "PRODUCTEUR_NOM": name, "PRODUCTEUR_SIRET": siret,
            "COUV_SPAT_MAILLE": _MAILLE.get(organisation.get("territory_level") or "", "Autre"),
            "COUV_SPAT_NOM": name,
            "COUV_TEMP_DEBUT": _day(dataset.get("temporal_start")) or published,
            "COUV_TEMP_FIN": _day(dataset.get("temporal_end")) or _day(
                dataset.get("temporal_start")) or published,
            "DATE_PUBL": published,
            "FREQ_MAJ": _FREQUENCY.get(dataset.get("frequency") or "", "Inconnue"),
            "DATE_MAJ": _day(dataset.get("metadata_modified")) or published,
            "MOTS_CLES": ";".join(tags) or (dataset.get("type") or "donnees"),
            "LICENCE": _licence(dataset.get("license_id")),
            "NOMBRE_RESSOURCES": str(len(resources)),
            "FORMAT_RESSOURCES": ";".join(formats) or "autre",
            "URL": dataset_url(dataset),
        })
    return rows


def write_catalogue(rows: list[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
