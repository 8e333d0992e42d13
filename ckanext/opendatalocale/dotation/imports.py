"""An import of a national file: fetched (a URL, with a timeout and a size
limit) or read (a file on the server), cut by the core's ``split`` into one
extract per collectivité of the portal, then each extract written where it
belongs:

- **no dataset yet**: a *proposal* — a private dataset of the source's type
  under the collectivité's organisation, marked « données issues de … du …
  — à vérifier », its file checked like any other;
- **its dataset, rows unchanged**: nothing (no activity, no new version);
- **its dataset, rows changed, file still the one we wrote**: the file
  replaced (proposal or published alike);
- **its dataset, file replaced by the commune since**: never overwritten —
  the new rows go to a second proposal beside it (« nouvelles données »);
- **its dataset deleted by the commune**: proposed again only when the rows
  changed.

The whole national file is read and cut before anything is written: a wrong
file (format, column, encoding, truncated, too large, unreachable) changes
nothing. Each extract is then written and recorded on its own: an import
stopped half-way is resumed by running it again (what was written is found
unchanged). The same national file (SHA-256) as the last completed import of
the source writes nothing at all.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader

from ckanext.opendatalocale.digest import file_sha256
from ckanext.opendatalocale.generated import generated_upload
from ckanext.opendatalocale.fetch import Unfetchable, anywhere, download, is_public
from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.dotation import (DotationError, Extract, Source, sources,
                                                  split)
from ckanext.opendatalocale.scdl.wording import Message, msg, said_dict
from ckanext.opendatalocale.translation import render

from .model import extract_table, import_table

__all__ = ["all_sources", "source", "start", "run", "state_of", "targets", "recent",
           "work_folder", "OUTCOMES"]

log = logging.getLogger(__name__)

CONFIG = "ckanext.opendatalocale.dotation."
OUTCOMES = ("created", "updated", "unchanged", "proposed")
SPLIT_SHARE = 80          # % of the progress bar for reading the national file


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _option(name: str, default: Any) -> Any:
    return tk.config.get(CONFIG + name, default)


def all_sources() -> dict[str, Source]:
    """The shipped sources and the portal's own (``…dotation.sources``: folders)."""
    folders = tk.aslist(_option("sources", ""))
    return sources(*folders)


def source(source_id: str) -> Source:
    found = all_sources()
    if source_id not in found:
        raise tk.ObjectNotFound(tk._("Unknown source “{source}”. Known sources: {known}.")
                                .format(source=source_id, known=", ".join(sorted(found))))
    return found[source_id]


def work_folder() -> Path:
    """Where national files uploaded through the page wait for their job."""
    base = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    folder = Path(base) / "dotation"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- which collectivités the portal holds ------------------------------------------------

_COMMUNES = sa.text("""
SELECT t.code, t.name, t.status, t.merged_into FROM opendatalocale_territory t
WHERE t.level = 'commune' AND t.code <> ''
""")
_SIRENS = sa.text("""
SELECT g.id, g.name, e.value FROM group_extra e JOIN "group" g ON g.id = e.group_id
WHERE e.key = 'siren' AND e.state = 'active' AND e.value <> '' AND g.state = 'active'
  AND g.is_organization
""")
_BELOW = sa.text("""
WITH RECURSIVE down(id) AS (
    SELECT CAST(:root AS text)
    UNION
    SELECT t.id FROM opendatalocale_territory t JOIN down ON t.parent_id = down.id
)
SELECT t.name FROM down JOIN opendatalocale_territory t ON t.id = down.id
""")


def targets(src: Source, territory_id: Optional[str] = None) -> dict[str, str]:
    """Code → organisation name of the collectivités the portal holds (below
    ``territory_id`` and itself, when given): communes by their INSEE code
    (an absorbed commune's code to the commune nouvelle), organisations by
    their SIREN."""
    found: dict[str, str] = {}
    if src.code == "insee":
        rows = model.Session.execute(_COMMUNES).all()
        active = {name for _code, name, status, _m in rows if status == "active"}
        for code, name, status, merged_into in rows:
            if status == "active":
                found[code.upper()] = name
            elif merged_into in active:
                found.setdefault(code.upper(), merged_into)
    else:
        for _id, name, siren in model.Session.execute(_SIRENS).all():
            digits = "".join(c for c in siren if c.isdigit())
            if len(digits) == 9:
                found[digits] = name
    if territory_id is not None:
        wanted = set(model.Session.execute(_BELOW, {"root": territory_id}).scalars())
        found = {code: name for code, name in found.items() if name in wanted}
    return found


# -- an import's record -------------------------------------------------------------------

def _update(import_id: str, **values: Any) -> None:
    """Written and committed at once, on its own connection: the progress is
    seen by the page while the job works."""
    with model.meta.engine.begin() as connection:
        connection.execute(sa.update(import_table).where(import_table.c.id == import_id)
                           .values(**values))


def state_of(import_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(sa.select(import_table).where(
        import_table.c.id == import_id)).mappings().first()
    return dict(row) if row else None


def recent(limit: int = 20) -> list[dict[str, Any]]:
    rows = model.Session.execute(sa.select(import_table).order_by(
        import_table.c.created.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]


def start(source_id: str, location: str, user_id: Optional[str] = None,
          territory_id: Optional[str] = None, file_date: Optional[str] = None,
          queue: bool = True) -> str:
    """Record an import (the file at ``location``: a URL, or a path on the
    server) and queue it for the jobs worker; its id."""
    source(source_id)   # known, or ObjectNotFound
    import_id = str(uuid.uuid4())
    model.Session.execute(sa.insert(import_table).values(
        id=import_id, source=source_id, location=location, territory_id=territory_id,
        user_id=user_id, file_date=file_date or "", state="queued", progress=0))
    model.Session.commit()
    if queue:
        try:
            tk.enqueue_job(run, [import_id], title=f"Dotation {source_id}",
                           rq_kwargs={"timeout": int(_option("job_timeout", 7200))})
        except Exception as e:
            log.exception("Dotation import %s could not be queued", import_id)
            _fail(import_id, msg("The import could not be queued ({reason}): is the jobs "
                                 "worker's Redis running?", reason=type(e).__name__))
    return import_id


def _fail(import_id: str, message: Message) -> None:
    _update(import_id, state="failed", error=said_dict(message), finished=_now())


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _fetch(location: str, folder: str) -> str:
    path = os.path.join(folder, "national")
    private = tk.asbool(_option("allow_private_addresses", False))
    with open(path, "wb") as out:
        download(location, out, max_bytes=int(_option("max_bytes", 2_000_000_000)),
                 seconds=float(_option("timeout", 1800)),
                 allowed=anywhere if private else is_public)
    return path


def _local(location: str) -> str:
    path = Path(location)
    if not path.is_file():
        raise DotationError(msg("There is no file “{file}” on the server.", file=location))
    if path.stat().st_size > int(_option("max_bytes", 2_000_000_000)):
        raise DotationError(msg("The file is larger than the portal accepts ({size} MB at "
                                "most).", size=int(_option("max_bytes", 2_000_000_000))
                                // 1_000_000))
    return str(path)


def run(import_id: str, progress: Callable[[int], None] = lambda percent: None) -> dict:
    """The job: the import done now; its record."""
    state = state_of(import_id)
    if state is None:
        raise tk.ObjectNotFound(tk._("Unknown import."))
    _update(import_id, state="running", progress=0, error=None)
    folder = tempfile.mkdtemp(prefix="scdl-dotation-")
    try:
        src = source(state["source"])
        location = state["location"]
        path = _fetch(location, folder) if _is_url(location) else _local(location)
        file_date = state["file_date"] or (
            date.today().isoformat() if _is_url(location)
            else date.fromtimestamp(os.path.getmtime(path)).isoformat())
        sha = file_sha256(path)
        last = model.Session.execute(sa.select(import_table.c.id).where(
            import_table.c.source == src.id, import_table.c.state == "done",
            import_table.c.file_sha256 == sha, import_table.c.id != import_id,
            import_table.c.territory_id.is_not_distinct_from(state["territory_id"]))
            .limit(1)).scalar()
        model.Session.rollback()
        if last is not None:
            said = [said_dict(msg("The same file as the import of {date}: nothing to do.",
                                  date=_import_date(last)))]
            _update(import_id, state="done", progress=100, file_sha256=sha,
                    file_date=file_date, counts={"same_file": True}, said=said,
                    finished=_now())
            return state_of(import_id) or {}
        table_schema = catalogue().get(src.type).latest.table_schema()
        wanted = targets(src, state["territory_id"])

        def read(done: int, total: int) -> None:
            percent = int(SPLIT_SHARE * done / total) if total else SPLIT_SHARE
            _update(import_id, progress=percent)
            progress(percent)

        cut = split(path, src, table_schema, wanted, os.path.join(folder, "out"), read)
        counts = {**cut.as_dict(), **{o: 0 for o in OUTCOMES}}
        extracts = sorted(cut.extracts.values(), key=lambda e: e.organization)
        for n, extract in enumerate(extracts, start=1):
            outcome = write(src, extract, file_date, location, import_id)
            counts[outcome] += 1
            if n % 10 == 0 or n == len(extracts):
                percent = SPLIT_SHARE + int((100 - SPLIT_SHARE) * n / len(extracts))
                _update(import_id, progress=percent, counts=counts)
                progress(percent)
        said = [said_dict(m) for m in cut.messages()] + [said_dict(_outcomes(counts))]
        _update(import_id, state="done", progress=100, file_sha256=sha, file_date=file_date,
                counts=counts, said=said, finished=_now())
    except DotationError as e:
        _fail(import_id, e.message)
    except Unfetchable as e:
        _fail(import_id, e.message)
    except tk.ObjectNotFound:
        _fail(import_id, msg("Unknown source “{source}”.", source=state["source"]))
    except Exception as e:   # written so far stays; a rerun resumes
        log.exception("Dotation import %s failed", import_id)
        model.Session.rollback()
        _fail(import_id, msg("The import stopped ({reason}); what it wrote is kept, run it "
                             "again to finish.", reason=type(e).__name__))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _forget_upload(state["location"])
    return state_of(import_id) or {}


def _forget_upload(location: str) -> None:
    """A file sent through the page is removed once its import has run."""
    path = Path(location)
    try:
        if path.parent.parent == work_folder():
            shutil.rmtree(path.parent, ignore_errors=True)
    except OSError:
        pass


def _import_date(import_id: str) -> str:
    stamp = model.Session.execute(sa.select(import_table.c.finished).where(
        import_table.c.id == import_id)).scalar()
    model.Session.rollback()
    return stamp.date().isoformat() if stamp else ""


def _outcomes(counts: dict[str, Any]) -> Message:
    return msg("Datasets proposed: {created}; files updated: {updated}; new data proposed "
               "beside a file the collectivité replaced: {proposed}; unchanged: {unchanged}.",
               **{o: counts.get(o, 0) for o in OUTCOMES})


# -- one extract written --------------------------------------------------------------------

def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def _stored(src: Source, organization_id: str) -> dict[str, Any]:
    row = model.Session.execute(sa.select(extract_table).where(
        extract_table.c.source == src.id,
        extract_table.c.organization_id == organization_id)).mappings().first()
    return dict(row) if row else {}


def _save(src: Source, organization_id: str, **values: Any) -> None:
    values["modified"] = _now()
    statement = insert(extract_table).values(source=src.id, organization_id=organization_id,
                                             **values)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["source", "organization_id"], set_=values))
    model.Session.commit()


def _active(package_id: Optional[str]) -> Optional[model.Package]:
    package = model.Package.get(package_id) if package_id else None
    return package if package is not None and package.state == "active" else None


def _file_hash(resource: Optional[model.Resource]) -> Optional[str]:
    if resource is None or resource.url_type != "upload":
        return None
    path = uploader.get_resource_uploader({"id": resource.id, "url_type": "upload",
                                           "url": resource.url}).get_path(resource.id)
    return file_sha256(path) if os.path.exists(path) else None


def _shown_date(iso: str) -> str:
    """30/11/2026: the national file's date as the notes say it."""
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def provenance_text(src: Source, file_date: str, proposal: bool) -> str:
    """The note of a dataset a dotation wrote, in the portal's language."""
    title = src.title.get("fr") or src.id
    file_date = _shown_date(file_date)
    if proposal:
        return render(msg("Data from {source} of {date} — to be checked before publishing.",
                          source=title, date=file_date))
    return render(msg("Data from {source} of {date}.", source=title, date=file_date))


def _upload(extract: Extract, name: str) -> FileStorage:
    return FileStorage(stream=open(extract.path, "rb"), filename=name,
                       content_type="text/csv")


def _create(src: Source, organization: model.Group, extract: Extract, file_date: str,
            beside: bool = False) -> tuple[str, str]:
    """A new proposal: (dataset id, resource id)."""
    context = _site_context()
    entry = catalogue().get(src.type)
    type_title = entry.title.get("fr") or entry.slug
    name = f"{src.id}-{organization.name}" + ("-nouvelles-donnees" if beside else "")
    name = name[:100]
    existing = model.Package.get(name)
    if existing is not None and existing.state == "deleted":
        tk.get_action("dataset_purge")(dict(context), {"id": existing.id})
    elif existing is not None:
        name = f"{name[:91]}-{uuid.uuid4().hex[:8]}"
    title = render(msg("{type} — {collectivite}", type=type_title,
                       collectivite=organization.title or organization.name))
    if beside:
        title = render(msg("{title} (new data to check)", title=title))
    dataset = tk.get_action("package_create")(dict(context), {
        "type": src.type, "name": name, "owner_org": organization.id, "private": True,
        "title": title, "notes": provenance_text(src, file_date, proposal=True),
        "url": src.page, "tag_string": "socle commun,dotation"})
    upload = _upload(extract, f"{src.id}-{organization.name}.csv")
    try:
        with generated_upload(extract.path):
            resource = tk.get_action("resource_create")(dict(context), {
                "package_id": dataset["id"], "format": "CSV", "upload": upload,
                "name": f"{type_title}.csv",
                "description": provenance_text(src, file_date, proposal=False)})
    finally:
        upload.stream.close()
    return dataset["id"], resource["id"]


def _replace(src: Source, resource_id: str, extract: Extract, file_date: str,
             organization: model.Group) -> None:
    upload = _upload(extract, f"{src.id}-{organization.name}.csv")
    try:
        with generated_upload(extract.path):
            tk.get_action("resource_patch")(_site_context(), {
                "id": resource_id, "upload": upload, "format": "CSV",
                "description": provenance_text(src, file_date, proposal=False)})
    finally:
        upload.stream.close()


def write(src: Source, extract: Extract, file_date: str, location: str,
          import_id: str) -> str:
    """One collectivité's extract where it belongs; the outcome (OUTCOMES)."""
    organization = model.Group.get(extract.organization)
    if organization is None:
        return "unchanged"
    stored = _stored(src, organization.id)
    record = {"file_date": file_date, "location": location, "import_id": import_id}
    package = _active(stored.get("package_id"))
    if package is None:
        if stored.get("package_id") and stored.get("rows_sha256") == extract.sha256:
            return "unchanged"     # deleted by the collectivité, nothing new to propose
        package_id, resource_id = _create(src, organization, extract, file_date)
        _save(src, organization.id, package_id=package_id, resource_id=resource_id,
              rows_sha256=extract.sha256, rows=extract.rows, proposal_package_id=None,
              proposal_sha256=None, **record)
        return "created"
    resource = model.Resource.get(stored.get("resource_id") or "")
    if resource is None or resource.state != "active" or resource.package_id != package.id:
        resource = next((r for r in package.resources if r.state == "active"), None)
    if stored.get("rows_sha256") == extract.sha256:
        return "unchanged"
    if resource is not None and _file_hash(resource) == stored.get("rows_sha256"):
        _replace(src, resource.id, extract, file_date, organization)
        _save(src, organization.id, resource_id=resource.id, rows_sha256=extract.sha256,
              rows=extract.rows, **record)
        return "updated"
    # the collectivité replaced the file: the new rows beside it, never over it
    beside = _active(stored.get("proposal_package_id"))
    if beside is not None and stored.get("proposal_sha256") == extract.sha256:
        return "unchanged"
    if beside is not None:
        first = next((r for r in beside.resources if r.state == "active"), None)
        if first is not None:
            _replace(src, first.id, extract, file_date, organization)
            _save(src, organization.id, proposal_sha256=extract.sha256, **record)
            return "proposed"
    proposal_id, _resource_id = _create(src, organization, extract, file_date, beside=True)
    _save(src, organization.id, proposal_package_id=proposal_id,
          proposal_sha256=extract.sha256, **record)
    return "proposed"
