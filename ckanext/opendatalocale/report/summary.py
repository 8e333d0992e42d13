"""Keeping the observatoire's summary (``model.dataset_table``) in step with
the datasets, in the transaction of each change.

A dataset has a row when it is public, active, of an SCDL type and owned by
an organisation; otherwise none. The row's conformity is the validation
plugin's word for the dataset's SCDL files (its ``scdl_conformity`` helper,
the core's rule ``scdl.status.conformity`` over the ``validation_status``
that plugin adds to each resource ``package_show`` returns): no other
plugin's module or table is read.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue

from .model import dataset_table

__all__ = ["counted", "row_of", "refresh", "forget_many", "publish_many", "rebuild"]

Connection = Any  # a SQLAlchemy connection or session: anything with execute()


def _scdl_types() -> set[str]:
    return set(catalogue().slugs)


def _consolidation(package_id: Optional[str]) -> bool:
    """A territory's consolidation of its communes' files (the consolidation
    plugin's word) is not a publication of its own."""
    return bool(package_id and "scdl_consolidation_of" in tk.h
                and tk.h.scdl_consolidation_of(package_id))


def counted(dataset_type: Optional[str], private: Any, state: Optional[str],
            owner_org: Optional[str]) -> bool:
    """Whether a dataset counts in the observatoire (the rows an anonymous
    ``package_search`` finds, of an SCDL type, with a publisher)."""
    return (dataset_type in _scdl_types() and not tk.asbool(private)
            and state == "active" and bool(owner_org))


def _modified(value: Any) -> datetime:
    """CKAN's ``metadata_modified``: naive UTC, as a string or a datetime."""
    stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def _frequency(dataset: dict[str, Any]) -> Optional[str]:
    """The declared frequency: a scheming field, or a plain extra."""
    if dataset.get("frequency"):
        return dataset["frequency"]
    extras = {e.get("key"): e.get("value") for e in dataset.get("extras") or []}
    return extras.get("frequency") or None


def row_of(dataset: dict[str, Any], statuses: Optional[dict[str, Optional[str]]] = None
           ) -> Optional[dict[str, Any]]:
    """The summary row of a dataset (a ``package_show`` dict), None when it
    does not count. ``statuses``: validation statuses by resource id that
    replace those of the dict (a status being written)."""
    if not counted(dataset.get("type"), dataset.get("private"), dataset.get("state"),
                   dataset.get("owner_org")) or _consolidation(dataset.get("id")):
        return None
    resources = [dict(r, validation_status=statuses[r["id"]])
                 if statuses and r.get("id") in statuses else r
                 for r in dataset.get("resources") or []]
    # the validation plugin's port (no validation plugin: nothing is checked)
    conformity = tk.h.scdl_conformity(resources) if "scdl_conformity" in tk.h else None
    return {"package_id": dataset["id"], "name": dataset["name"],
            "owner_org": dataset["owner_org"], "dataset_type": dataset["type"],
            "conformity": conformity,
            "metadata_modified": _modified(dataset["metadata_modified"]),
            "frequency": _frequency(dataset)}


def _write(connection: Connection, package_id: str, row: Optional[dict[str, Any]]) -> None:
    if row is None:
        connection.execute(sa.delete(dataset_table).where(
            dataset_table.c.package_id == package_id))
        return
    statement = insert(dataset_table).values(**row)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["package_id"],
        set_={k: statement.excluded[k] for k in row if k != "package_id"}))


def _show(package_id: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action("package_show")(
            {"ignore_auth": True, "use_cache": False}, {"id": package_id})
    except tk.ObjectNotFound:
        return None


def refresh(package_id: str, connection: Optional[Connection] = None,
            statuses: Optional[dict[str, Optional[str]]] = None,
            private: Optional[bool] = None) -> None:
    """Write a dataset's row as it is now (or remove it), through
    ``connection`` (default: CKAN's session, i.e. the action's transaction).
    Reads the dataset with ``package_show`` only when it may count.
    ``private``: its visibility about to be written."""
    connection = connection if connection is not None else model.Session
    package = model.Package.get(package_id)
    if package is None or not counted(
            package.type, package.private if private is None else private, package.state,
            package.owner_org) or _consolidation(package.id):
        _write(connection, package.id if package else package_id, None)
        return
    dataset = _show(package.id)
    if dataset is not None and private is not None:
        dataset["private"] = private
    _write(connection, package.id, row_of(dataset, statuses) if dataset else None)


def forget_many(package_ids: Iterable[str], owner_org: Optional[str] = None) -> None:
    """Rows of datasets made private or deleted in bulk (of one organisation)."""
    query = sa.delete(dataset_table).where(dataset_table.c.package_id.in_(list(package_ids)))
    if owner_org is not None:
        query = query.where(dataset_table.c.owner_org == owner_org)
    model.Session.execute(query)


def publish_many(package_ids: Iterable[str], owner_org: Optional[str]) -> None:
    """Datasets of an organisation about to be made public in bulk."""
    for package_id in package_ids:
        package = model.Package.get(package_id)
        if package is not None and package.owner_org == owner_org:
            refresh(package.id, private=False)


def _scdl_dataset_ids() -> Iterator[str]:
    query = sa.select(model.package_table.c.id).where(
        model.package_table.c.type.in_(sorted(_scdl_types())),
        model.package_table.c.state == "active").order_by(model.package_table.c.id)
    for (package_id,) in model.Session.execute(query).all():
        yield package_id


def rebuild(batch: int = 500, progress=None) -> int:
    """Every row written again from the datasets (a portal that had datasets
    before the plugin's migration); committed every ``batch`` datasets. The
    number of rows."""
    model.Session.execute(sa.delete(dataset_table).where(
        ~dataset_table.c.package_id.in_(sa.select(model.package_table.c.id).where(
            model.package_table.c.type.in_(sorted(_scdl_types())),
            model.package_table.c.state == "active"))))
    done = 0
    for done, package_id in enumerate(_scdl_dataset_ids(), 1):
        refresh(package_id)
        if done % batch == 0:
            model.Session.commit()
            if progress:
                progress(done)
    model.Session.commit()
    return model.Session.execute(sa.select(sa.func.count()).select_from(dataset_table)).scalar()
