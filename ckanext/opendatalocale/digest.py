"""The fingerprint of a file: what the validation, the tables, the
consolidations and the drafts compare to know a file unchanged."""
from __future__ import annotations

import hashlib

__all__ = ["file_sha256"]


def file_sha256(path: str) -> str:
    """The SHA-256 of a file's bytes, hexadecimal, read by 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
