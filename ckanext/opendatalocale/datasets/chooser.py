"""The socle-commun chooser: for which organisation a user publishes, and
where each SCDL type stands for it.

The organisations are those CKAN lets the user create datasets in (with the
territory cascade: an EPCI's agent publishes for its communes), ordered as a
territory agent reads them: her own territory first, then the territories
below it, each level in French alphabetical order. The states come from one
``package_search`` as the user (her private datasets and drafts included)
and the rule of :mod:`ckanext.opendatalocale.scdl.status`.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl import status as st
from ckanext.opendatalocale.scdl.territory import LEVEL_RANK
from ckanext.opendatalocale.scdl.text import french_order

__all__ = ["organization", "publishing_organizations", "publishing_groups", "type_states",
           "PRIVATE", "DRAFT", "CHECKING"]

# states a card shows beside the observatoire's statuses
PRIVATE = "prive"        # the dataset exists but only its organisation sees it
DRAFT = "brouillon"      # created without its file (CKAN's draft state)
CHECKING = "en-cours"    # its file is being checked
_MAX_DATASETS = 1000


def _placed(ids: list[str]) -> dict[str, dict[str, Any]]:
    helper = getattr(tk.h, "territory_placed", None)  # opendatalocale_territories
    try:
        return helper(ids) if helper else {}
    except Exception:  # not a territory portal: a flat list
        return {}


def _described(orgs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    places = _placed([o["id"] for o in orgs])
    by_id = {}
    for org in orgs:
        place = places.get(org["id"], {})
        by_id[org["id"]] = {"id": org["id"], "name": org["name"],
                            "title": org.get("title") or org["name"],
                            "level": place.get("level"), "obliged": place.get("obliged", False),
                            "parent_id": place.get("parent_id")}
    return by_id


def organization(name_or_id: str) -> Optional[dict[str, Any]]:
    """An active organisation, described as in :func:`publishing_organizations`
    (None when there is none of that name)."""
    group = model.Group.get(name_or_id)
    if group is None or not group.is_organization or group.state != "active":
        return None
    found = _described([{"id": group.id, "name": group.name, "title": group.title}])
    return dict(found[group.id], depth=0, head=None)


def publishing_organizations(user: Optional[str] = None) -> list[dict[str, Any]]:
    """The organisations the user may publish for, in reading order, each
    with ``depth`` (0 for the top of what she holds) and ``head`` (the id of
    the organisation above it in the list, or None)."""
    user = user if user is not None else tk.g.user
    account = model.User.get(user) if user else None
    if account is None:
        return []
    if account.sysadmin:
        # a sysadmin may publish anywhere: listing the 35 000 communes of France
        # would say nothing; her own memberships (others by ?organisation=)
        orgs = [{"id": g.id, "name": g.name, "title": g.title}
                for g in account.get_groups("organization") if g.state == "active"]
    else:
        orgs = tk.get_action("organization_list_for_user")(
            {"user": user}, {"permission": "create_dataset", "include_dataset_count": False})
    by_id = _described(orgs)
    below: dict[Optional[str], list[dict[str, Any]]] = {}
    for org in by_id.values():
        parent = org["parent_id"] if org["parent_id"] in by_id else None
        below.setdefault(parent, []).append(org)

    def order(org: dict[str, Any]) -> tuple[int, str, str]:
        return (LEVEL_RANK.get(org["level"] or "", len(LEVEL_RANK)), french_order(org["title"]), org["name"])

    found: list[dict[str, Any]] = []
    seen: set[str] = set()

    def walk(parent: Optional[str], depth: int) -> None:
        for org in sorted(below.get(parent, []), key=order):
            if org["id"] in seen:  # a loop written by hand ends here
                continue
            seen.add(org["id"])
            found.append(dict(org, depth=depth, head=parent))
            walk(org["id"], depth + 1)

    walk(None, 0)
    return found


def publishing_groups(organizations: Optional[list[dict[str, Any]]] = None
                      ) -> list[dict[str, Any]]:
    """The same organisations for a select: one group per organisation that
    has others below it (itself first, then the ones directly below that
    have none), the organisations standing alone together at the end
    (``label`` None when they are all there is: a secretary's commune).
    ``organizations``: :func:`publishing_organizations`'s answer (asked for
    the current user when not given)."""
    orgs = publishing_organizations() if organizations is None else organizations
    heads = {o["head"] for o in orgs if o["head"]}
    groups: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    by_head: dict[str, dict[str, Any]] = {}
    for org in orgs:
        if org["id"] in heads:
            group = {"label": org["title"], "organizations": [org]}
            by_head[org["id"]] = group
            groups.append(group)
        elif org["head"] in by_head:
            by_head[org["head"]]["organizations"].append(org)
        else:
            alone.append(org)
    if alone:
        groups.append({"label": tk._("Other organisations") if groups else None,
                       "organizations": alone})
    return groups


def _modified(value: Optional[str]) -> Optional[datetime]:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def dataset_state(dataset: dict[str, Any], now: datetime) -> str:
    """The state of one of the organisation's datasets, as its card says it."""
    if dataset.get("state") == "draft":
        return DRAFT
    statuses = [r.get("validation_status") for r in dataset.get("resources", [])
                if r.get("schema")]
    conformity = st.conformity(statuses)
    if conformity == CHECKING:
        return CHECKING
    status = st.dataset_status(conformity, _modified(dataset.get("metadata_modified")),
                               dataset.get("frequency"), now)
    if dataset.get("private"):
        return PRIVATE
    return status


_ORDER = {DRAFT: -2, PRIVATE: -1, CHECKING: 2.5}


def _rank(state: str) -> float:
    return _ORDER.get(state, st.rank(state) if state in st.STATUSES else 0)


def type_states(organization: dict[str, Any], user: Optional[str] = None,
                now: Optional[datetime] = None) -> list[dict[str, Any]]:
    """For each SCDL type: the organisation's datasets of that type (best
    first), the state of the best one (``absent`` without any) and whether
    the law obliges the organisation to publish."""
    user = user if user is not None else tk.g.user
    now = now or datetime.now(timezone.utc)
    slugs = catalogue().slugs
    result = tk.get_action("package_search")({"user": user}, {
        "fq": f'owner_org:"{organization["id"]}"',
        "fq_list": ["dataset_type:(" + " OR ".join(f'"{s}"' for s in slugs) + ")"],
        "include_private": True, "include_drafts": True,
        "rows": _MAX_DATASETS, "sort": "metadata_modified desc"})
    by_type: dict[str, list[dict[str, Any]]] = {}
    for dataset in result["results"]:
        state = dataset_state(dataset, now)
        by_type.setdefault(dataset["type"], []).append(dict(dataset, scdl_state=state))
    cards = []
    for entry in catalogue().entries:
        datasets = sorted(by_type.get(entry.slug, []),
                          key=lambda d: -_rank(d["scdl_state"]))  # stable: newest first
        cards.append({"slug": entry.slug, "datasets": datasets,
                      "state": datasets[0]["scdl_state"] if datasets else st.ABSENT,
                      "main": datasets[0] if datasets else None,
                      "obliged": bool(organization.get("obliged"))})
    return cards


def scdl_organization_choices(selected: Optional[str] = None) -> list[dict[str, Any]]:
    """The organisation select of the dataset form, grouped as the chooser
    groups them. A sysadmin gets CKAN's flat list (she may publish anywhere);
    the dataset's current organisation stays offered on its edit form."""
    account = tk.g.userobj
    if account is None:
        return []
    if account.sysadmin:
        return [{"label": None, "organizations": [
            {"id": o["id"], "name": o["name"], "title": o.get("display_name") or o["name"]}
            for o in tk.h.organizations_available("create_dataset")]}]
    organizations = publishing_organizations()
    if selected and all(selected not in (o["id"], o["name"]) for o in organizations):
        current = organization(selected)
        if current is not None:
            organizations = [current] + organizations
    return publishing_groups(organizations)


def scdl_published_by(dataset: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The territory that published a dataset *for* its organisation ("publié
    par Rennes Métropole pour Clayes"): the nearest territory above the
    organisation of which the dataset's creator is a member, when she is not
    a member of the organisation itself. Read from the memberships of now: a
    decision (no field to keep in step with the hierarchy)."""
    creator, owner = dataset.get("creator_user_id"), dataset.get("owner_org")
    if not creator or not owner:
        return None
    memberships = {row[0] for row in model.Session.query(model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == creator,
        model.Member.state == "active")}
    if owner in memberships or not memberships:
        return None
    ancestors = getattr(tk.h, "territory_ancestors", None)
    for ancestor in reversed(ancestors(owner) if ancestors else []):
        if ancestor["id"] in memberships:
            return ancestor
    return None
