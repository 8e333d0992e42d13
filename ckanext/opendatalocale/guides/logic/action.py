"""The guides' actions: read by anyone, edited and reset by sysadmins."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import texts
from ..model import guide_table

__all__ = ["opendatalocale_guide_list", "opendatalocale_guide_show",
           "opendatalocale_guide_update", "opendatalocale_guide_reset"]

LIMITS = {"title": 200, "audience": 200, "summary": 500, "body": 50_000}
# control characters other than tab and line ends: refused (a NUL would not even store)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def guides() -> list[texts.Guide]:
    """Every guide, the sysadmins' edits over the shipped text, in order."""
    edited = {row.slug: row for row in model.Session.execute(guide_table.select())}
    found = []
    for slug, shipped in texts.shipped().items():
        row = edited.get(slug)
        found.append(shipped if row is None else replace(
            shipped, title=row.title, audience=row.audience, summary=row.summary,
            body=row.body, modified=row.modified, modified_by=row.modified_by))
    return found


def guide(slug: str) -> texts.Guide:
    for found in guides():
        if found.slug == slug:
            return found
    raise tk.ObjectNotFound(tk._("Unknown guide: {slug}").format(slug=slug))


def _dict(found: texts.Guide, body: bool = True) -> dict[str, Any]:
    data = {"slug": found.slug, "title": found.title, "audience": found.audience,
            "summary": found.summary, "edited": found.edited,
            "modified": found.modified.isoformat() if found.modified else None,
            "url": tk.h.url_for("guides.read", slug=found.slug)}
    if body:
        data["body"] = found.body
    return data


@tk.side_effect_free
def opendatalocale_guide_list(context, data_dict):
    """The guides for each actor of the socle commun (title, audience,
    summary, ``edited`` when the portal's sysadmins changed the shipped text)."""
    tk.check_access("opendatalocale_guide_list", context, data_dict)
    return [_dict(g, body=False) for g in guides()]


@tk.side_effect_free
def opendatalocale_guide_show(context, data_dict):
    """One guide, with its Markdown ``body``. :param slug: the guide."""
    tk.check_access("opendatalocale_guide_show", context, data_dict)
    return _dict(guide(str(data_dict.get("slug") or "")))


def clean(data_dict: dict[str, Any]) -> dict[str, str]:
    """The edited fields, checked: a ValidationError (409) names each wrong one."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for key, limit in LIMITS.items():
        value = data_dict.get(key)
        value = "" if value is None else str(value).replace("\r\n", "\n")
        value = value.strip() if key != "body" else value.strip("\n ") + "\n"
        if not value.strip():
            errors[key] = [tk._("Missing value")]
        elif len(value) > limit:
            errors[key] = [tk._("At most {limit} characters (here {length})").format(
                limit=limit, length=len(value))]
        elif _CONTROL.search(value):
            errors[key] = [tk._("Control characters (such as a NUL byte) are not allowed")]
        elif key != "body" and "\n" in value:
            errors[key] = [tk._("One line only")]
        values[key] = value
    if errors:
        raise tk.ValidationError(errors)
    return values


def opendatalocale_guide_update(context, data_dict):
    """Change a guide's title, audience, summary and Markdown text (sysadmins).

    :param slug: the guide
    :param title, audience, summary: one line each
    :param body: Markdown (rendered with CKAN's sanitising Markdown: no script)
    """
    tk.check_access("opendatalocale_guide_update", context, data_dict)
    slug = str(data_dict.get("slug") or "")
    guide(slug)  # ObjectNotFound
    values = clean(data_dict)
    user = context.get("user") or None
    row = dict(values, slug=slug, modified=datetime.now(timezone.utc), modified_by=user)
    statement = sa.dialects.postgresql.insert(guide_table).values(**row)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["slug"], set_={k: v for k, v in row.items() if k != "slug"}))
    model.Session.commit()
    return _dict(guide(slug))


def opendatalocale_guide_reset(context, data_dict):
    """Give a guide back its shipped text (sysadmins). :param slug: the guide."""
    tk.check_access("opendatalocale_guide_reset", context, data_dict)
    slug = str(data_dict.get("slug") or "")
    guide(slug)
    model.Session.execute(guide_table.delete().where(guide_table.c.slug == slug))
    model.Session.commit()
    return _dict(guide(slug))
