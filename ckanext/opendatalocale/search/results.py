"""The page of results: ranked ids from the narrow table, then the stored
fields Solr would return for them."""
from __future__ import annotations

from typing import Any

from .compiler import RANK_WEIGHTS
from .documents import COLUMN_FIELDS, presence_token
from .request import SearchRequest
from .solr_schema import ckan_schema
from .sort import order_by
from .sql import FROM, execute, literal

__all__ = ["CONSTANT_SCORE", "rank_sql", "page"]

CONSTANT_SCORE = "1.0::real"


def rank_sql(tsqueries: list[str]) -> str:
    """The score of a row for the text of ``q`` (a constant without text)."""
    if not tsqueries:
        return CONSTANT_SCORE
    # the tsqueries are PostgreSQL's own output: quote them as literals
    parts = [f"ts_rank('{RANK_WEIGHTS}', tsv, {literal(q)}::tsquery)"
             for q in tsqueries]
    return "(" + " + ".join(parts) + ")"


def page(conn: Any, where: Any, rank: str,
         request: SearchRequest) -> list[dict[str, Any]]:
    """The page in two steps: the ordered ids from the narrow table (the
    documents joined only if a condition or the order needs them), then
    the requested fields of just those rows."""
    order = order_by(request.sort, lambda field: _indexed(conn, field),
                     ranked=rank != CONSTANT_SCORE)
    ids = execute(conn,
                  f"SELECT i.index_id, {rank} AS score FROM {FROM} WHERE {where.sql} "
                  f"ORDER BY {order} LIMIT %s OFFSET %s",
                  where.params + [request.rows, request.start]).all()
    if not ids:
        return []
    wanted = request.fields
    every_field = "*" in wanted
    document = every_field or bool(wanted - set(COLUMN_FIELDS) - {"score", "index_id"})
    select = ", ".join(["i.index_id", *(f"i.{c}" for c in COLUMN_FIELDS)]
                       + (["d.doc", "d.data_dict", "d.validated_data_dict"]
                          if document else []))
    rows = {row["index_id"]: dict(row) for row in execute(
        conn, f"SELECT {select} FROM {FROM} WHERE i.index_id = ANY(%s)",
        [[index_id for index_id, _ in ids]]).mappings()}
    return [_result_doc(rows[index_id], score, wanted) for index_id, score in ids]


def _indexed(conn: Any, field: str) -> bool:
    """Whether any document has the field (a GIN lookup)."""
    return bool(execute(conn, "SELECT opendatalocale_search_has_field(%s)",
                        [presence_token(field)]).scalar())


def _result_doc(row: dict[str, Any], score: float, wanted: set[str]) -> dict[str, Any]:
    """The requested fields of a result, as Solr returns stored fields: a
    single value, or a list for a multi-valued field; missing fields left out."""
    schema = ckan_schema()
    doc = row.get("doc") or {}
    stored = {"data_dict": row.get("data_dict"),
              "validated_data_dict": row.get("validated_data_dict")}
    names = (set(doc) | set(stored)) if "*" in wanted else wanted
    out: dict[str, Any] = {}
    for name in names:
        if name == "score":
            out["score"] = float(score)
        elif name in stored:
            if stored[name] is not None:
                out[name] = stored[name]
        elif name in doc:
            values = doc[name]
            out[name] = values if schema.field(name).multivalued else values[0]
        elif name in COLUMN_FIELDS and row.get(name) is not None:
            out[name] = row[name]
        elif name == "index_id":
            out[name] = row["index_id"]
    return out
