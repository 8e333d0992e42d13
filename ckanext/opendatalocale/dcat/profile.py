"""The ``opendatalocale`` RDF profile: ckanext-dcat's DCAT-AP 3 profile, plus
what a harvester needs to take an SCDL dataset for what it is.

Serialising, the profile describes the dataset in the keys the DCAT-AP profile
already writes (``conforms_to``, ``spatial_uri``, ``publisher_*``, EU frequency
URIs, licence URIs) and lets it write them; it adds the validation results as
DQV quality annotations, which parsers that do not know DQV skip. Parsing, it
turns those keys back into the SCDL dataset type and fields when this portal
has the type.

What each harvester reads (see README, "Harvesting"): data.gouv.fr takes the
single ``dct:conformsTo`` of a distribution as the resource's schema and looks
its URL up among schema.data.gouv.fr's ``versions[].schema_url``; ckanext-dcat
keeps it as ``conforms_to``.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCT, RDF, CleanedURIRef
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, resource_uri
from rdflib import BNode, Literal, Namespace, URIRef

from ckanext.opendatalocale.scdl import territory
from ckanext.opendatalocale.scdl.catalogue import catalogue

__all__ = ["SCDLProfile", "prefetch", "FREQUENCIES", "PUBLISHER_TYPE", "DQV", "OA"]

DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# our frequency codes (the form's choices) → the EU frequency authority
FREQUENCIES = {
    "DAILY": "DAILY", "WEEKLY": "WEEKLY", "MONTHLY": "MONTHLY",
    "QUARTERLY": "QUARTERLY", "SEMIANNUAL": "ANNUAL_2", "ANNUAL": "ANNUAL",
    "CONT": "CONT", "IRREG": "IRREG",
}
_FREQUENCY_CODES = {EU_FREQUENCY + eu: ours for ours, eu in FREQUENCIES.items()}
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/LocalAuthority"


def _schema_of(resource: dict[str, Any]) -> Optional[tuple[Any, Any]]:
    """(entry, version) of a resource's schema when the catalogue knows it."""
    url = resource.get("schema")
    if not isinstance(url, str) or not url.strip():
        return None
    return catalogue().resolve_url(url)


def _type_registered(dataset_type: str) -> bool:
    try:
        tk.get_action("scheming_dataset_schema_show")({}, {"type": dataset_type})
    except (KeyError, tk.ObjectNotFound):
        return False
    return True


_MEMO = "_opendatalocale_territories"


# the other plugins, through their helpers: a catalogue without them
# describes datasets without territory organisations or conformity
def _territories_named(names: list[str]) -> dict[str, dict[str, Any]]:
    return tk.h.territories_named(names) if "territories_named" in tk.h else {}


def _conformity(resources: list[dict[str, Any]]) -> Optional[str]:
    return tk.h.scdl_conformity(resources) if "scdl_conformity" in tk.h else None


def _memo(graph) -> Callable[[list[str]], dict[str, dict[str, Any]]]:
    """The territories plugin's ``territories_named`` remembered for one serialisation (ckanext-dcat
    builds a profile per dataset, all on the same graph)."""
    memo: dict[str, Optional[dict[str, Any]]] = graph.__dict__.setdefault(_MEMO, {})

    def named(names: list[str]) -> dict[str, dict[str, Any]]:
        missing = [n for n in names if n not in memo]
        if missing:
            found = _territories_named(missing)
            memo.update({n: found.get(n) for n in missing})
        return {n: entry for n in names if (entry := memo[n]) is not None}
    return named


def prefetch(graph, datasets: list[dict[str, Any]]) -> None:
    """Look up, in one query, the territories a page of datasets names."""
    names = set()
    for dataset in datasets:
        if dataset.get("owner_org"):
            names.add(dataset["owner_org"])
        if dataset.get("territory_code"):
            names.update(territory.candidate_names(str(dataset["territory_code"])))
    _memo(graph)(sorted(names))


class SCDLProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 with schema conformance, COG territory, publisher SIREN,
    EU frequencies, licences on distributions and validation annotations."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        try:
            super().__init__(graph, dataset_type, compatibility_mode)
        except tk.ObjectNotFound:
            # ckanext-dcat builds every profile for the plain "dataset" type,
            # which scheming does not serve on this portal (only SCDL types
            # are scheming types): our datasets are read as plain dictionaries
            # (the base constructor set everything else before it raised)
            self._dataset_schema = None
            self._form_languages = None

    # Serialising
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        for prefix, namespace in (("dqv", DQV), ("oa", OA), ("prov", PROV)):
            self.g.bind(prefix, namespace)
        described = self._described(dataset_dict)
        super().graph_from_dataset(described, dataset_ref)
        self._add_spatial_details(described, dataset_ref)
        self._add_standards(described)
        self._add_annotations(described, dataset_ref)
        self._add_provenance(described, dataset_ref)

    def _described(self, dataset_dict: dict[str, Any]) -> dict[str, Any]:
        """A copy of the dataset in the keys the DCAT-AP profile writes."""
        described = copy.deepcopy(dataset_dict)
        schema_urls: list[str] = []
        license_url = described.get("license_url")
        for resource in described.get("resources", []):
            known = _schema_of(resource)
            if known:
                url = known[1].schema_url
                resource["conforms_to"] = [url]  # exactly one: data.gouv.fr reads one
                resource["_scdl_standard"] = (known[0], known[1])
                if url not in schema_urls:
                    schema_urls.append(url)
            if license_url and not resource.get("license"):
                resource["license"] = license_url
        if schema_urls:
            described["conforms_to"] = schema_urls
        frequency = FREQUENCIES.get(str(described.get("frequency") or ""))
        if frequency:
            described["frequency"] = EU_FREQUENCY + frequency

        named = _memo(self.g)
        covered = territory.covered(described.get("territory_code"),
                                    described.get("owner_org"), named)
        if covered:
            described["spatial_uri"] = territory.cog_uri(covered["level"], covered["code"])
            if covered.get("title"):
                described["spatial_text"] = covered["title"]
            described["_scdl_territory"] = covered
        owner = described.get("owner_org")
        publisher = named([owner]).get(owner) if owner else None
        if publisher:
            described["publisher_uri"] = f"{catalog_uri()}/organization/{publisher['name']}"
            described["publisher_name"] = publisher["title"]
            described["publisher_type"] = PUBLISHER_TYPE
            if publisher.get("siren"):
                described["publisher_identifier"] = publisher["siren"]
        return described

    def _add_spatial_details(self, described: dict[str, Any], dataset_ref) -> None:
        covered = described.get("_scdl_territory")
        if not covered:
            return
        spatial = URIRef(described["spatial_uri"])
        if (dataset_ref, DCT.spatial, spatial) not in self.g:
            self.g.add((dataset_ref, DCT.spatial, spatial))
        self.g.add((spatial, RDF.type, DCT.Location))
        self.g.add((spatial, DCT.identifier, Literal(covered["code"])))
        self.g.add((spatial, DCT.type, Literal(covered["level"])))

    def _add_standards(self, described: dict[str, Any]) -> None:
        """Name each schema version: its schema.data.gouv.fr id and title."""
        for resource in described.get("resources", []):
            standard = resource.get("_scdl_standard")
            if not standard:
                continue
            entry, version = standard
            ref = URIRef(version.schema_url)
            self.g.add((ref, RDF.type, DCT.Standard))
            self.g.add((ref, DCT.identifier, Literal(entry.id)))
            self.g.add((ref, DCT.title, Literal(entry.title.get("fr") or entry.id, lang="fr")))
            self.g.add((ref, DCAT.version, Literal(version.version)))

    def _add_annotations(self, described: dict[str, Any], dataset_ref) -> None:
        """Validation results as DQV quality annotations: the dataset's
        conformity (conforme, invalide, en-cours, non-valide) and each file's
        validation status with its date."""
        conformity = _conformity(described.get("resources", []))
        if conformity:
            self._annotate(dataset_ref, conformity, None)
        for resource in described.get("resources", []):
            status = resource.get("validation_status")
            if status and resource.get("_scdl_standard"):
                # the distribution's URI, as the DCAT-AP profile named it
                distribution = CleanedURIRef(resource_uri(resource))
                self._annotate(distribution, status, resource.get("validation_timestamp"))

    def _add_provenance(self, described: dict[str, Any], dataset_ref) -> None:
        """Data a dotation extracted from a national file (the dotation
        plugin's ``scdl_dotation``): the national dataset as ``dct:source``,
        the file itself as what it ``prov:wasDerivedFrom`` (its address, or a
        described entity when it was read on the server), with its date."""
        provenance = described.get("scdl_dotation")
        if provenance is None and "scdl_dotation_provenance" in tk.h and described.get("id"):
            provenance = tk.h.scdl_dotation_provenance(described["id"])   # a search result
        if not isinstance(provenance, dict):
            return
        page = provenance.get("page") or ""
        if page.startswith(("http://", "https://")):
            self.g.add((dataset_ref, DCT.source, URIRef(page)))
        url = provenance.get("url") or ""
        entity = URIRef(url) if url.startswith(("http://", "https://")) else BNode()
        self.g.add((dataset_ref, PROV.wasDerivedFrom, entity))
        self.g.add((entity, RDF.type, PROV.Entity))
        title = (provenance.get("title") or {}).get("fr")
        if title:
            self.g.add((entity, DCT.title, Literal(title, lang="fr")))
        if provenance.get("date"):
            self._add_date_triple(entity, DCT.issued, provenance["date"])

    def _annotate(self, target, value: str, when: Optional[str]) -> None:
        annotation = BNode()
        self.g.add((target, DQV.hasQualityAnnotation, annotation))
        self.g.add((annotation, RDF.type, DQV.QualityAnnotation))
        self.g.add((annotation, OA.motivatedBy, DQV.qualityAssessment))
        self.g.add((annotation, OA.hasTarget, target))
        self.g.add((annotation, OA.bodyValue, Literal(value)))
        if when:
            self._add_date_triple(annotation, PROV.generatedAtTime, when)

    # Parsing
    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        extras = {e["key"]: e["value"] for e in dataset_dict.get("extras", [])}
        resources = dataset_dict.get("resources", [])
        distributions = {str(d): d for d in self.g.objects(dataset_ref, DCAT.distribution)}
        slugs = set()
        for resource in resources:
            urls = resource.get("conforms_to") or []
            if isinstance(urls, str):
                urls = json.loads(urls)
            for url in urls:
                known = catalogue().resolve_url(url)
                if known:
                    resource["schema"] = known[1].schema_url
                    resource["schema_version"] = known[1].version
                    slugs.add(known[0].slug)
            ref = distributions.get(resource.get("uri") or "")
            if ref is not None:
                status = self._annotation(ref)
                if status:
                    resource["validation_status"] = status
        conformity = self._annotation(dataset_ref)
        if conformity:
            dataset_dict["scdl_conformity"] = conformity
        frequency = _FREQUENCY_CODES.get(extras.get("frequency", ""))
        spatial = extras.get("spatial_uri", "")
        code = spatial.rsplit("/", 1)[-1] if "id.insee.fr/geo/" in spatial else None
        if len(slugs) == 1:
            slug = slugs.pop()
            if _type_registered(slug):
                # an SCDL type here: its fields are top-level
                dataset_dict["type"] = slug
                moved = {"frequency": frequency, "territory_code": code,
                         "temporal_start": extras.get("temporal_start"),
                         "temporal_end": extras.get("temporal_end")}
                dataset_dict["extras"] = [e for e in dataset_dict["extras"]
                                          if e["key"] not in moved]
                dataset_dict.update({k: v for k, v in moved.items() if v})
                return dataset_dict
        for extra in dataset_dict.get("extras", []):
            if extra["key"] == "frequency" and frequency:
                extra["value"] = frequency
        if code:
            dataset_dict["extras"].append({"key": "territory_code", "value": code})
        return dataset_dict

    def _annotation(self, target) -> Optional[str]:
        for annotation in self.g.objects(target, DQV.hasQualityAnnotation):
            value = self.g.value(annotation, OA.bodyValue)
            if value is not None:
                return str(value)
        return None
