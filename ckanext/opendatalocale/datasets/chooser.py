"""The socle-commun chooser: for which organisation a user publishes, and
where each SCDL type stands for it."""
from __future__ import annotations

__all__: list[str] = []
