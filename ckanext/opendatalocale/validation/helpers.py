"""Template helpers: statuses in words, the report grouped by column and
kind of error, whose file it seems to be, where to go next — each message
said in the visitor's language (``wording``)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import siren
from ckanext.opendatalocale.scdl.report import by_column
from ckanext.opendatalocale.scdl.validation import Report

from . import repairs, runner
from .model import validation_table
from .wording import render

__all__ = ["scdl_validation", "scdl_validation_label", "scdl_validation_groups",
           "scdl_validation_message",
           "scdl_validation_publisher", "scdl_validation_unreachable",
           "scdl_validation_next", "scdl_conformity", "scdl_repair_offered",
           "scdl_repair_original", "scdl_repair_preview"]


def scdl_validation(resource_id: str) -> Optional[dict[str, Any]]:
    return runner.status_of(resource_id)


def scdl_validation_message(said: Any) -> str:
    """A message of the report (its JSON, or a sentence stored before keys)."""
    return render(said)


def scdl_validation_label(status: Optional[str], unreachable: Any = None) -> str:
    if status == runner.ERROR and unreachable:
        return tk._("File unreachable ({reason})").format(reason=render(unreachable))
    return {
        runner.SUCCESS: tk._("Conforms to the schema"),
        runner.FAILURE: tk._("Does not conform"),
        runner.RUNNING: tk._("Being checked"),
        runner.CREATED: tk._("Being checked"),
        runner.ERROR: tk._("Check failed"),
    }.get(status or "", tk._("Not checked"))


def scdl_validation_unreachable(resource_id: str) -> Optional[str]:
    """Why a linked file could not be downloaded (« HTTP 404 »), if so: the
    one field of the report a list of resources needs."""
    reason = validation_table.c.report["unreachable"]
    with model.meta.engine.connect() as conn:
        found = conn.execute(sa.select(reason).where(
            validation_table.c.resource_id == resource_id,
            validation_table.c.status == runner.ERROR)).scalar()
    return render(found) if found else None


def scdl_validation_groups(validation: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's errors grouped by column, then by kind of error, in
    words: where (« Lignes 2, 3 et 5 »), what, and one example."""
    report = validation.get("report")
    if not report:
        return []
    return _said_groups(by_column(Report.from_dict(report),
                                  runner.table_schema_of(validation.get("schema_url"))))


def _said_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for group in groups:
        group["expects"] = render(group["expects"]) if group["expects"] else None
        for kind in group["kinds"]:
            where = render(kind["where"]) if kind["where"] else ""
            kind["where"] = where[:1].upper() + where[1:]
            kind["message"] = render(kind["message"])
            if kind["example"]:
                kind["example"] = dict(kind["example"],
                                       message=render(kind["example"]["message"]))
    return groups


def _organisation_with(number: str) -> Optional[str]:
    """The title of the active organisation whose SIREN is ``number``."""
    found = model.Session.query(model.Group.title).join(
        model.GroupExtra, model.GroupExtra.group_id == model.Group.id).filter(
        model.GroupExtra.key == "siren", model.GroupExtra.value == number,
        model.GroupExtra.state == "active", model.Group.state == "active",
        model.Group.is_organization.is_(True)).first()
    return found[0] if found else None


def scdl_validation_publisher(validation: dict[str, Any],
                              package: dict[str, Any]) -> list[str]:
    """When the file's SIRET names another collectivité than the dataset's
    organisation: whose file it seems to be, and the organisation's own
    SIREN (a warning: the file may conform all the same)."""
    found = (validation.get("report") or {}).get("sirens") or {}
    organisation = model.Group.get(package.get("owner_org") or "")
    if not found or organisation is None:
        return []
    own = (organisation.extras or {}).get("siren")
    other = siren.other_publisher(found, own)
    if not other or not own:
        return []
    return [render(warning) for warning in siren.mismatch_warnings(
        other, _organisation_with(other), own, organisation.title or organisation.name)]


def scdl_validation_next(package: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """Where to go from the report: replace the file (editors only), the
    CSV and Excel templates of the schema's version, its guide."""
    links: dict[str, Any] = {}
    if tk.h.check_access("resource_update", {"id": resource["id"]}):
        links["replace"] = tk.h.url_for(f"{package['type']}_resource.edit",
                                        id=package["name"], resource_id=resource["id"])
    resolved = runner.schema_of(resource)
    if resolved:
        entry, version = resolved
        links["csv"] = tk.h.url_for("socle_commun.template_csv", slug=entry.slug,
                                    version=version.version)
        links["xlsx"] = tk.h.url_for("socle_commun.template_xlsx", slug=entry.slug,
                                     version=version.version)
        links["guide"] = tk.h.url_for("socle_commun.guide", slug=entry.slug)
    return links


def scdl_conformity(resources: list[dict[str, Any]]) -> Optional[str]:
    """The conformity of a dataset's SCDL files (``scdl.status.conformity``),
    from its resources as ``package_show`` gives them: the port through which
    the other plugins (DCAT) read it."""
    from .plugin import conformity_of
    return conformity_of(resources)


def scdl_repair_offered(resource: dict[str, Any], validation: Optional[dict[str, Any]]) -> bool:
    """The report offers "Corriger automatiquement" (to the file's editors)."""
    return repairs.offered(resource, validation) and \
        tk.h.check_access("resource_update", {"id": resource["id"]})


def scdl_repair_original(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The original file a published correction replaced, while the
    resource holds the corrected one (its name, size, link, date)."""
    return repairs.original_of(resource)


def scdl_repair_preview(row: dict[str, Any]) -> dict[str, Any]:
    """A prepared correction in words: the verdict, the file's changes, the
    date columns' order, the value changes by rule and column with
    examples, and the errors that would remain (as the report groups them)."""
    from ckanext.opendatalocale.scdl import repair_report as words
    summary = row.get("summary") or {}
    table_schema = runner.table_schema_of(row.get("schema_url"))
    rules = words.by_rule(summary, table_schema)
    for rule in rules:
        rule["label"] = render(rule["label"])
        for column in rule["columns"]:
            column["examples"] = [dict(e, before=render(e["before"]))
                                  for e in column["examples"]]
    said = (render(m) for m in (words.file_change_message(f)
                                for f in summary.get("file_changes", [])) if m is not None)
    orders = (words.order_message(c, o) for c, o in (summary.get("date_orders") or {}).items())
    report = summary.get("report") or {}
    return {"repaired": bool(summary.get("repaired")), "verdict": render(words.verdict(summary)),
            "valid": bool(report.get("valid")), "file_changes": list(said),
            "orders": [render(m) for m in orders if m is not None], "rules": rules,
            "values": sum(r["count"] for r in rules),
            "remaining": _said_groups(words.remaining(summary, table_schema)),
            "remaining_summary": render(Report.from_dict(report).summary()) if report else "",
            "rows": summary.get("rows", 0)}
