"""The Code officiel géographique as a tree of territories (no CKAN import).

Reads the JSON files of ``@etalab/decoupage-administratif`` (``communes.json``,
``epci.json``, ``departements.json``, ``regions.json``) and builds the
territories a portal needs, named by their official code:

- région ``region-53`` → département ``departement-35`` (its région);
- EPCI à fiscalité propre ``epci-243500139`` → the département where most of
  its member population lives (the files give no seat; 89 EPCI span two
  départements);
- commune ``commune-35238`` → its EPCI, or its département where it has none.

Communes that a commune nouvelle absorbed (``commune-deleguee``,
``commune-associee`` whose chef-lieu is another commune) are listed apart:
an organisation already made for one of them is kept, marked as merged.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ckanext.opendatalocale.scdl.territory import LEVEL_RANK, organization_name

__all__ = ["CogError", "Territory", "Cog", "read", "OBLIGATION_POPULATION"]

# loi pour une République numérique (2016): collectivités of more than 3 500
# inhabitants (and 50 agents, which the COG does not say) must open their data
OBLIGATION_POPULATION = 3500
FILES = ("communes.json", "epci.json", "departements.json", "regions.json")


class CogError(ValueError):
    """The source is missing, partial or not what is expected."""


@dataclass(frozen=True)
class Territory:
    name: str                 # organisation name, e.g. commune-35238
    title: str
    level: str                # region | departement | epci | commune
    code: str                 # INSEE code; the SIREN for an EPCI
    parent: Optional[str]     # organisation name of the parent
    siren: Optional[str] = None
    population: Optional[int] = None

    @property
    def obligation(self) -> bool:
        return self.level != "region" and (self.population or 0) > OBLIGATION_POPULATION


def _department_of(commune_code: str) -> str:
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


class Cog:
    def __init__(self, communes: list, epci: list, departements: list, regions: list):
        self.regions = {r["code"]: r for r in regions}
        self.departements = {d["code"]: d for d in departements}
        self.communes = {c["code"]: c for c in communes if c.get("type") == "commune-actuelle"}
        # absorbed communes: code → the commune nouvelle (its chef-lieu)
        self.merged = {c["code"]: c["chefLieu"] for c in communes
                       if c.get("type") in ("commune-deleguee", "commune-associee")
                       and c.get("chefLieu") and c["chefLieu"] != c["code"]
                       and c["code"] not in self.communes}
        self.epci = {e["code"]: e for e in epci}
        self.epci_of: dict[str, str] = {}
        for e in epci:
            for member in e.get("membres", []):
                self.epci_of[member["code"]] = e["code"]

    # -- levels -------------------------------------------------------------------
    def epci_departement(self, code: str) -> str:
        """Where most of the EPCI's member population lives."""
        weights: Counter = Counter()
        for member in self.epci[code]["membres"]:
            weights[_department_of(member["code"])] += member.get("populationMunicipale") \
                or member.get("populationTotale") or 0
        return max(sorted(weights), key=lambda d: weights[d])

    def territory(self, level: str, code: str) -> Territory:
        if level == "region":
            r = self.regions[code]
            return Territory(organization_name(level, code), r["nom"], level, code, None)
        if level == "departement":
            d = self.departements[code]
            region = d.get("region")
            parent = organization_name("region", region) if region in self.regions else None
            return Territory(organization_name(level, code), d["nom"], level, code, parent)
        if level == "epci":
            e = self.epci[code]
            return Territory(organization_name(level, code), e["nom"], level, code,
                             organization_name("departement", self.epci_departement(code)),
                             siren=code, population=e.get("populationMunicipale"))
        c = self.communes[code]
        epci = self.epci_of.get(code)
        parent = (organization_name("epci", epci) if epci
                  else organization_name("departement", c["departement"]))
        return Territory(organization_name(level, code), c["nom"], level, code, parent,
                         siren=c.get("siren"), population=c.get("population"))

    # -- scopes -------------------------------------------------------------------
    def scope(self, region: Optional[str] = None,
              departement: Optional[str] = None) -> list[Territory]:
        """The territories of a région, a département or all of France, with
        every ancestor they need (an EPCI seated next door, its département,
        their région), parents before children."""
        if region is not None and region not in self.regions:
            raise CogError(f"unknown région code {region!r}"
                           + (" (it is a département: use --departement)"
                              if region in self.departements else ""))
        if departement is not None and departement not in self.departements:
            raise CogError(f"unknown département code {departement!r}"
                           + (" (it is a région: use --region)"
                              if departement in self.regions else ""))
        communes = [c for c in self.communes.values()
                    if (departement is None or c.get("departement") == departement)
                    and (region is None or c.get("region") == region)]
        wanted: dict[str, Territory] = {}

        def add(level: str, code: str) -> None:
            territory = self.territory(level, code)
            if territory.name in wanted:
                return
            wanted[territory.name] = territory
            if territory.parent:
                parent_level, parent_code = territory.parent.split("-", 1)
                key = parent_code.upper() if parent_level != "epci" else parent_code
                add(parent_level, key)

        try:
            for commune in communes:
                add("commune", commune["code"])
            if departement is None and region is None:
                for code in self.departements:
                    add("departement", code)
                for code in self.regions:
                    add("region", code)
        except (KeyError, TypeError, AttributeError) as e:
            raise CogError(f"the source is inconsistent or partial (missing {e}): "
                           "give the complete data folder of the package") from None
        return sorted(wanted.values(), key=lambda t: (LEVEL_RANK[t.level], t.name))


def _load(directory: Path, name: str) -> list:
    path = directory / name
    if not path.is_file():
        raise CogError(f"{path} is missing: give the data folder of "
                       "@etalab/decoupage-administratif (npm package)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CogError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict) \
            or "code" not in data[0] or "nom" not in data[0]:
        raise CogError(f"{path} is not a list of territories with code and nom")
    return data


def read(source: Path | str) -> Cog:
    """The COG from the package's data folder (or the package folder)."""
    source = Path(source)
    if (source / "data").is_dir():
        source = source / "data"
    if not source.is_dir():
        raise CogError(f"{source} is not a folder")
    communes, epci, departements, regions = (_load(source, name) for name in FILES)
    if not any(e.get("membres") for e in epci):
        raise CogError(f"{source / 'epci.json'} lists no member communes")
    return Cog(communes, epci, departements, regions)


def names(territories: Iterable[Territory]) -> set[str]:
    return {t.name for t in territories}
