"""Template helpers: an organisation's proposals (for those who publish for
it), a dataset's provenance, the sources."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from . import imports, proposals

__all__ = ["scdl_dotation_proposals", "scdl_dotation_provenance", "scdl_dotation_sources"]


def scdl_dotation_proposals(organization_id: str) -> list[dict[str, Any]]:
    """The proposals waiting for the organisation, when the visitor
    publishes for it (else none)."""
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        tk.check_access("scdl_dotation_proposal_list", {"user": user},
                        {"organization": organization_id})
    except tk.NotAuthorized:
        return []
    return proposals.of_organization(organization_id)


def scdl_dotation_provenance(package_id: str) -> Optional[dict[str, Any]]:
    return proposals.provenance_of(package_id)


def scdl_dotation_sources() -> list[dict[str, Any]]:
    return [{"id": s.id, "type": s.type, "title": dict(s.title), "publisher": s.publisher,
             "page": s.page} for s in sorted(imports.all_sources().values(),
                                               key=lambda s: s.id)]
