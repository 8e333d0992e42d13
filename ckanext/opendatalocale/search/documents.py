"""From the document CKAN sends to its index to the rows of our index tables.

CKAN builds the same dictionary for Solr and for us (``index_package``, after
every plugin's ``before_dataset_index``). Here it becomes:

- in the narrow table, what broad searches scan: the single-valued fields CKAN
  filters on in every search (:data:`COLUMN_FIELDS`), the permission labels,
  sort keys, and ``facets``: ``field=value`` for the fields worth faceting
  (strings that are not identifiers, see :func:`fast_facet`);
- in the wide table, ``doc`` (every field as a list of JSON scalars: ranges,
  sorts and facets on any other field, ``fl``), ``tokens`` (``field=value`` for
  each exact-match value and ``field`` for each present field, under a GIN
  index: filters and ``field:*``), and four text blobs for the weighted French
  ``tsvector`` (what Solr copies into its catch-all ``text`` field): title (A),
  notes (B), names, tags, groups, organisation, the publisher's title and
  the SCDL type's title (C), everything else (D) — the titles of the
  territories above the publisher among them: "Rennes" finds the datasets of
  the commune Rennes before those of the communes of Rennes Métropole.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Optional

from dateutil.parser import isoparse

from ckanext.opendatalocale.scdl.text import sort_key

from .solr_schema import DATE, NGRAM, NUMBER, TEXT, SolrSchema, ckan_schema

__all__ = ["IndexRow", "build_row", "token", "presence_token", "solr_instant",
           "solr_date_text", "fast_facet", "STORED_ONLY", "COLUMN_FIELDS",
           "LABELS_FIELD"]

# kept in their own columns, never searched
STORED_ONLY = ("data_dict", "validated_data_dict")
# GIN keys are limited in size: longer values are matched through their hash
_MAX_TOKEN_VALUE = 200
_WEIGHT_A = ("title",)
_WEIGHT_B = ("notes",)
_WEIGHT_C = ("name", "tags", "groups", "organization")
# vocab_* fields weigh C, but these: text matched less than the dataset's own
_WEIGHT_D = ("vocab_territory_titles",)

# single-valued string fields of CKAN's schema that every page filters on:
# columns of the narrow table
COLUMN_FIELDS = ("id", "name", "site_id", "state", "capacity", "dataset_type",
                 "owner_org", "organization")
LABELS_FIELD = "permission_labels"
# fields of CKAN's own documents that hold identifiers, URLs, numbers or
# flags rather than categories: faceting on them works, from the wide table
_NOT_FAST_FACETS = {
    "index_id", "entity_type", "creator_user_id", "title_string", "license_title",
    "isopen", "private", "type", "num_resources", "num_tags", "url", "res_url",
    "res_type", "version", "author_email", "maintainer_email", "ckan_url",
    "download_url", "revision_id", "urls",
    # titles indexed as text (territories and SCDL types facet by their
    # names and slugs, which have their own fields)
    "vocab_publisher", "vocab_territory_titles", "vocab_scdl_type_title",
}


@dataclass
class IndexRow:
    index_id: str
    columns: dict[str, Optional[str]]  # COLUMN_FIELDS
    labels: list[str]
    title_sort: Optional[str]
    metadata_modified: Optional[datetime]
    metadata_created: Optional[datetime]
    facets: list[str]
    doc: dict[str, list[Any]]
    tokens: list[str]
    text_a: str
    text_b: str
    text_c: str
    text_d: str
    data_dict: Optional[str]
    validated_data_dict: Optional[str]


def scalar(value: Any) -> Any:
    """A JSON scalar as Solr would store it (dicts and lists become JSON)."""
    if isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, (datetime, date)):
        text = value.isoformat()
        return text + "Z" if isinstance(value, datetime) and not value.tzinfo else text
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def as_text(value: Any) -> str:
    """The text form of a stored scalar, identical to PostgreSQL's ``->>``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def token(field: str, value: str) -> str:
    if len(value) > _MAX_TOKEN_VALUE:
        return f"{field}#{hashlib.md5(value.encode('utf-8')).hexdigest()}"
    return f"{field}={value}"


def presence_token(field: str) -> str:
    return field


def fast_facet(name: str, schema: Optional[SolrSchema] = None) -> bool:
    """Whether a field's values are kept in the narrow table's ``facets``."""
    kind = (schema or ckan_schema()).field(name).kind
    return (kind not in (TEXT, NGRAM, DATE, NUMBER) and name not in COLUMN_FIELDS
            and name != LABELS_FIELD and name not in _NOT_FAST_FACETS
            and name not in STORED_ONLY and "=" not in name)


def solr_instant(value: Any) -> Optional[datetime]:
    """A date as Solr's date fields keep it: an instant in UTC, to the
    millisecond (finer digits dropped); None if it is not a date."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = isoparse(str(value))
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def solr_date_text(moment: datetime) -> str:
    """Solr's text of a stored date: ``2014-06-10T08:24:12.782Z``, without
    the fraction when it is 0 ms (``…:12Z``)."""
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    milliseconds = moment.microsecond // 1000
    text = moment.replace(microsecond=0).isoformat()
    return text + (f".{milliseconds:03d}" if milliseconds else "") + "Z"


def _date_value(value: Any) -> Any:
    """A date field's value as Solr returns it (a value that is no date is
    kept as sent: CKAN drops those of its own ``*_date`` fields)."""
    moment = solr_instant(value)
    return value if moment is None else solr_date_text(moment)


def build_row(solr_doc: dict[str, Any], schema: Optional[SolrSchema] = None) -> IndexRow:
    schema = schema or ckan_schema()
    doc: dict[str, list[Any]] = {}
    tokens: list[str] = []
    facets: list[str] = []
    blobs: dict[str, list[str]] = {"a": [], "b": [], "c": [], "d": []}
    for key, value in solr_doc.items():
        if key in STORED_ONLY or value is None:
            continue
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
        field = schema.field(key)
        if field.kind == DATE:
            values = [_date_value(v) for v in values]
        values = [scalar(v) for v in values if v is not None]
        if not values:
            continue
        doc[key] = values
        tokens.append(presence_token(key))
        if field.kind not in (TEXT, NGRAM):
            tokens.extend(token(key, as_text(v)) for v in values)
        if fast_facet(key, schema):
            facets.extend(f"{key}={as_text(v)}" for v in values)
        if key == "text" or schema.copied_into(key, "text"):
            bucket = ("a" if key in _WEIGHT_A else "b" if key in _WEIGHT_B
                      else "c" if key in _WEIGHT_C or (key.startswith("vocab_")
                                                       and key not in _WEIGHT_D)
                      else "d")
            blobs[bucket].extend(as_text(v) for v in values)
    first = {k: v[0] for k, v in doc.items()}
    return IndexRow(
        index_id=str(first.get("index_id") or first["id"]),
        columns={f: (as_text(first[f]) if f in first else None) for f in COLUMN_FIELDS},
        labels=[as_text(v) for v in doc.get(LABELS_FIELD, [])],
        title_sort=sort_key(first.get("title_string") or first.get("title")),
        metadata_modified=solr_instant(first.get("metadata_modified") or ""),
        metadata_created=solr_instant(first.get("metadata_created") or ""),
        facets=sorted(set(facets)),
        doc=doc,
        tokens=sorted(set(tokens)),
        text_a="\n".join(blobs["a"]),
        text_b="\n".join(blobs["b"]),
        text_c="\n".join(blobs["c"]),
        text_d="\n".join(blobs["d"]),
        data_dict=solr_doc.get("data_dict"),
        validated_data_dict=solr_doc.get("validated_data_dict"),
    )
