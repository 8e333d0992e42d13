"""Loading a conformant SCDL file into CKAN's DataStore, by the jobs worker.

When a file's check says it is conformant (the validation's status signal,
with the checked file's hash), a job reads that file and fills the
resource's DataStore table with the schema's typed columns (the core's
``tables``) by one ``COPY``:

- a file already loaded (same content hash) is not loaded again;
- a replaced file replaces its table's rows in one transaction: readers see
  the old rows until the new ones are all there, and a failed load keeps
  them; a new schema version (other columns or types) makes a new table;
- a file that is no longer conformant keeps its last conformant table,
  marked so (``current`` false) until a conformant file replaces it;
- a deleted resource's table is dropped by CKAN's datastore plugin itself.

The job's state (``opendatalocale_table``) says what the page shows: loading,
loaded (rows, when), or failed and why, the previous table kept. Nothing here
goes through ``resource_patch``: no new ``metadata_modified``; the one
activity is CKAN's own record of the preview's creation, the first time.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.fetch import Unfetchable, anywhere, download, is_public
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl import tables
from ckanext.opendatalocale.scdl.wording import Said, msg, said_dict, said_from

from .model import FAILED, LOADED, LOADING, table_table

__all__ = ["follow_validation", "job", "load", "state_of", "forget", "schedule"]

log = logging.getLogger(__name__)

SUCCESS, FAILURE, ERROR = "success", "failure", "error"   # the validation's statuses
_VALIDATION = "ckanext.opendatalocale.validation."
JOB_SECONDS = 3600


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _save(resource_id: str, package_id: str, connection: Any = None, **values: Any) -> None:
    if "error" in values and values["error"] is not None:
        values["error"] = json.dumps(said_dict(values["error"]), ensure_ascii=False)
    row = {"resource_id": resource_id, "package_id": package_id, "modified": _now(),
           **values}
    statement = insert(table_table).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["resource_id"],
        set_={k: statement.excluded[k] for k in row if k != "resource_id"})
    if connection is not None:
        connection.execute(statement)
        return
    with model.meta.engine.begin() as conn:
        conn.execute(statement)


def state_of(resource_id: str) -> Optional[dict[str, Any]]:
    """The resource's table as last loaded (None: never loaded)."""
    with model.meta.engine.connect() as conn:
        row = conn.execute(sa.select(table_table).where(
            table_table.c.resource_id == resource_id)).mappings().first()
    if row is None:
        return None
    state = dict(row)
    stored = state.get("error")
    state["error"] = said_from(json.loads(stored)) if stored else None
    return state


def forget(resource_id: str) -> None:
    with model.meta.engine.begin() as conn:
        conn.execute(sa.delete(table_table).where(table_table.c.resource_id == resource_id))


def follow_validation(package_id: str, resource_id: str, status: Optional[str],
                      connection: Any, file_hash: Optional[str] = None, **_: Any) -> None:
    """Receiver of the validation's status signal, in its transaction: a
    conformant file is queued for loading; a table whose file is no longer
    conformant (or no longer checked) stays, marked as an older file's."""
    if status == SUCCESS and file_hash:
        schedule(resource_id, package_id, file_hash, connection)
    elif status in (FAILURE, ERROR, None):
        connection.execute(sa.update(table_table).where(
            table_table.c.resource_id == resource_id).values(current=False, modified=_now()))


def schedule(resource_id: str, package_id: str, file_hash: Optional[str],
             connection: Any = None, again: bool = False) -> None:
    """The file queued for the jobs worker (Redis down: said on the page,
    the check and the upload themselves unharmed). ``again``: even when
    this very file is said to be the table already."""
    previous = state_of(resource_id)
    if (not again and previous and previous["state"] == LOADED and previous["current"]
            and file_hash and previous["file_hash"] == file_hash):
        return   # this very file is the table already
    try:
        tk.enqueue_job(job, [resource_id, file_hash], title=f"Table SCDL {resource_id}",
                       rq_kwargs={"timeout": JOB_SECONDS})
    except Exception as e:
        log.exception("Loading of %s into the DataStore could not be queued", resource_id)
        _save(resource_id, package_id, connection, state=FAILED,
              error=msg("the loading could not be queued ({reason})",
                        reason=type(e).__name__))
        return
    _save(resource_id, package_id, connection, state=LOADING, error=None)


def job(resource_id: str, file_hash: Optional[str] = None) -> None:
    load(resource_id, file_hash)


@contextmanager
def _local_file(resource: dict[str, Any]) -> Iterator[str]:
    """The resource's file: the upload itself, or the linked file
    downloaded as its check downloads it (public addresses, its limits)."""
    if resource.get("url_type") == "upload":
        yield uploader.get_resource_uploader(resource).get_path(resource["id"])
        return
    config = tk.config
    private = tk.asbool(config.get(_VALIDATION + "allow_private_addresses", False))
    handle, path = tempfile.mkstemp(prefix="scdl-table-")
    try:
        with os.fdopen(handle, "wb") as out:
            download(resource["url"], out,
                     max_bytes=int(config.get(_VALIDATION + "max_download_bytes", 500_000_000)),
                     seconds=int(config.get(_VALIDATION + "timeout", 3600)),
                     allowed=anywhere if private else is_public)
        yield path
    finally:
        os.unlink(path)


def load(resource_id: str, file_hash: Optional[str] = None) -> Optional[str]:
    """Load the resource's conformant file into its table; the state reached
    (None: nothing to load). ``file_hash``: the file its check found
    conformant (a file replaced since is left to its own check)."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        forget(resource_id)
        return None
    resolved = catalogue().resolve_url(resource.get("schema") or "")
    if not resolved:
        return None
    table_schema = resolved[1].table_schema()
    package_id = resource["package_id"]
    previous = state_of(resource_id)
    try:
        with _local_file(resource) as path:
            if not os.path.exists(path):
                raise _Failed(msg("the file is missing from the portal's storage"))
            digest = file_sha256(path)
            if file_hash and digest != file_hash:
                # replaced since its check: the new file's own check decides
                _restore(resource_id, package_id, previous)
                return previous["state"] if previous else None
            if (previous and previous["state"] in (LOADED, LOADING)
                    and previous["file_hash"] == digest and _table_exists(resource_id)):
                _save(resource_id, package_id, state=LOADED, current=True, error=None)
                return LOADED
            _save(resource_id, package_id, state=LOADING, error=None)
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as rows:
                try:
                    count = tables.write_copy_csv(path, table_schema, rows)
                except tables.NotATable as e:
                    raise _Failed(msg("the file could not be read as a table")) from e
                rows.seek(0)
                _fill(resource_id, table_schema, rows)
    except Unfetchable as e:
        return _failed(resource_id, package_id, e.message)
    except _Failed as e:
        return _failed(resource_id, package_id, e.message)
    except Exception as e:   # the DataStore down, a bug: the previous table stays
        log.exception("Loading of resource %s into the DataStore failed", resource_id)
        return _failed(resource_id, package_id,
                       msg("the DataStore could not be written ({reason})",
                           reason=type(e).__name__))
    _add_views(resource_id)
    _save(resource_id, package_id, state=LOADED, file_hash=digest,
          schema_url=resolved[1].schema_url, rows=count, loaded=_now(), current=True,
          error=None)
    return LOADED


class _Failed(Exception):
    def __init__(self, message: Said):
        super().__init__(str(message))
        self.message = message


def _failed(resource_id: str, package_id: str, message: Said) -> str:
    _save(resource_id, package_id, state=FAILED, error=message)
    return FAILED


def _restore(resource_id: str, package_id: str, previous: Optional[dict[str, Any]]) -> None:
    if previous is None:
        forget(resource_id)
    elif previous["state"] == LOADING:
        _save(resource_id, package_id, state=LOADED if previous["loaded"] else FAILED,
              error=previous["error"])


def _write_engine():
    from ckanext.datastore.backend.postgres import get_write_engine
    return get_write_engine()


def _table_exists(resource_id: str) -> bool:
    with _write_engine().connect() as conn:
        return conn.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"),
                            {"name": f'public."{resource_id}"'}).scalar()


def _existing_columns(resource_id: str) -> Optional[list[tuple[str, str]]]:
    """The table's own columns and their types (None: no table)."""
    if not _table_exists(resource_id):
        return None
    with _write_engine().connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(:name) AND a.attnum > 0 "
            "AND NOT a.attisdropped AND a.attname NOT LIKE '\\_%' ORDER BY a.attnum"),
            {"name": f'public."{resource_id}"'}).all()
    return [(name, kind) for name, kind in rows]


# PostgreSQL's own names for the DataStore's types (format_type)
_FORMAT_TYPES = {"text": "text", "int8": "bigint", "int4": "integer", "numeric": "numeric",
                 "bool": "boolean", "date": "date",
                 "timestamp": "timestamp without time zone",
                 "time": "time without time zone"}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fill(resource_id: str, table_schema: dict[str, Any], rows: Any) -> None:
    """The table made (or remade, for other columns) and its rows replaced
    by ``rows`` (COPY's CSV) in one transaction."""
    fields = tables.datastore_fields(table_schema)
    wanted = [(f["id"], _FORMAT_TYPES[f["type"]]) for f in fields]
    existing = _existing_columns(resource_id)
    context = {"ignore_auth": True, "user": ""}
    if existing != wanted:
        if existing is not None:
            tk.get_action("datastore_delete")(dict(context), {"resource_id": resource_id,
                                                              "force": True})
        tk.get_action("datastore_create")(dict(context), {
            "resource_id": resource_id, "fields": fields, "force": True})
    table = _quoted(resource_id)
    names = ", ".join(_quoted(f["id"]) for f in fields)
    text = ", ".join(f"{_quoted(f['id'])}::text" for f in fields)
    raw = _write_engine().raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
                       "WHERE schemaname = 'public' AND tablename = %s "
                       "AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'", (resource_id,))
        indexes = cursor.fetchall()
        cursor.execute(f"TRUNCATE {table}")
        for name, _definition in indexes:   # rebuilt once, after the rows
            cursor.execute(f"DROP INDEX {_quoted(name)}")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER zfulltext")
        # COPY into a temporary table, then each row written once with its
        # text search column (as the DataStore's trigger would fill it):
        # faster than COPY then UPDATE, which writes every row twice
        cursor.execute(f"CREATE TEMP TABLE scdl_rows ON COMMIT DROP AS "
                       f"SELECT {names} FROM {table} WITH NO DATA")
        cursor.copy_expert(f"COPY scdl_rows ({names}) FROM STDIN WITH (FORMAT csv)", rows)
        cursor.execute(f"INSERT INTO {table} ({names}, _full_text) "
                       f"SELECT {names}, to_tsvector(%s, concat_ws(' ', {text})) FROM scdl_rows",
                       (tk.config.get("ckan.datastore.default_fts_lang") or "english",))
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER zfulltext")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")   # fresh statistics for the planner
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()


def _add_views(resource_id: str) -> None:
    """The DataStore's views (the table preview) the portal adds by default."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        # the site's user: CKAN records a new view as an activity of someone
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        tk.get_action("resource_create_default_resource_views")(
            {"ignore_auth": True, "user": site_user},
            {"resource": resource, "create_datastore_views": True})
    except Exception:
        log.exception("Default views of %s could not be created", resource_id)
