"""A person's choices: which kinds of mail she receives (all by default) and
how often her territory's digest comes (weekly by default, or monthly, or never)."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

from .model import setting_table

__all__ = ["DIGEST", "DIGESTS", "choices", "wants", "save", "turn_off"]

DIGEST = "digest"  # the kind of the territory agents' digest
DIGESTS = ("weekly", "monthly", "never")


def choices(user_id: str) -> dict:
    """``{"off": [kinds], "digest": "weekly"|"monthly"|"never"}``."""
    row = model.Session.execute(setting_table.select().where(
        setting_table.c.user_id == user_id)).mappings().first()
    return {"off": list(row["off"]), "digest": row["digest"]} if row else \
        {"off": [], "digest": "weekly"}


def wants(user_id: str, kind: str) -> bool:
    current = choices(user_id)
    if kind == DIGEST:
        return current["digest"] != "never"
    return kind not in current["off"]


def save(user_id: str, off: Iterable[str], digest: str) -> None:
    values = {"off": sorted(set(off)), "digest": digest}
    model.Session.execute(insert(setting_table).values(user_id=user_id, **values)
                          .on_conflict_do_update(index_elements=["user_id"], set_=values))


def turn_off(user_id: str, kind: str) -> None:
    current = choices(user_id)
    if kind == DIGEST:
        save(user_id, current["off"], "never")
    else:
        save(user_id, set(current["off"]) | {kind}, current["digest"])
