"""Actions chained over core's for portals of tens of thousands of
organisations, and to keep the territory tree a tree."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.dictization import model_dictize

from .. import tree

__all__ = ["organization_list", "organization_show", "group_show", "member_create"]


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


def _show_with_parents(next_action, context, data_dict):
    """Core's, but ``groups`` lists the direct parents without their own
    parents: core nests every ancestor's parents in its parent's dict, which
    recurses without end on a loop in the hierarchy (a 500 on the
    organisation's page and on each of its datasets' pages)."""
    if not tk.asbool(data_dict.get("include_groups", True)):
        return next_action(context, data_dict)
    shown = next_action(context, dict(data_dict, include_groups=False))
    parents = model.Session.query(model.Group).join(
        model.Member, model.Member.table_id == model.Group.id).filter(
        model.Member.group_id == shown["id"], model.Member.table_name == "group",
        model.Member.state == "active").all()
    shown["groups"] = model_dictize.group_list_dictize(parents, dict(context))
    return shown


@tk.chained_action
@tk.side_effect_free
def organization_show(next_action, context, data_dict):
    return _show_with_parents(next_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def group_show(next_action, context, data_dict):
    return _show_with_parents(next_action, context, data_dict)


@tk.chained_action
def member_create(next_action, context, data_dict):
    """Core's, but a hierarchy link (``object_type=group``: ``object``
    becomes the parent of ``id``) is refused when it would make a loop —
    sysadmins included, with the check the organisation form uses — or
    give an organisation a second parent."""
    if data_dict.get("object_type") != "group":
        return next_action(context, data_dict)
    child = model.Group.get(str(data_dict.get("id") or ""))
    parent = model.Group.get(str(data_dict.get("object") or ""))
    if child is None or parent is None:
        return next_action(context, data_dict)  # core's NotFound
    tk.check_access("member_create", context, data_dict)
    if tree.would_loop(child.id, parent.id):
        raise tk.ValidationError({"object": [
            tk._("This parent would create a loop in the hierarchy")]})
    current = tree.parent_of(child.id) if child.is_organization else None
    if current and current["id"] != parent.id:
        raise tk.ValidationError({"object": [tk._(
            "This organisation already has a parent ({parent}): remove that link "
            "first, or change the parent in the organisation's form.").format(
                parent=current["title"] or current["name"])]})
    return next_action(context, data_dict)
