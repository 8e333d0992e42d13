"""CKAN's Solr schema, read from the file CKAN ships, as the source of field kinds.

The PostgreSQL backend treats every field exactly as Solr would with CKAN's own
``schema.xml``: which fields are analysed text, dates, numbers or exact strings,
which are multi-valued, and which feed the catch-all ``text`` field. Reading the
file rather than copying its content keeps both backends in step.
"""
from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass
from importlib import resources
from xml.etree import ElementTree

__all__ = ["Field", "SolrSchema", "ckan_schema"]

TEXT, DATE, NUMBER, BOOLEAN, STRING, NGRAM = (
    "text", "date", "number", "boolean", "string", "ngram")

_KIND_BY_CLASS = {
    "solr.TextField": TEXT,
    "solr.DatePointField": DATE,
    "solr.IntPointField": NUMBER,
    "solr.LongPointField": NUMBER,
    "solr.FloatPointField": NUMBER,
    "solr.DoublePointField": NUMBER,
    "solr.BoolField": BOOLEAN,
    "solr.StrField": STRING,
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    multivalued: bool
    indexed: bool
    stored: bool


class SolrSchema:
    def __init__(self, xml_text: str):
        root = ElementTree.fromstring(xml_text)
        self.name = root.get("name", "")
        types: dict[str, tuple[str, bool]] = {}
        for ftype in root.iter("fieldType"):
            kind = _KIND_BY_CLASS.get(ftype.get("class", ""), STRING)
            if ftype.get("name") == "text_ngram":
                kind = NGRAM
            types[ftype.get("name", "")] = (kind, ftype.get("multiValued") == "true")
        self._fields: dict[str, Field] = {}
        self._dynamic: list[tuple[str, Field]] = []
        for element in root.iter():
            if element.tag not in ("field", "dynamicField"):
                continue
            kind, multi = types[element.get("type", "")]
            field = Field(
                name=element.get("name", ""),
                kind=kind,
                multivalued=element.get("multiValued", str(multi).lower()) == "true",
                indexed=element.get("indexed", "true") == "true",
                stored=element.get("stored", "true") == "true",
            )
            if element.tag == "field":
                self._fields[field.name] = field
            else:
                self._dynamic.append((field.name, field))
        self.copy_fields: list[tuple[str, str]] = [
            (c.get("source", ""), c.get("dest", "")) for c in root.iter("copyField")]

    @functools.lru_cache(maxsize=4096)
    def field(self, name: str) -> Field:
        """The declared or dynamic field matching ``name`` (Solr's rules:
        exact names first, then the longest dynamic pattern)."""
        if name in self._fields:
            return self._fields[name]
        matches = [(len(pattern), f) for pattern, f in self._dynamic
                   if fnmatch.fnmatchcase(name, pattern)]
        pattern_len, field = max(matches, key=lambda m: m[0])
        return Field(name, field.kind, field.multivalued, field.indexed,
                     field.stored)

    @functools.lru_cache(maxsize=4096)
    def copied_into(self, name: str, dest: str = "text") -> bool:
        """Whether Solr copies field ``name`` into ``dest`` at index time."""
        return any(fnmatch.fnmatchcase(name, source) and d == dest
                   for source, d in self.copy_fields)


@functools.lru_cache(maxsize=1)
def ckan_schema() -> SolrSchema:
    xml_text = (resources.files("ckan.config") / "solr" / "schema.xml").read_text(
        encoding="utf-8")
    return SolrSchema(xml_text)
