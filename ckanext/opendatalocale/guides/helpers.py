"""The guides, for the pages of the other plugins (each guards its call:
``'opendatalocale_guides' in h``): the home page and the socle commun's."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["opendatalocale_guides"]


def opendatalocale_guides() -> list[dict]:
    """The guides' titles, audiences and links, in order."""
    return tk.get_action("opendatalocale_guide_list")({"ignore_auth": True}, {})
