"""Schemas of the actions' parameters."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["scdl_schema_show"]


def scdl_schema_show():
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"id": [not_empty, unicode_safe], "version": [ignore_missing, unicode_safe]}
