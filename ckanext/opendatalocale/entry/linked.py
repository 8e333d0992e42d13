"""A linked (not uploaded) SCDL file, downloaded to be reopened in the grid
or to see that it has not changed since: from public addresses only, within
a time and a size limit (the suite's ``fetch``), as its check downloads it.
The portal's settings for linked files are the validation's
(``ckanext.opendatalocale.validation.allow_private_addresses``); the grid's
own limits are smaller: it is for files people type."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.fetch import Unfetchable, anywhere, download, is_public

__all__ = ["MAX_BYTES", "SECONDS", "Unfetchable", "downloaded", "is_link"]

MAX_BYTES = 50_000_000        # some 200 000 rows: beyond a draft's
SECONDS = 60


def is_link(resource: dict[str, Any]) -> bool:
    url = resource.get("url") or ""
    return resource.get("url_type") != "upload" and url.lower().startswith(("http://",
                                                                             "https://"))


@contextmanager
def downloaded(resource: dict[str, Any]) -> Iterator[str]:
    """The linked file's path while the block runs (``Unfetchable`` when it
    cannot be downloaded)."""
    private = tk.asbool(tk.config.get(
        "ckanext.opendatalocale.validation.allow_private_addresses", False))
    handle, path = tempfile.mkstemp(prefix="scdl-entry-link-")
    try:
        with os.fdopen(handle, "wb") as out:
            download(resource["url"], out, max_bytes=MAX_BYTES, seconds=SECONDS,
                     allowed=anywhere if private else is_public)
        yield path
    finally:
        os.unlink(path)
