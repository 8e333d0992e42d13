"""Actions chained over core's for portals of tens of thousands of
organisations."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["organization_list"]


@tk.chained_action
@tk.side_effect_free
def organization_list(next_action, context, data_dict):
    """Core's, but a page of organisations with all their fields (the
    ``/organization`` page) gets its dataset counts from one search instead
    of one search per organisation. The counts are those the user may see,
    as core's: public datasets, and private ones where their labels allow."""
    if not tk.asbool(data_dict.get("all_fields")) or "dataset_counts" in context:
        return next_action(context, data_dict)
    names = next_action(dict(context), dict(data_dict, all_fields=False))
    if names:
        found = tk.get_action("package_search")(tk.fresh_context(context), {
            "q": "*:*", "rows": 0, "include_private": True,
            "fq": "organization:(" + " OR ".join(f'"{name}"' for name in names) + ")",
            "facet.field": ["owner_org"], "facet.limit": -1})
        context["dataset_counts"] = {"owner_org": found["facets"].get("owner_org", {}),
                                     "groups": {}}
    return next_action(context, data_dict)
