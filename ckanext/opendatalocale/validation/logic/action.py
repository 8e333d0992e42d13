"""ckanext-validation's API (names, parameters, statuses), on our validator; the
automatic correction's (``scdl_repair``, ``scdl_repair_show``)."""
from __future__ import annotations

import logging
import os
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl.messages import megabytes
from ckanext.opendatalocale.scdl.wording import msg
from ckanext.opendatalocale.scdl.repair import previous_names

from .. import repairs, runner
from ..isolated import CheckAborted, repair_isolated
from ..wording import key_of, render, repair_json, report_json

log = logging.getLogger(__name__)

__all__ = ["resource_validation_run", "resource_validation_show",
           "resource_validation_delete", "scdl_repair", "scdl_repair_show"]


def _resource(context, data_dict) -> dict[str, Any]:
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not resource_id:
        raise tk.ValidationError({"resource_id": [tk._("Missing value")]})
    return tk.get_action("resource_show")(dict(context), {"id": resource_id})


def resource_validation_run(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Validate a resource against the SCDL schema its ``schema`` names.

    :param resource_id: the resource
    :param async: run in the background (default: true); false checks at once
        within the upload's time budget, and hands a slower file to the worker
    :returns: ``{"status": …}``
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_run", context, {"resource_id": resource["id"]})
    if not runner.schema_of(resource):
        raise tk.ValidationError({"schema": [tk._(
            "This resource follows no known SCDL schema: there is nothing to check.")]})
    # not async: within the upload's time budget, else by the worker all the same
    runner.schedule(resource, now=None if tk.asbool(data_dict.get("async", True)) else True)
    return {"status": (runner.status_of(resource["id"]) or {}).get("status")}


@tk.side_effect_free
def resource_validation_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The latest validation of a resource: status, report, error; each
    message in the visitor's language (the portal's outside a request) beside
    its key and values (``summary`` and ``summary_key``…).

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_show", context, {"resource_id": resource["id"]})
    validation = runner.status_of(resource["id"])
    if not validation:
        raise tk.ObjectNotFound(tk._("This resource has not been validated."))
    return {
        "id": validation["resource_id"], "resource_id": validation["resource_id"],
        "status": validation["status"], "schema": validation["schema_url"],
        # the checked file's SHA-256 (none when it could not be read)
        "file_hash": validation.get("file_hash"),
        "report": report_json(validation["report"]),
        "error": render(validation["error"]) if validation["error"] is not None else None,
        "error_key": key_of(validation["error"]),
        "created": validation["created"].isoformat() if validation["created"] else None,
        "finished": validation["finished"].isoformat() if validation["finished"] else None,
    }


def resource_validation_delete(context, data_dict: dict[str, Any]) -> None:
    """Forget a resource's validation.

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("resource_validation_delete", context, {"resource_id": resource["id"]})
    runner.forget(resource["id"])


def _repair_shown(resource: dict[str, Any]) -> dict[str, Any]:
    row = repairs.state(resource["id"])
    validation = runner.status_of(resource["id"])
    original = repairs.original_of(resource)
    shown: dict[str, Any] = {
        "resource_id": resource["id"], "status": row["status"] if row else None,
        "current": repairs.is_current(row, validation), "repair": None, "error": None,
        "error_key": None, "created": None, "finished": None,
        "original": None if original is None else {
            "name": original["name"], "size": original["size"], "url": original["url"],
            "published": original["published"].isoformat(),
            "download": tk.h.url_for("scdl_validation.original", id=resource["package_id"],
                                     resource_id=resource["id"], _external=True)}}
    if row:
        shown.update(
            repair=repair_json(row["summary"], runner.table_schema_of(row["schema_url"])),
            error=render(row["error"]) if row["error"] is not None else None,
            error_key=key_of(row["error"]),
            created=row["created"].isoformat() if row["created"] else None,
            finished=row["finished"].isoformat() if row["finished"] else None)
    return shown


@tk.side_effect_free
def scdl_repair_show(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The automatic correction of a resource's file: its preparation
    (``status``: running, ready, error, published; ``current``: it read the
    file the resource holds), what it changes (``repair``, as ``scdl_repair``
    gives it) and, once published, the ``original`` file it replaced.

    :param resource_id: the resource
    """
    resource = _resource(context, data_dict)
    tk.check_access("scdl_repair_show", context, {"resource_id": resource["id"]})
    return _repair_shown(resource)


def scdl_repair(context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Correct an SCDL file toward its schema: what would change, rule by
    rule, and what would remain; nothing is changed unless ``apply``.

    Either a resource (the editor's rights on it):

    :param resource_id: a resource whose file was checked and does not conform
    :param apply: false (default): prepare the correction (at once for a small
        upload, else by the jobs worker: ``status`` running, then ask
        ``scdl_repair_show``); true: publish the prepared correction in the
        resource, keeping the file it replaces downloadable (``original``)

    or a file (any logged-in user; up to ``ckan.max_resource_size``):

    :param upload: a CSV or XLSX file
    :param type: its SCDL type (``deliberations``…) or schema id
    :param version: the schema's version (default: the current one)
    :param apply: true: the corrected file in ``csv``
    """
    apply = tk.asbool(data_dict.get("apply", False))
    if not (data_dict.get("resource_id") or data_dict.get("id")):
        return _repair_upload(context, data_dict, apply)
    resource = _resource(context, data_dict)
    tk.check_access("scdl_repair", context, {"resource_id": resource["id"]})
    validation = runner.status_of(resource["id"])
    if not repairs.offered(resource, validation):
        report = (validation or {}).get("report") or {}
        if report.get("unusable"):   # what the check said of it, in the same words
            said = report_json(report) or {}
            raise tk.ValidationError({"resource_id": [" ".join(
                [said["summary"]] + [e["message"] for e in said["errors"]])]})
        raise tk.ValidationError({"resource_id": [tk._(
            "Only a file that was checked and does not conform can be corrected.")]})
    row = repairs.state(resource["id"])
    ready = row is not None and row["status"] == repairs.READY and \
        repairs.is_current(row, validation)
    if not ready and not (row and row["status"] == repairs.RUNNING):
        repairs.start(resource)
    if apply:
        try:
            updated = repairs.publish(context, resource["id"])
        except repairs.NotPublished as e:
            raise tk.ValidationError({"apply": [render(e.message)]})
        shown = _repair_shown(updated)
        shown["validation_status"] = (runner.status_of(updated["id"]) or {}).get("status")
        return shown
    return _repair_shown(resource)


def _repair_upload(context, data_dict: dict[str, Any], apply: bool) -> dict[str, Any]:
    tk.check_access("scdl_repair", context, {})
    upload = data_dict.get("upload")
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise tk.ValidationError({"upload": [tk._(
            "Give a resource_id, or a file (upload) with its type.")]})
    try:
        entry = catalogue().get(data_dict.get("type") or "")
        version = entry.version(data_dict.get("version") or None)
    except (UnknownSchema, UnknownVersion) as e:
        raise tk.ValidationError({"type": [str(e)]})
    limit = tk.asint(tk.config.get("ckan.max_resource_size")) * 1024 * 1024
    table_schema = version.table_schema()
    seconds = runner._option("repair_timeout")
    with _one_at_a_time(context.get("user") or "", seconds), \
            tempfile.TemporaryDirectory(prefix="scdl-repair-") as folder:
        source, output = os.path.join(folder, "source"), os.path.join(folder, "repaired.csv")
        written = 0
        with open(source, "wb") as out:
            for chunk in iter(lambda: upload.stream.read(1 << 16), b""):
                written += len(chunk)
                if written > limit:
                    raise tk.ValidationError({"upload": [render(msg(
                        "The file is larger than {size}: publish it as a resource to have it "
                        "corrected, or use the command “ckan opendatalocale repair”.",
                        size=megabytes(limit)))]})
                out.write(chunk)
        try:
            summary = repair_isolated(
                source, table_schema, output, report=None,
                previous=previous_names(entry, version.version), limits=runner.limits(),
                seconds=seconds, memory_bytes=runner._option("max_memory_bytes"))
        except CheckAborted as e:
            raise tk.ValidationError({"upload": [render(e.message)]})
        result = {"type": entry.slug, "version": version.version,
                  "schema": version.schema_url,
                  "repair": repair_json(summary, table_schema)}
        if apply and summary.get("repaired"):
            with open(output, encoding="utf-8") as repaired:
                result["csv"] = repaired.read()
        return result


@contextmanager
def _one_at_a_time(user: str, seconds: float) -> Iterator[None]:
    """One correction of a file of one's own at a time per user (each is a
    process of up to ``repair_timeout`` seconds): a second one meanwhile is
    refused. Without Redis, the correction runs all the same."""
    key = f"{tk.config.get('ckan.site_id')}:opendatalocale:repair:{user}"
    try:
        redis = connect_to_redis()
        taken = redis.set(key, "1", nx=True, ex=int(seconds) + 30)
    except Exception:  # Redis unreachable: not a reason to refuse
        log.warning("No Redis to hold %s's correction: not limited", user)
        redis, taken = None, True
    if not taken:
        raise tk.ValidationError({"upload": [render(msg(
            "One of your corrections is still running: send this file again when it is "
            "over."))]})
    try:
        yield
    finally:
        if redis is not None:
            try:
                redis.delete(key)
            except Exception:
                log.warning("%s's correction could not be released: it expires by itself",
                            user)
