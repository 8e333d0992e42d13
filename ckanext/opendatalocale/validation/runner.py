"""Validating a resource: find its file and its schema, check, record.

The schema is the resource's canonical ``schema`` URL, resolved offline to
our local Table Schema (never fetched). The file is the upload in CKAN's
storage, or the linked URL downloaded with a timeout and a size limit. A
file already validated against the same schema (same content hash) is not
validated again. The result goes to our own table and the dataset is
re-indexed: no ``resource_patch``, so no activity and no new
``metadata_modified``.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator, Optional

import requests
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search, uploader

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.messages import file_message
from ckanext.opendatalocale.scdl.validation import validate_file

from .model import validation_table

__all__ = ["CREATED", "RUNNING", "SUCCESS", "FAILURE", "ERROR", "schema_of", "schedule",
           "run", "status_of", "statuses_of", "forget", "job"]

log = logging.getLogger(__name__)

# ckanext-validation's statuses (its API is kept)
CREATED, RUNNING, SUCCESS, FAILURE, ERROR = "created", "running", "success", "failure", "error"


def schema_of(resource: dict[str, Any]):
    """The (entry, version) of the resource's canonical schema URL, or None."""
    url = resource.get("schema")
    return catalogue().resolve_url(url) if isinstance(url, str) and url else None


def _engine():
    return model.meta.engine


def _save(resource_id: str, package_id: str, **values: Any) -> None:
    row = {"resource_id": resource_id, "package_id": package_id, **values}
    statement = insert(validation_table).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["resource_id"],
        set_={k: statement.excluded[k] for k in row if k != "resource_id"})
    with _engine().begin() as conn:
        conn.execute(statement)


def _stale(row: dict[str, Any]) -> dict[str, Any]:
    """A check still "running" long after the jobs worker's timeout was cut
    short (a worker killed, a machine restarted): it shows as an error."""
    limit = tk.config.get("ckanext.opendatalocale.validation.timeout") + 60
    if row["status"] in (RUNNING, CREATED) and row["created"] is not None and (
            _now() - row["created"]).total_seconds() > limit:
        return dict(row, status=ERROR, error=file_message("crash", "délai dépassé"))
    return row


def status_of(resource_id: str) -> Optional[dict[str, Any]]:
    with _engine().connect() as conn:
        row = conn.execute(sa.select(validation_table).where(
            validation_table.c.resource_id == resource_id)).mappings().first()
    return _stale(dict(row)) if row else None


def forget(resource_id: str) -> None:
    with _engine().begin() as conn:
        conn.execute(sa.delete(validation_table).where(
            validation_table.c.resource_id == resource_id))


def statuses_of(package_id: str) -> dict[str, dict[str, Any]]:
    """The validations of a dataset's resources, without their reports."""
    columns = [c for c in validation_table.c if c.name != "report"]
    with _engine().connect() as conn:
        rows = conn.execute(sa.select(*columns).where(
            validation_table.c.package_id == package_id)).mappings().all()
    return {row["resource_id"]: _stale(dict(row)) for row in rows}


def _is_upload(resource: dict[str, Any]) -> bool:
    return resource.get("url_type") == "upload"


def _size(resource: dict[str, Any]) -> Optional[int]:
    if _is_upload(resource):
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        return os.path.getsize(path) if os.path.exists(path) else None
    return None


def schedule(resource: dict[str, Any]) -> None:
    """Validate now (a small upload) or in the background (the rest)."""
    if not schema_of(resource):
        return
    size = _size(resource)
    if size is not None and size <= tk.config.get(
            "ckanext.opendatalocale.validation.synchronous_max_bytes"):
        run(resource["id"])
        return
    _save(resource["id"], resource["package_id"], status=RUNNING,
          schema_url=resource.get("schema"), created=_now(), finished=None, error=None)
    tk.enqueue_job(job, [resource["id"]], title=f"Validation SCDL {resource['id']}",
                   rq_kwargs={"timeout": tk.config.get(
                       "ckanext.opendatalocale.validation.timeout")})


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
    limit = tk.config.get("ckanext.opendatalocale.validation.max_download_bytes")
    suffix = os.path.splitext(resource.get("url", "").split("?")[0])[1][:8] or ".csv"
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out, requests.get(
                resource["url"], stream=True, timeout=(10, 60)) as response:
            response.raise_for_status()
            written = 0
            for chunk in response.iter_content(1 << 16):
                written += len(chunk)
                if written > limit:
                    raise _Unusable(file_message("too-large", str(limit // 1_000_000)))
                out.write(chunk)
        yield path
    except requests.RequestException as e:
        raise _Unusable(file_message("download", type(e).__name__)) from e
    finally:
        if os.path.exists(path):
            os.unlink(path)


class _Unusable(Exception):
    """The file cannot be checked: a French message for the report (the
    report's messages are the SCDL core's, written in French)."""


def _hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run(resource_id: str) -> Optional[str]:
    """Validate a resource now; the status reached (None: nothing to check)."""
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
            file_hash = _hash(path)
            previous = status_of(resource_id)
            if (previous and previous["file_hash"] == file_hash
                    and previous["schema_url"] == version.schema_url
                    and previous["status"] in (SUCCESS, FAILURE)):
                return previous["status"]  # unchanged file: nothing new to say
            _save(resource_id, package_id, status=RUNNING, schema_url=version.schema_url,
                  created=_now(), finished=None, error=None, report=None)
            report = validate_file(path, version.table_schema())
        status = SUCCESS if report.valid else FAILURE
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=file_hash, finished=_now(), report=report.as_dict(), error=None)
    except _Unusable as e:
        status = FAILURE
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), report=None, error=str(e))
    except Exception as e:  # a crash leaves the resource intact, with a status
        log.exception("Validation of resource %s failed", resource_id)
        status = ERROR
        _save(resource_id, package_id, status=status, schema_url=version.schema_url,
              file_hash=None, finished=_now(), report=None,
              error=file_message("crash", type(e).__name__))
    search.rebuild(package_id)
    return status
