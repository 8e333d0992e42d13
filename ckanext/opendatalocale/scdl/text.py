"""Text folding for French names and values, written once for the suite: the
search index's sort key, the search words, the socle-commun chooser's order
and the custom checks all compare text this way (no CKAN import)."""
from __future__ import annotations

import unicodedata
from typing import Optional

__all__ = ["fold", "sort_key", "french_order", "word", "MAX_SORT_KEY", "SHOWN_CHARS", "shortened"]

MAX_SORT_KEY = 600  # characters: at most 2 400 bytes, under a btree key's 2 704


def fold(text: str) -> str:
    """Case and accents ignored: « Écouves » → « ecouves », « Œuvre » → « œuvre »
    (compatibility forms unfolded: « ﬁ » → « fi »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(text: Optional[str]) -> Optional[str]:
    """The search index's sort key: folded, trimmed, cut where no two titles
    still differ in practice (a longer one could not be indexed at all)."""
    if text is None:
        return None
    return fold(text.strip()[:MAX_SORT_KEY])[:MAX_SORT_KEY]


def french_order(text: Optional[str]) -> str:
    """Alphabetical order as a French reader expects it: accents and case
    ignored (Écouves beside Ecuillé), hyphens read as spaces."""
    return fold(text or "").replace("-", " ")


def word(text: str) -> str:
    """A search word as the index keeps it: folded, letters and digits only."""
    return "".join(c for c in fold(text) if c.isalnum())


# the most of a cell's value a report or a repair shows or keeps (a cell may
# hold megabytes; the count of errors stays whole)
SHOWN_CHARS = 200


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` as a report shows it: at most ``limit`` characters, then « … »."""
    return text if len(text) <= limit else text[:limit] + "…"
