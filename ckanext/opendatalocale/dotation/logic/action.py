"""The dotation's API: the sources, an import started and followed, an
organisation's proposals, a proposal published."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import imports, proposals

__all__ = ["scdl_dotation_source_list", "scdl_dotation_import", "scdl_dotation_import_show",
           "scdl_dotation_proposal_list", "scdl_dotation_publish"]


def _text(data_dict: dict[str, Any], key: str, required: bool = True, limit: int = 2000):
    value = data_dict.get(key)
    if value in (None, ""):
        if required:
            raise tk.ValidationError({key: [tk._("Missing value")]})
        return None
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise tk.ValidationError({key: [tk._("Invalid value")]})
    return value.strip()


@tk.side_effect_free
def scdl_dotation_source_list(context, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The sources a sysadmin can import: id, SCDL type, titles, publisher,
    page, the column that names the collectivité."""
    tk.check_access("scdl_dotation_source_list", context, data_dict)
    return [{"id": s.id, "type": s.type, "title": dict(s.title), "publisher": s.publisher,
             "page": s.page, "column": s.column, "code": s.code}
            for s in sorted(imports.all_sources().values(), key=lambda s: s.id)]


def _import_dict(state: dict[str, Any]) -> dict[str, Any]:
    from ckanext.opendatalocale.translation import render
    known = imports.all_sources().get(state["source"])
    return {"id": state["id"], "source": state["source"],
            "source_title": dict(known.title) if known else {"fr": state["source"]},
            "location": state["location"],
            "file_date": state["file_date"], "territory_id": state["territory_id"],
            "state": state["state"], "progress": state["progress"],
            "counts": state["counts"],
            "said": [render(s) for s in state["said"] or []],
            "error": render(state["error"]) if state["error"] else None,
            "created": state["created"].isoformat() if state["created"] else None,
            "finished": state["finished"].isoformat() if state["finished"] else None}


def scdl_dotation_import(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Import a national file, by the jobs worker: one proposal per
    collectivité of the portal with rows (see the README).

    :param source: the source's id (``scdl_dotation_source_list``)
    :param url: the national file's address (http or https)
    :param territory: only the collectivités of this territory (optional)
    :param file_date: the national file's date, YYYY-MM-DD (optional)
    """
    tk.check_access("scdl_dotation_import", context, data_dict)
    source_id = _text(data_dict, "source", limit=100)
    location = _text(data_dict, "url") if not context.get("dotation_path") \
        else context["dotation_path"]
    if not context.get("dotation_path") and not str(location).startswith(
            ("http://", "https://")):
        raise tk.ValidationError({"url": [tk._("Give an http or https address.")]})
    territory_id = None
    territory = _text(data_dict, "territory", required=False, limit=200)
    if territory:
        group = model.Group.get(territory)
        if group is None or not group.is_organization or group.state != "active":
            raise tk.ValidationError({"territory": [tk._("Territory not found.")]})
        territory_id = group.id
    file_date = _text(data_dict, "file_date", required=False, limit=10)
    if file_date:
        import datetime as dt
        try:
            file_date = dt.date.fromisoformat(file_date).isoformat()
        except ValueError:
            raise tk.ValidationError({"file_date": [tk._(
                "Give the date as YYYY-MM-DD.")]}) from None
    try:
        imports.source(source_id)
    except tk.ObjectNotFound as e:
        raise tk.ValidationError({"source": [str(e)]}) from None
    user = model.User.get(context.get("user") or "")
    import_id = imports.start(source_id, str(location), user.id if user else None,
                              territory_id, file_date)
    return _import_dict(imports.state_of(import_id) or {})


@tk.side_effect_free
def scdl_dotation_import_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """An import's state (queued, running, done, failed), its progress (%),
    what it found and did.

    :param id: the import's id
    """
    tk.check_access("scdl_dotation_import_show", context, data_dict)
    import_id = _text(data_dict, "id", limit=100)
    state = imports.state_of(import_id)
    if state is None:
        raise tk.ObjectNotFound(tk._("Unknown import."))
    return _import_dict(state)


@tk.side_effect_free
def scdl_dotation_proposal_list(context, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """An organisation's proposals: the datasets a dotation prepared for it
    that wait to be published.

    :param organization: the organisation (name or id)
    """
    name = _text(data_dict, "organization", limit=200)
    group = model.Group.get(name)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(tk._("Organisation not found."))
    tk.check_access("scdl_dotation_proposal_list", context, {"organization": group.id})
    return proposals.of_organization(group.id)


def scdl_dotation_publish(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Publish a proposal: the dataset made public, or the new rows put into
    the dataset whose file the collectivité had replaced.

    :param id: the proposal's dataset (name or id)
    """
    package = model.Package.get(_text(data_dict, "id", limit=200))
    if package is None or package.state != "active":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    tk.check_access("scdl_dotation_publish", context, {"id": package.id})
    return proposals.publish(context, package.id)


