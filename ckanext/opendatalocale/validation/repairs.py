"""The automatic correction of a resource's file, in the portal.

On a "non conforme" report, an editor asks for the correction: the file is
read (the upload, or the link downloaded as for a check), copied aside and
repaired by the core (``scdl.repair``) in a separate process with the
check's memory and time limits, into a working folder of the portal's
storage. Nothing of the resource changes: the editor reads what would
change, and may download the corrected file. Only "Publier la version
corrigée" puts it in the resource (``resource_patch`` with the file, so
CKAN's own rights, activity and upload path apply, and the new file is
checked as any upload). The file it replaces is kept in the storage and
offered on the resource page as "the original file": CKAN itself overwrites
an upload in place, and a second resource holding the non-conformant file
would make the dataset non conforme and hand it to harvesters.

One preparation at a time per resource (its row is claimed), and a
preparation is only published if the resource still holds the file it read:
a file replaced meanwhile is never overwritten by a correction of the old
one. A preparation or a publication that fails leaves the resource and its
file as they were.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import munge, uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.scdl.messages import file_message
from ckanext.opendatalocale.scdl.repair import previous_names
from ckanext.opendatalocale.scdl.validation import Report
from ckanext.opendatalocale.scdl.wording import Message, msg, said_dict

from . import runner
from .isolated import CheckAborted, OverTime, repair_isolated
from .model import repair_table

__all__ = ["RUNNING", "READY", "ERROR", "PUBLISHING", "PUBLISHED", "available", "state",
           "offered", "start", "job", "publish", "repaired_path", "original_of", "forget",
           "NotPublished"]

log = logging.getLogger(__name__)

RUNNING, READY, ERROR, PUBLISHING, PUBLISHED = (
    "running", "ready", "error", "publishing", "published")
_BUSY = (RUNNING, PUBLISHING)
_SOURCE, _REPAIRED = "source", "repaired.csv"


class NotPublished(Exception):
    """The correction was not published; ``message`` says why."""

    def __init__(self, message: Message):
        super().__init__(message.key)
        self.message = message


def available() -> bool:
    """Corrections need the portal's file storage (as uploads do)."""
    return bool(uploader.get_storage_path())


def _root(kind: str) -> Path:
    return Path(uploader.get_storage_path()) / "opendatalocale" / kind


def _folder(resource_id: str) -> Path:
    """The working folder of a resource's preparation."""
    if not resource_id or "/" in resource_id or resource_id.startswith("."):
        raise ValueError(resource_id)
    return _root("repairs") / resource_id


def repaired_path(resource_id: str) -> Path:
    return _folder(resource_id) / _REPAIRED


def _original_path(resource_id: str) -> Path:
    if not resource_id or "/" in resource_id or resource_id.startswith("."):
        raise ValueError(resource_id)
    return _root("originals") / resource_id[:3] / resource_id


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _engine():
    return model.meta.engine


def _stale_after() -> timedelta:
    return timedelta(seconds=runner._job_seconds() + 60)


def state(resource_id: str) -> Optional[dict[str, Any]]:
    """The resource's correction row; a preparation still "running" after the
    longest a job may take was cut short, and shows as an error."""
    with _engine().connect() as conn:
        row = conn.execute(sa.select(repair_table).where(
            repair_table.c.resource_id == resource_id)).mappings().first()
    if row is None:
        return None
    row = dict(row)
    row["error"] = runner._error_of(row["error"])
    if row["status"] in _BUSY and _now() - row["created"] > _stale_after():
        row.update(status=ERROR, error=file_message("crash", runner.TOO_LONG))
    return row


def offered(resource: dict[str, Any], validation: Optional[dict[str, Any]]) -> bool:
    """Whether the report offers the correction: a file that was read as a
    table and does not conform, and somewhere to keep its original. (A file
    that is no table — a web page, a binary — has the report's own message:
    no rule applies to it.)"""
    return bool(validation and validation["status"] == runner.FAILURE
                and validation.get("file_hash") and validation.get("report")
                and not validation["report"].get("unusable")
                and validation["schema_url"] == resource.get("schema") and available())


def is_current(row: Optional[dict[str, Any]], validation: Optional[dict[str, Any]]) -> bool:
    """The preparation read the file the resource holds (as its last check
    saw it) against the schema it declares."""
    return bool(row and validation and row["source_hash"]
                and row["source_hash"] == validation.get("file_hash")
                and row["schema_url"] == validation.get("schema_url")
                and validation["status"] == runner.FAILURE)


def _claim(resource: dict[str, Any]) -> bool:
    """Mark the resource's preparation as running, unless one is already
    running or publishing (and not stale). What an earlier publication left
    (the original's columns) is kept."""
    values = {"resource_id": resource["id"], "package_id": resource["package_id"],
              "status": RUNNING, "schema_url": resource.get("schema"), "created": _now(),
              "finished": None, "summary": None, "error": None, "source_hash": None}
    statement = insert(repair_table).values(**values)
    table = repair_table.c
    statement = statement.on_conflict_do_update(
        index_elements=["resource_id"],
        set_={k: statement.excluded[k] for k in values if k != "resource_id"},
        where=sa.or_(table.status.notin_(_BUSY), table.created < _now() - _stale_after()),
    ).returning(table.resource_id)
    with _engine().begin() as conn:
        return conn.execute(statement).first() is not None


def _update(resource_id: str, **values: Any) -> None:
    if values.get("error") is not None:
        values["error"] = json.dumps(said_dict(values["error"]), ensure_ascii=False)
    with _engine().begin() as conn:
        conn.execute(sa.update(repair_table).where(
            repair_table.c.resource_id == resource_id).values(**values))


def start(resource: dict[str, Any]) -> str:
    """Prepare the correction of ``resource``'s file: now when it is a small
    upload (as a check during the upload), else by the jobs worker. The
    status reached (running when one was already under way)."""
    if not _claim(resource):
        return RUNNING
    if runner._fits_upload_budget(resource):
        try:
            return _prepare(resource["id"], runner._option("synchronous_timeout"),
                            synchronous=True)
        except OverTime:
            log.info("Correction of %s over the upload's budget: queued", resource["id"])
            _update(resource["id"], status=RUNNING, created=_now())
    try:
        tk.enqueue_job(job, [resource["id"]], title=f"Correction SCDL {resource['id']}",
                       rq_kwargs={"timeout": runner._job_seconds()})
    except Exception as e:  # Redis unreachable: said on the page, nothing lost
        log.exception("Correction of %s could not be queued", resource["id"])
        _update(resource["id"], status=ERROR, finished=_now(),
                error=file_message("queue", type(e).__name__))
        return ERROR
    return RUNNING


def job(resource_id: str) -> None:
    """The background job (``ckan jobs worker``)."""
    _prepare(resource_id, runner._option("timeout"))


def _copy(path: str, target: Path) -> str:
    """Copy the file the resource holds aside; its SHA-256 (as the check's)."""
    digest = hashlib.sha256()
    with open(path, "rb") as source, target.open("wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _prepare(resource_id: str, seconds: float, synchronous: bool = False) -> str:
    """Read, copy and repair the resource's file into its working folder;
    the row says what would change. ``synchronous``: within the upload's
    time budget, else ``OverTime`` (the caller hands the file to the worker)."""
    folder = _folder(resource_id)
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        resolved = runner.schema_of(resource)
        if not resolved:
            raise NotPublished(msg("The resource no longer declares an SCDL schema."))
        entry, version = resolved
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with runner._local_file(resource) as path:
            if not os.path.exists(path):
                raise NotPublished(file_message("missing"))
            source_hash = _copy(path, folder / _SOURCE)
        validation = runner.status_of(resource_id)
        report = None
        if validation and validation.get("file_hash") == source_hash and \
                validation["schema_url"] == version.schema_url and validation.get("report"):
            report = Report.from_dict(validation["report"])   # no second check of the file
        summary = repair_isolated(
            str(folder / _SOURCE), version.table_schema(), str(folder / _REPAIRED),
            report=report, previous=previous_names(entry, version.version),
            limits=runner.limits(), seconds=seconds,
            memory_bytes=runner._option("max_memory_bytes"))
    except OverTime as e:
        if synchronous:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return _failed(resource_id, folder, e.message)
    except (CheckAborted, NotPublished) as e:
        return _failed(resource_id, folder, e.message)
    except runner._Unreachable as e:
        return _failed(resource_id, folder, e.message)
    except Exception as e:  # a crash: the resource is untouched, the row says so
        log.exception("Correction of resource %s failed", resource_id)
        return _failed(resource_id, folder, file_message("crash", type(e).__name__))
    _update(resource_id, status=READY, schema_url=version.schema_url,
            source_hash=source_hash, summary=summary, finished=_now(), error=None)
    return READY


def _failed(resource_id: str, folder: Path, message: Message) -> str:
    shutil.rmtree(folder, ignore_errors=True)
    _update(resource_id, status=ERROR, finished=_now(), error=message)
    return ERROR


def repaired_name(resource: dict[str, Any]) -> str:
    """The corrected file's name: the original's, as a CSV."""
    stem, _ = os.path.splitext(_original_name(resource))
    return f"{stem or 'donnees'}.csv"


def publish(context: dict[str, Any], resource_id: str) -> dict[str, Any]:
    """Put the prepared correction in the resource (with the rights of
    ``resource_update``) and keep the file it replaces as its original; the
    resource as it is now. ``NotPublished`` when there is nothing ready for
    the file the resource holds, or it is being published already."""
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    tk.check_access("resource_update", dict(context), {"id": resource_id})
    row, validation = state(resource_id), runner.status_of(resource_id)
    if not row or row["status"] not in (READY, PUBLISHING):
        raise NotPublished(msg("No correction is ready for this file: prepare it first."))
    if not (row["summary"] or {}).get("repaired"):
        raise NotPublished(msg("No automatic correction applies to this file."))
    if not is_current(row, validation):
        raise NotPublished(msg("The file has changed since the correction was prepared: "
                               "prepare it again."))
    with _engine().begin() as conn:
        claimed = conn.execute(sa.update(repair_table).where(
            repair_table.c.resource_id == resource_id,
            repair_table.c.status == READY).values(
                status=PUBLISHING, created=_now())).rowcount
    if not claimed:
        raise NotPublished(msg("This correction is being published already."))
    folder, original = _folder(resource_id), _original_path(resource_id)
    kept = original.with_name(original.name + ".new")
    try:
        repaired = folder / _REPAIRED
        repaired_hash = file_sha256(str(repaired))
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / _SOURCE, kept)
    except OSError:   # the working folder lost (a cleaned disk): nothing changed
        log.exception("Correction of %s: the prepared files are missing", resource_id)
        kept.unlink(missing_ok=True)
        _failed(resource_id, folder, msg("The prepared correction was lost: prepare it "
                                         "again."))
        raise NotPublished(msg("The prepared correction was lost: prepare it again."))
    try:
        with repaired.open("rb") as stream:
            name = repaired_name(resource)
            updated = tk.get_action("resource_patch")(dict(context), {
                "id": resource_id, "format": "CSV",
                "upload": FileStorage(stream, name, content_type="text/csv")})
    except Exception:
        kept.unlink(missing_ok=True)
        _update(resource_id, status=READY)   # as it was: ready to publish
        raise
    os.replace(kept, original)
    summary = row["summary"]
    _update(resource_id, status=PUBLISHED, original_name=_original_name(resource),
            original_url=None if resource.get("url_type") == "upload" else resource.get("url"),
            original_size=original.stat().st_size, published=_now(),
            published_by=context.get("user"), repaired_hash=repaired_hash,
            published_summary={
                "values": sum(c["count"] for c in summary.get("changes", [])),
                "file_changes": len(summary.get("file_changes", [])),
                "last_modified": updated.get("last_modified"),
                "valid": (summary.get("report") or {}).get("valid", False)})
    shutil.rmtree(folder, ignore_errors=True)
    return updated


def _original_name(resource: dict[str, Any]) -> str:
    """The original's file name, as CKAN would store it (a link's last part
    may hold anything)."""
    url = (resource.get("url") or "").split("?")[0].split("#")[0].rstrip("/")
    return munge.munge_filename(os.path.basename(url) or "original")


def original_of(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The file a correction replaced, while the resource still holds the
    corrected one: its path, name, size, link, date and the correction's
    figures; None otherwise."""
    row = state(resource["id"])
    if not row or not row["published"]:
        return None
    published = row["published_summary"] or {}
    if published.get("last_modified") != resource.get("last_modified"):
        return None   # replaced since: that original is not this file's
    path = _original_path(resource["id"])
    if not path.is_file():
        return None
    link = row["original_url"] or ""
    return {"path": path, "name": row["original_name"], "size": row["original_size"],
            "url": link if link.lower().startswith(("http://", "https://")) else None, "published": row["published"],
            "values": published.get("values", 0),
            "file_changes": published.get("file_changes", 0)}


def forget(resource_ids: list[str]) -> None:
    """Rows and files of deleted resources."""
    if not resource_ids:
        return
    with _engine().begin() as conn:
        conn.execute(sa.delete(repair_table).where(
            repair_table.c.resource_id.in_(resource_ids)))
    for resource_id in resource_ids:
        shutil.rmtree(_folder(resource_id), ignore_errors=True)
        _original_path(resource_id).unlink(missing_ok=True)


def of_package(package_id: str) -> list[str]:
    with _engine().connect() as conn:
        return list(conn.execute(sa.select(repair_table.c.resource_id).where(
            repair_table.c.package_id == package_id)).scalars())
