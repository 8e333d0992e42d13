"""Chained core actions that bound what one request may write."""
from __future__ import annotations

__all__: list[str] = []
