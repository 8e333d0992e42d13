"""Where the suite's data directories are, installed or in a source checkout.

``schemas/`` and ``i18n/`` live at the repository root; a wheel installs them
inside the package (``setup.py`` maps them there).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir", "SHARED_TEMPLATES", "SHARED_ASSETS"]

PACKAGE_DIR = Path(__file__).resolve().parent
# the templates several plugins share: given as one absolute path so that
# CKAN adds the directory once (twice, every ``ckan_extends`` in it would run
# twice: a badge shown twice)
SHARED_TEMPLATES = str(PACKAGE_DIR / "templates")
# their styles and scripts: the webassets library "opendatalocale"
SHARED_ASSETS = str(PACKAGE_DIR / "assets")


def resource_dir(name: str) -> Path:
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent.parent / name
