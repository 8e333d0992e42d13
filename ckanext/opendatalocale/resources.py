"""Where the suite's data directories are, installed or in a source checkout.

``schemas/`` and ``i18n/`` live at the repository root; a wheel installs them
inside the package (``setup.py`` maps them there).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir"]

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent.parent / name
