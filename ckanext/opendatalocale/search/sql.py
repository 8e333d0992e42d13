"""The index tables as the query modules name them, and driver-level SQL.

The backend writes its SQL with positional ``%s`` parameters (psycopg2's
style) and runs it below SQLAlchemy: queries hold ``:`` and ``%`` that must
reach PostgreSQL as they are.
"""
from __future__ import annotations

from typing import Any

import ckan.model as model

__all__ = ["INDEX", "DOCUMENT", "FROM", "engine", "execute", "literal"]

INDEX = "opendatalocale_search_index"
DOCUMENT = "opendatalocale_search_document"
# the narrow table i, and the wide one d when a condition needs it (PostgreSQL
# removes a LEFT JOIN on a unique key when none of its columns is used)
FROM = f"{INDEX} i LEFT JOIN {DOCUMENT} d ON d.index_id = i.index_id"


def engine() -> Any:
    return model.meta.engine


def execute(conn: Any, sql: str, params: list[Any]) -> Any:
    """Run driver-level SQL with positional ``%s`` parameters (wrapped in a
    list so that a first parameter that is itself a list is not taken for
    many parameter sets)."""
    return conn.exec_driver_sql(sql, [tuple(params)])


def literal(text: str) -> str:
    """A SQL string literal, ``%`` doubled for the driver's placeholders."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"
