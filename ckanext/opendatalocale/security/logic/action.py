"""Chained core actions that bound what one request may write.

Each checks its input before the core action runs, so that a hostile value is
a validation error (409, the field's message in the form) and nothing is
written, for every dataset type, scheming's included. ``package_update`` is
also the path of ``package_patch``, ``package_revise`` and every resource
action; organisations, groups and users go through their create and update
(their ``_patch`` too).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import ckan.plugins.toolkit as tk

__all__ = ["package_create", "package_update", "resource_create", "resource_update",
           "organization_create", "organization_update", "group_create",
           "group_update", "user_create", "user_update"]

# CKAN limits names, versions and tags to 100 characters, not titles or texts.
# PostgreSQL holds at most 2 704 bytes in a btree key, and CKAN indexes
# dataset titles and resource URLs that way (this suite, organisation titles
# and extras): a longer value is a 500 when written. A title is one line (SCDL
# titles run under 200 characters): 500 characters, at most 2 000 bytes. A URL
# is bounded in bytes (long signed URLs are ASCII). A description of 100 000
# characters is some fifty pages, and is searched to its end.
MAX_TITLE_LENGTH = 500
MAX_URL_BYTES = 2_000
MAX_TEXT_LENGTH = 100_000
# a field name (extras keys are free): 100 characters, as CKAN's names
MAX_KEY_LENGTH = 100
# real datasets carry a few tags; each costs a row and a lookup when written
MAX_TAGS = 100


@dataclass(frozen=True)
class Limit:
    maximum: int
    in_bytes: bool = False


TEXT = Limit(MAX_TEXT_LENGTH)
KEY = Limit(MAX_KEY_LENGTH)
# by field name; "name" is a resource's title, "key" an extra's name
DATASET_LIMITS = {"title": Limit(MAX_TITLE_LENGTH), "name": Limit(MAX_TITLE_LENGTH),
                  "url": Limit(MAX_URL_BYTES, in_bytes=True), "key": KEY}
# organisation and group extras are indexed by (key, value)
GROUP_LIMITS = {**DATASET_LIMITS, "value": Limit(MAX_URL_BYTES, in_bytes=True)}


@tk.chained_action
def package_create(next_action, context, data_dict):
    _check_dataset(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action, context, data_dict):
    _check_dataset(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def resource_create(next_action, context, data_dict):
    _check(data_dict, DATASET_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def resource_update(next_action, context, data_dict):
    _check(data_dict, DATASET_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def organization_create(next_action, context, data_dict):
    _check(data_dict, GROUP_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def organization_update(next_action, context, data_dict):
    _check(data_dict, GROUP_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def group_create(next_action, context, data_dict):
    _check(data_dict, GROUP_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def group_update(next_action, context, data_dict):
    _check(data_dict, GROUP_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def user_create(next_action, context, data_dict):
    _check(data_dict, DATASET_LIMITS)
    return next_action(context, data_dict)


@tk.chained_action
def user_update(next_action, context, data_dict):
    _check(data_dict, DATASET_LIMITS)
    return next_action(context, data_dict)


def _check_dataset(data_dict: dict[str, Any]) -> None:
    errors = _errors(data_dict, DATASET_LIMITS) or {}
    tags = data_dict.get("tags")
    count = len(tags) if isinstance(tags, list) else 0
    tag_string = data_dict.get("tag_string")
    if isinstance(tag_string, str):
        count += len([t for t in tag_string.split(",") if t.strip()])
    if count > MAX_TAGS:
        # the shape CKAN's ValidationError expects of tag errors
        errors["tags"] = [{"name": [tk._(
            "A dataset has at most {limit} tags ({count} given)"
        ).format(limit=MAX_TAGS, count=_number(count))]}]
    if errors:
        raise tk.ValidationError(errors)


def _check(data_dict: dict[str, Any], limits: dict[str, Limit]) -> None:
    errors = _errors(data_dict, limits)
    if errors:
        raise tk.ValidationError(errors)


def _errors(value: Any, limits: dict[str, Limit], limit: Limit = TEXT) -> Any:
    """The errors of a value in CKAN's shape (messages for a field, a dict
    for a dict, a list of dicts for a list of dicts), or None."""
    if isinstance(value, str):
        message = _text_error(value, limit)
        return [message] if message else None
    if isinstance(value, dict):
        errors = {}
        for key, item in value.items():
            key_error = _text_error(key, KEY) if isinstance(key, str) else None
            error = [key_error] if key_error else _errors(item, limits,
                                                          limits.get(key, TEXT))
            if error:
                errors[_printable(key)] = error
        return errors or None
    if isinstance(value, (list, tuple)):
        found = [_errors(item, limits, limit) for item in value]
        if not any(found):
            return None
        if all(isinstance(item, dict) for item in value):
            return [error or {} for error in found]
        # a list of plain values: its field's messages, once each
        return list(dict.fromkeys(m for e in found if e for m in _messages(e)))
    return None


def _text_error(text: str, limit: Limit) -> Optional[str]:
    if "\x00" in text:
        return tk._("Must not contain the NUL character")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return tk._("Must be valid Unicode text (it holds a lone surrogate)")
    if limit.in_bytes and len(encoded) > limit.maximum:
        return tk._("Must be at most {limit} bytes long ({length} given)").format(
            limit=_number(limit.maximum), length=_number(len(encoded)))
    if len(text) > limit.maximum:
        return tk._("Must be at most {limit} characters long ({length} given)").format(
            limit=_number(limit.maximum), length=_number(len(text)))
    return None


def _number(n: int) -> str:
    """100 000: digits grouped by thin spaces, as French (and SI) write them."""
    return f"{n:,}".replace(",", "\u202f")


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [m for e in errors.values() for m in _messages(e)]
    return [m for e in errors for m in _messages(e)]


def _printable(key: Any) -> Any:
    """An error key the answer can carry (JSON, HTML) whatever its characters."""
    if not isinstance(key, str):
        return key
    return key.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
