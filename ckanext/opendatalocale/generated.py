"""Files the portal writes itself — a territory's consolidated file, a
collectivité's extract of a national file — go through CKAN's upload like
any other (checked, loaded, hashed), but they are not bound by
``ckan.max_resource_size``, the limit set for what people send: a
département's consolidated budget is larger than any one commune's file."""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import ckan.plugins.toolkit as tk

__all__ = ["generated_upload"]

MB = 1024 * 1024
_KEY = "ckan.max_resource_size"


@contextmanager
def generated_upload(path: str) -> Iterator[None]:
    """The upload limit raised, for the call inside, to the size of the
    generated file at ``path``. Only for the jobs worker and the commands
    (one thread: the limit is the process's configuration); a web request
    keeps the limit it has."""
    before = tk.config.get(_KEY)
    needed = os.path.getsize(path) // MB + 1
    if before is None or needed <= int(before):
        yield
        return
    tk.config[_KEY] = needed
    try:
        yield
    finally:
        tk.config[_KEY] = before
