"""The catalogue of supported SCDL schemas (``schemas/catalogue.yaml``) and
their Table Schemas (``schemas/<id>/<version>/schema.json``).

A schema is known by its slug (the CKAN dataset type, ``deliberations``) or
its schema.data.gouv.fr id (``scdl/deliberations``); a version by its number
(``2.1.5``) or its canonical URL, the catalogue's ``schema_url``
(``https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json``),
which resolves to our local file without any network access.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from ..resources import resource_dir

__all__ = ["Catalogue", "SchemaEntry", "SchemaVersion", "UnknownSchema",
           "UnknownVersion", "catalogue"]


class UnknownSchema(LookupError):
    def __init__(self, name: str, known: list[str]):
        super().__init__(f"unknown SCDL schema {name!r}; known: {', '.join(known)}")
        self.name, self.known = name, known


class UnknownVersion(LookupError):
    def __init__(self, schema: str, version: str, known: list[str]):
        super().__init__(f"unknown version {version!r} of SCDL schema {schema!r}; "
                         f"known: {', '.join(known)}")
        self.schema, self.version, self.known = schema, version, known


@dataclass(frozen=True)
class SchemaVersion:
    version: str
    schema_url: str
    path: Path

    def table_schema(self) -> dict[str, Any]:
        """Our Table Schema of this version (a fresh copy)."""
        return json.loads(self.path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SchemaEntry:
    slug: str
    id: str
    title: dict[str, str]
    description: dict[str, str]
    guide: dict[str, str]
    expected_frequency: str
    documentation_url: str
    schema_page: str
    default_version: str
    versions: tuple[SchemaVersion, ...]

    @property
    def version_numbers(self) -> list[str]:
        return [v.version for v in self.versions]

    @property
    def latest(self) -> SchemaVersion:
        return self.version(self.default_version)

    def version(self, number: Optional[str] = None) -> SchemaVersion:
        """The version ``number`` (the default one when None)."""
        number = number or self.default_version
        for candidate in self.versions:
            if candidate.version == number:
                return candidate
        raise UnknownVersion(self.slug, number, self.version_numbers)

    def as_dict(self) -> dict[str, Any]:
        """The entry as the API shows it."""
        return {
            "slug": self.slug, "id": self.id, "title": dict(self.title),
            "description": dict(self.description), "guide": dict(self.guide),
            "expected_frequency": self.expected_frequency,
            "documentation_url": self.documentation_url,
            "schema_page": self.schema_page,
            "default_version": self.default_version,
            "versions": [{"version": v.version, "schema_url": v.schema_url}
                         for v in self.versions],
        }


def _canonical(url: str) -> str:
    url = url.strip()
    if url.startswith("http://"):
        url = "https://" + url[len("http://"):]
    return url.rstrip("/")


class Catalogue:
    def __init__(self, directory: Path):
        self.directory = directory
        data = yaml.safe_load((directory / "catalogue.yaml").read_text(encoding="utf-8"))
        self.entries: tuple[SchemaEntry, ...] = tuple(
            self._entry(raw) for raw in data["schemas"])
        self._by_name = {e.slug: e for e in self.entries}
        self._by_name.update({e.id: e for e in self.entries})
        self._by_url = {_canonical(v.schema_url): (e, v)
                        for e in self.entries for v in e.versions}

    def _entry(self, raw: dict[str, Any]) -> SchemaEntry:
        versions = tuple(
            SchemaVersion(version=str(v["version"]), schema_url=v["schema_url"],
                          path=self.directory / raw["id"] / str(v["version"]) / "schema.json")
            for v in raw["versions"])
        return SchemaEntry(
            slug=raw["slug"], id=raw["id"], title=raw["title"],
            description=raw["description"], guide=raw.get("guide", {}),
            expected_frequency=raw["expected_frequency"],
            documentation_url=raw["documentation_url"],
            schema_page=raw.get("schema_page", raw["documentation_url"]),
            default_version=str(raw["default_version"]), versions=versions)

    @property
    def slugs(self) -> list[str]:
        return [e.slug for e in self.entries]

    def get(self, name: str) -> SchemaEntry:
        """A schema by slug or schema.data.gouv.fr id."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownSchema(name, self.slugs) from None

    def resolve_url(self, url: str) -> Optional[tuple[SchemaEntry, SchemaVersion]]:
        """The schema and version a canonical schema URL names, or None."""
        return self._by_url.get(_canonical(url))


@functools.lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue shipped with the suite."""
    return Catalogue(resource_dir("schemas"))
