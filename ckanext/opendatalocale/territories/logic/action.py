"""Actions chained over core's for portals of tens of thousands of
organisations, and to keep the territory tree a tree."""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.dictization import model_dictize

from .. import tree

__all__ = ["organization_list", "organization_show", "group_show", "member_create"]


# the organisations whose name, title or description contains q, as core's
# search finds them, but accents ignored as well as case ("Cesson-Sevigne"
# finds Cesson-Sévigné); the exact name or title first, then those that begin
# with q, then the others, each in the order asked for (core's ``sort``)
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy"
_FOLD = f"translate(lower({{}}), '{_ACCENTED}', '{_PLAIN}')"
_RANKED = """
SELECT g.name FROM "group" g,
  LATERAL (SELECT {fold_name} AS name, {fold_title} AS title,
                  {fold_description} AS description) f,
  (SELECT {fold_q} AS q, {fold_like} AS pattern) query
WHERE g.state = 'active' AND g.is_organization AND g.type = :type
  AND (f.name LIKE '%' || query.pattern || '%' OR f.title LIKE '%' || query.pattern || '%'
       OR f.description LIKE '%' || query.pattern || '%')
  {{only}}
ORDER BY CASE WHEN query.q IN (f.name, f.title) THEN 0
              WHEN f.name LIKE query.pattern || '%' OR f.title LIKE query.pattern || '%' THEN 1
              ELSE 2 END,
         g.{{field}} {{direction}}, g.name
LIMIT :limit OFFSET :offset
""".format(fold_name=_FOLD.format("g.name"), fold_title=_FOLD.format("g.title"),
           fold_description=_FOLD.format("coalesce(g.description, '')"),
           fold_q=_FOLD.format("CAST(:q AS text)"), fold_like=_FOLD.format("CAST(:like AS text)"))
_SORTS = {"title": "title", "name": "name"}


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ranked(context, data_dict) -> list[str] | None:
    """The page of names in relevance order, or None when core's order
    stays (no ``q``, a sort by dataset count, API v2's ids)."""
    q = str(data_dict.get("q") or "").strip()
    if context.get("api_version") == 2:  # ids, core's order
        return None
    sort = str(data_dict.get("sort") or tk.config.get("ckan.default_group_sort") or "title")
    field, _, direction = sort.strip().partition(" ")
    if not q or field not in _SORTS or direction.lower() not in ("", "asc", "desc"):
        return None
    limit_key = ("ckan.group_and_organization_list_all_fields_max"
                 if tk.asbool(data_dict.get("all_fields"))
                 else "ckan.group_and_organization_list_max")
    schema = {"limit": [tk.get_validator("ignore_missing"),
                        tk.get_validator("natural_number_validator")],
              "offset": [tk.get_validator("ignore_missing"),
                         tk.get_validator("natural_number_validator")]}
    paging, errors = tk.navl_validate(
        {k: data_dict[k] for k in ("limit", "offset") if data_dict.get(k) not in (None, "")},
        schema, context)
    if errors:
        raise tk.ValidationError(errors)
    limit = min(int(paging.get("limit") or tk.config.get(limit_key)), tk.config.get(limit_key))
    only = data_dict.get("organizations") or data_dict.get("groups")
    if isinstance(only, str):
        only = [n.strip() for n in only.split(",") if n.strip()]
    sql = _RANKED.format(field=_SORTS[field],
                         direction="DESC" if direction.lower() == "desc" else "ASC",
                         only="AND g.name = ANY(:only)" if only else "")
    return [row[0] for row in model.Session.execute(sa.text(sql), {
        "type": data_dict.get("type") or "organization", "q": q, "like": _like(q),
        "only": list(only or []),
        "limit": limit, "offset": int(paging.get("offset") or 0)})]


@tk.chained_action
@tk.side_effect_free
def organization_list(next_action, context, data_dict):
    """Core's, with two changes.

    A search (``q``) lists the organisation named exactly so first, then
    those whose name begins so, then the others: "Rennes" before
    "Arbigny-sous-Varennes" (core sorts them all by title).

    A page of organisations with all their fields (the ``/organization``
    page) gets its dataset counts from one search instead of one search per
    organisation. The counts are those the user may see, as core's: public
    datasets, and private ones where their labels allow."""
    tk.check_access("organization_list", context, data_dict)
    all_fields = tk.asbool(data_dict.get("all_fields"))
    ranked = _ranked(context, data_dict)
    if ranked is not None and not all_fields:
        return ranked
    if not all_fields or "dataset_counts" in context:
        return next_action(context, data_dict)
    names = ranked if ranked is not None else next_action(
        dict(context), dict(data_dict, all_fields=False))
    if names:
        found = tk.get_action("package_search")(tk.fresh_context(context), {
            "q": "*:*", "rows": 0, "include_private": True,
            "fq": "organization:(" + " OR ".join(f'"{name}"' for name in names) + ")",
            "facet.field": ["owner_org"], "facet.limit": -1})
        context["dataset_counts"] = {"owner_org": found["facets"].get("owner_org", {}),
                                     "groups": {}}
    if ranked is None:
        return next_action(context, data_dict)
    if not ranked:
        return []
    shown = next_action(context, dict(data_dict, organizations=ranked, q="", offset=0,
                                      limit=len(ranked)))
    position = {name: n for n, name in enumerate(ranked)}
    return sorted(shown, key=lambda o: position.get(o["name"], len(position)))


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
