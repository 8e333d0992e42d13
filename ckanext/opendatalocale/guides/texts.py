"""The guides the suite ships: ``content/NN-<slug>.md``, each a few header
lines (``title:``, ``audience:``, ``summary:``, ``order:``), ``---``, then
its Markdown text."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Optional

__all__ = ["Guide", "shipped", "parse", "FOLDER"]

FOLDER = Path(__file__).parent / "content"  # the .md files


@dataclass
class Guide:
    slug: str
    title: str
    audience: str
    summary: str
    body: str
    order: int = 100
    modified: Optional[datetime] = None    # the sysadmins' last edit
    modified_by: Optional[str] = None      # None: the shipped text

    @property
    def edited(self) -> bool:
        return self.modified is not None


def parse(slug: str, text: str) -> Guide:
    head, _, body = text.partition("\n---\n")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return Guide(slug=slug, title=fields["title"], audience=fields["audience"],
                 summary=fields["summary"], body=body.strip() + "\n",
                 order=int(fields.get("order") or 100))


@lru_cache(maxsize=1)
def shipped() -> dict[str, Guide]:
    """slug → guide, in their order."""
    guides = []
    for path in sorted(FOLDER.glob("*.md")):
        slug = path.stem.split("-", 1)[1] if path.stem[:2].isdigit() else path.stem
        guides.append(parse(slug, path.read_text(encoding="utf-8")))
    return {g.slug: g for g in sorted(guides, key=lambda g: (g.order, g.slug))}
