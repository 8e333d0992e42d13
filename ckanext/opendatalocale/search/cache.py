"""Cached counts and facets of broad searches, in Redis.

A key holds the epoch and generation of the index state the counts were
computed from (``opendatalocale_search_state``, bumped by a trigger in the same
transaction as every change): after any change no reader asks for the old key
again, so a cached count is never stale. Old keys expire on their own.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Optional

from ckan.common import config
from ckan.lib.redis import connect_to_redis

__all__ = ["key", "get", "put", "min_count"]

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600


def min_count() -> int:
    return config.get("ckanext.opendatalocale.search.facet_cache_min_count")


def key(epoch: str, generation: int, *query: Any) -> str:
    digest = hashlib.sha1(json.dumps(query, default=str).encode("utf-8")).hexdigest()
    site = config.get("ckan.site_id")
    return f"ckanext-opendatalocale:search:{site}:{epoch}:{generation}:{digest}"


def get(cache_key: str) -> Optional[dict[str, Any]]:
    try:
        raw = connect_to_redis().get(cache_key)
    except Exception as e:  # a cache outage slows searches, never breaks them
        log.warning("Search facet cache unavailable: %s", e)
        return None
    return json.loads(raw) if raw else None


def put(cache_key: str, value: dict[str, Any]) -> None:
    try:
        connect_to_redis().set(cache_key, json.dumps(value), ex=TTL_SECONDS)
    except Exception as e:
        log.warning("Search facet cache unavailable: %s", e)
