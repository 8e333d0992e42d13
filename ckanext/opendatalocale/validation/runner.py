"""Validating a resource: find its file and its schema, check, record.

The schema is the resource's canonical ``schema`` URL, resolved offline to
our local Table Schema (never fetched). The file is the upload in CKAN's
storage, or the linked URL downloaded from a public address with a timeout
and a size limit (``fetch``). The check itself runs in a separate process
with a memory and a time limit (``isolated``): during the upload within a
small budget, the rest by the jobs worker. A file already validated against
the same schema (same content hash) is not validated again. The result goes
to our own table and the dataset is re-indexed: no ``resource_patch``, so no
activity and no new ``metadata_modified``. Whatever happens (a hostile
file, a crash, Redis down), the resource ends with a status, never stuck
"running".
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search, uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.limits import Limits
from ckanext.opendatalocale.scdl.messages import file_message
from ckanext.opendatalocale.scdl.validation import Report
from ckanext.opendatalocale.scdl.wording import Message, Said, said_dict, said_from

from ckanext.opendatalocale.fetch import TOO_LONG, Unfetchable, anywhere, download, is_public
from .isolated import CheckAborted, OverTime, validate_isolated
from .model import validation_table

__all__ = ["CREATED", "RUNNING", "SUCCESS", "FAILURE", "ERROR", "schema_of",
           "table_schema_of", "schedule",
           "run", "status_of", "statuses_of", "forget", "job", "limits"]

log = logging.getLogger(__name__)

OPTION = "ckanext.opendatalocale.validation."
# a synchronous check's workbook may inflate this much (a 1 MB XLSX holds
# 3 to 8 MB of XML): beyond, it is the worker's
SYNCHRONOUS_INFLATION = 20


def _option(name: str) -> Any:
    return tk.config.get(OPTION + name)


def limits() -> Limits:
    return Limits(columns=_option("max_columns"), header_bytes=_option("max_header_bytes"),
                  workbook_bytes=_option("max_workbook_bytes"),
                  workbook_cells=_option("max_workbook_cells"))


def _job_seconds() -> int:
    """The longest a background job may take: a download, then a check, each
    within the timeout."""
    return 2 * _option("timeout") + 60

# ckanext-validation's statuses (its API is kept)
CREATED, RUNNING, SUCCESS, FAILURE, ERROR = "created", "running", "success", "failure", "error"
# sent inside the transaction writing a status (sender: the dataset's id;
# resource_id, status, file_hash — the checked file's, for a verdict —, connection):
# the observatoire's summary follows it there, the DataStore tables load after it
STATUS_CHANGED = tk.signals.ckanext.signal("opendatalocale_validation_status_changed")


def schema_of(resource: dict[str, Any]):
    """The (entry, version) of the resource's canonical schema URL, or None."""
    url = resource.get("schema")
    return catalogue().resolve_url(url) if isinstance(url, str) and url else None


def table_schema_of(schema_url: Optional[str]) -> dict[str, Any]:
    """The Table Schema a stored check or correction was made against (no
    field for a schema this portal no longer knows)."""
    resolved = schema_of({"schema": schema_url})
    return resolved[1].table_schema() if resolved else {"fields": []}


def _engine():
    return model.meta.engine


def _save(resource_id: str, package_id: str, **values: Any) -> None:
    if values.get("error") is not None:
        # the message's key and values, as JSON in the text column
        values["error"] = json.dumps(said_dict(values["error"]), ensure_ascii=False)
    row = {"resource_id": resource_id, "package_id": package_id, **values}
    statement = insert(validation_table).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["resource_id"],
        set_={k: statement.excluded[k] for k in row if k != "resource_id"})
    with _engine().begin() as conn:
        conn.execute(statement)
        STATUS_CHANGED.send(package_id, resource_id=resource_id, status=values["status"],
                            file_hash=values.get("file_hash"), connection=conn)


def _error_of(stored: Optional[str]) -> Optional[Said]:
    """The stored error: a message's JSON, or a sentence stored before keys."""
    if stored is None or not stored.startswith("{"):
        return stored
    try:
        return said_from(json.loads(stored))
    except ValueError:
        return stored


def _read(row: dict[str, Any]) -> dict[str, Any]:
    return _stale(dict(row, error=_error_of(row.get("error"))))


def _stale(row: dict[str, Any]) -> dict[str, Any]:
    """A check still "running" after the longest a job may take was cut short
    (a worker killed, a machine restarted, a job lost): it shows as an error,
    which a new check (``resource_validation_run``) replaces."""
    limit = _job_seconds() + 60
    if row["status"] in (RUNNING, CREATED) and row["created"] is not None and (
            _now() - row["created"]).total_seconds() > limit:
        return dict(row, status=ERROR, error=file_message("crash", TOO_LONG))
    return row


def status_of(resource_id: str) -> Optional[dict[str, Any]]:
    with _engine().connect() as conn:
        row = conn.execute(sa.select(validation_table).where(
            validation_table.c.resource_id == resource_id)).mappings().first()
    return _read(dict(row)) if row else None


def forget(resource_id: str) -> None:
    """The resource's check forgotten (``resource_validation_delete``): its
    file counts as never checked, those who follow statuses are told, and the
    dataset's conformity in the search index follows."""
    with _engine().begin() as conn:
        package_id = conn.execute(sa.delete(validation_table).where(
            validation_table.c.resource_id == resource_id).returning(
                validation_table.c.package_id)).scalar()
        if package_id is not None:
            STATUS_CHANGED.send(package_id, resource_id=resource_id, status=None,
                                connection=conn)
    if package_id is not None:
        search.rebuild(package_id)   # its conformity in the index: "non vérifié"


def statuses_of(package_id: str) -> dict[str, dict[str, Any]]:
    """The validations of a dataset's resources, without their reports."""
    columns = [c for c in validation_table.c if c.name != "report"]
    with _engine().connect() as conn:
        rows = conn.execute(sa.select(*columns).where(
            validation_table.c.package_id == package_id)).mappings().all()
    return {row["resource_id"]: _read(dict(row)) for row in rows}


def _is_upload(resource: dict[str, Any]) -> bool:
    return resource.get("url_type") == "upload"


def _fits_upload_budget(resource: dict[str, Any]) -> bool:
    """Small enough to be checked during the upload: the file, and what a
    workbook declares it inflates to (a zip's directory, read in no time)."""
    if not _is_upload(resource) or not _option("synchronous_timeout"):
        return False
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    budget = _option("synchronous_max_bytes")
    if not os.path.exists(path) or os.path.getsize(path) > budget:
        return False
    try:
        with zipfile.ZipFile(path) as book:
            inflated = sum(member.file_size for member in book.infolist())
    except zipfile.BadZipFile:
        return True  # not a workbook
    return inflated <= budget * SYNCHRONOUS_INFLATION


def schedule(resource: dict[str, Any], now: Optional[bool] = None) -> None:
    """Validate during the request (a small upload, or ``now``) within the
    upload's time budget, else in the background."""
    if not schema_of(resource):
        return
    if now or (now is None and _fits_upload_budget(resource)):
        try:
            run(resource["id"], synchronous=True)
            return
        except OverTime:
            log.info("Validation of %s over the upload's budget: queued", resource["id"])
    _queue(resource)


def _queue(resource: dict[str, Any]) -> None:
    _save(resource["id"], resource["package_id"], status=RUNNING,
          schema_url=resource.get("schema"), created=_now(), finished=None, error=None,
          report=None)
    try:
        tk.enqueue_job(job, [resource["id"]], title=f"Validation SCDL {resource['id']}",
                       rq_kwargs={"timeout": _job_seconds()})
    except Exception as e:  # Redis unreachable: the upload itself must succeed
        log.exception("Validation of %s could not be queued", resource["id"])
        _save(resource["id"], resource["package_id"], status=ERROR,
              schema_url=resource.get("schema"), finished=_now(),
              error=file_message("queue", type(e).__name__))
        search.rebuild(resource["package_id"])


def job(resource_id: str) -> None:
    """The background job (``ckan jobs worker``)."""
    run(resource_id)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def _local_file(resource: dict[str, Any]) -> Iterator[str]:
    """A path to the resource's file: the upload itself, or a download."""
    if _is_upload(resource):
        yield uploader.get_resource_uploader(resource).get_path(resource["id"])
        return
    suffix = os.path.splitext(resource.get("url", "").split("?")[0])[1][:8] or ".csv"
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            download(resource["url"], out, max_bytes=_option("max_download_bytes"),
                     seconds=_option("timeout"),
                     allowed=anywhere if _option("allow_private_addresses") else is_public)
        yield path
    except Unfetchable as e:
        raise _Unreachable(e.message, e.reason) from e
    finally:
        if os.path.exists(path):
            os.unlink(path)


class _Unusable(Exception):
    """The file cannot be checked: the message of the report."""

    def __init__(self, message: Message):
        super().__init__(message.key)
        self.message = message


class _Unreachable(Exception):
    """A linked file that could not be downloaded: no verdict on the file
    (it is not "non conforme", it could not be read), the status ``error``
    as ckanext-validation gives it, and why in the report's ``unreachable``."""

    def __init__(self, message: Message, reason: Said):
        super().__init__(message.key)
        self.message = message
        self.reason = reason


def run(resource_id: str, synchronous: bool = False) -> Optional[str]:
    """Validate a resource now; the status reached (None: nothing to check).
    ``synchronous``: within the upload's time budget, else ``OverTime``."""
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    resolved = schema_of(resource)
    if not resolved:
        return None
    entry, version = resolved
    package_id = resource["package_id"]
    try:
        with _local_file(resource) as path:
            if not os.path.exists(path):
                raise _Unusable(file_message("missing"))
            file_hash = file_sha256(path)
            previous = status_of(resource_id)
            if (previous and previous["file_hash"] == file_hash
                    and previous["schema_url"] == version.schema_url
                    and previous["status"] in (SUCCESS, FAILURE)):
                return previous["status"]  # unchanged file: nothing new to say
            _save(resource_id, package_id, status=RUNNING, schema_url=version.schema_url,
                  created=_now(), finished=None, error=None, report=None)
            report = validate_isolated(
                path, version.table_schema(), limits=limits(),
                seconds=_option("synchronous_timeout" if synchronous else "timeout"),
                memory_bytes=_option("max_memory_bytes"))
        status = SUCCESS if report.valid else FAILURE
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=file_hash, finished=_now(), report=report.as_dict(), error=None)
    except _Unreachable as e:
        status = ERROR
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), error=e.message,
              report=Report(valid=False, unusable=True, unreachable=e.reason).as_dict())
    except _Unusable as e:
        status = FAILURE
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), report=None, error=e.message)
    except CheckAborted as e:
        if synchronous and isinstance(e, OverTime):
            raise  # the caller hands the file to the worker
        status = ERROR
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), report=None, error=e.message)
    except Exception as e:  # a crash leaves the resource intact, with a status
        log.exception("Validation of resource %s failed", resource_id)
        status = ERROR
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), report=None,
              error=file_message("crash", type(e).__name__))
    search.rebuild(package_id)
    return status
