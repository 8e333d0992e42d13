"""A Solr-compatible search connection over PostgreSQL.

CKAN talks to Solr through one function, ``ckan.lib.search.common.make_connection``,
and the pysolr connection it returns: ``add``, ``delete``, ``commit`` and
``search`` with Solr's request parameters. :class:`PostgresSolr` answers that
same protocol from the ``opendatalocale_search_index`` table, so CKAN's own
``PackageSearchIndex.index_package`` (with every plugin's
``before_dataset_index``) and ``PackageSearchQuery.run`` (with permission
labels) stay unchanged, as do the extensions that call them directly.

Writes commit on their own, as Solr does, with ``synchronous_commit`` off: the
index is derived data that ``ckan search-index rebuild`` can always restore.
Reads run in one REPEATABLE READ snapshot, so a count, its facets and its page
always describe the same state, and cached facet counts are keyed by that
state's generation (bumped by a trigger on every change): a cached count is
never stale.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any, Iterable, Optional

import psycopg2.extras

from ckan.common import config
from ckan.lib.search.common import SearchIndexError, SearchQueryError
import ckan.model as model

from . import lucene
from .compiler import (RANK_WEIGHTS, TEXT_CONFIG, Compiled, Compiler,
                       text_terms)
from .documents import build_row
from .solr_schema import DATE, NUMBER, TEXT, NGRAM, ckan_schema

__all__ = ["PostgresSolr", "Results", "SUPPORTED_PARAMS"]

log = logging.getLogger(__name__)

TABLE = "opendatalocale_search_index"
MAX_Q_LENGTH = 2000
_MAX_TEXT = 500_000  # characters of a text blob fed to to_tsvector (1 MB limit)

# Solr request parameters this backend understands. ``tie`` and ``^`` boosts
# only tune ranking; ``fq_list`` is merged into ``fq`` by CKAN before the call.
SUPPORTED_PARAMS = {
    "q", "fq", "fl", "rows", "start", "sort", "wt", "facet", "facet.field",
    "facet.limit", "facet.mincount", "defType", "qf", "mm", "tie", "df", "q.op",
    "fq_list",
}

_SORT_ITEM = re.compile(r"^([A-Za-z0-9_.\-]+)\s+(asc|desc)$", re.IGNORECASE)
_COLUMNS = {"id", "name", "data_dict", "validated_data_dict", "index_id"}


class Results:
    """The part of ``pysolr.Results`` that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int,
                 facets: dict[str, list[Any]]):
        self.docs = docs
        self.hits = hits
        self.facets = {"facet_fields": facets}

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


def _engine():
    return model.meta.engine


class PostgresSolr:
    """What ``make_connection()`` returns while ``opendatalocale_search`` is on."""

    url = "postgresql (opendatalocale_search)"

    # -- index side ---------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **kwargs: Any) -> None:
        rows = [build_row(doc) for doc in docs]
        if not rows:
            return
        values = [(
            r.index_id, r.id, r.site_id, r.name, r.title_sort,
            r.metadata_modified, r.metadata_created, json.dumps(r.doc), r.tokens,
            r.text_a[:_MAX_TEXT], r.text_b[:_MAX_TEXT], r.text_c[:_MAX_TEXT],
            r.text_d[:_MAX_TEXT], r.data_dict, r.validated_data_dict,
        ) for r in rows]
        weight = f"setweight(to_tsvector('{TEXT_CONFIG}', %s), '{{}}')"
        template = (
            "(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::text[], "
            + " || ".join(weight.format(w) for w in "ABCD")
            + ", %s, %s, now())")
        sql = (
            f"INSERT INTO {TABLE} (index_id, id, site_id, name, title_sort, "
            "metadata_modified, metadata_created, doc, tokens, tsv, data_dict, "
            "validated_data_dict, indexed_at) VALUES %s "
            "ON CONFLICT (index_id) DO UPDATE SET id = EXCLUDED.id, "
            "site_id = EXCLUDED.site_id, name = EXCLUDED.name, "
            "title_sort = EXCLUDED.title_sort, "
            "metadata_modified = EXCLUDED.metadata_modified, "
            "metadata_created = EXCLUDED.metadata_created, doc = EXCLUDED.doc, "
            "tokens = EXCLUDED.tokens, tsv = EXCLUDED.tsv, "
            "data_dict = EXCLUDED.data_dict, "
            "validated_data_dict = EXCLUDED.validated_data_dict, indexed_at = now()")
        try:
            with _engine().begin() as conn:
                cursor = conn.connection.cursor()
                cursor.execute("SET LOCAL synchronous_commit = off")
                psycopg2.extras.execute_values(cursor, sql, values, template=template)
        except Exception as e:  # CKAN re-raises only SearchIndexError on commit
            raise SearchIndexError(f"PostgreSQL search index write failed: {e}") from e

    def delete(self, id: Optional[Any] = None, q: Optional[str] = None,
               commit: bool = True, **kwargs: Any) -> None:
        try:
            with _engine().begin() as conn:
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                if id is not None:
                    ids = list(id) if isinstance(id, (list, tuple, set)) else [id]
                    _execute(conn, f"DELETE FROM {TABLE} WHERE index_id = ANY(%s)", [ids])
                if q is not None:
                    where = self._where(conn, [lucene.parse(q)])
                    _execute(conn, f"DELETE FROM {TABLE} WHERE {where.sql}",
                             where.params)
        except lucene.QuerySyntaxError as e:
            raise SearchIndexError(f"Invalid delete query {q!r}: {e}") from e
        except SearchIndexError:
            raise
        except Exception as e:
            raise SearchIndexError(f"PostgreSQL search index delete failed: {e}") from e

    def commit(self, *args: Any, **kwargs: Any) -> None:
        """Every write is already committed."""

    def optimize(self, *args: Any, **kwargs: Any) -> None:
        with _engine().connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f"VACUUM ANALYZE {TABLE}")

    # -- query side ---------------------------------------------------------
    def search(self, q: Optional[str] = None, **params: Any) -> Results:
        request = _Request(q, params)
        with _engine().connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                state = conn.exec_driver_sql("SELECT epoch, generation FROM opendatalocale_search_state"
                ).first()
                compiler = self._compiler(conn, [request.query] + request.filters)
                query = compiler.compile(request.query)
                rank = _rank_sql(compiler.rank_queries)  # from q only, as Solr scores
                where = Compiled.join(
                    [query] + [compiler.compile(n) for n in request.filters], "AND")
                count, facets = self._aggregates(conn, where, request, state)
                docs = self._page(conn, where, rank, request) if request.rows else []
        return Results(docs, count, facets)

    def _compiler(self, conn, nodes: list[lucene.Node]) -> Compiler:
        schema = ckan_schema()
        wanted = sorted(set().union(*(text_terms(n, schema) for n in nodes)))
        tsqueries: dict[tuple[str, str], str] = {}
        if wanted:
            selects = ", ".join(
                f"{'phraseto_tsquery' if kind == 'phrase' else 'plainto_tsquery'}"
                f"('{TEXT_CONFIG}', %s)::text" for kind, _ in wanted)
            row = _execute(conn, f"SELECT {selects}", [v for _, v in wanted]).first()
            tsqueries = dict(zip(wanted, row))
        return Compiler(schema, tsqueries)

    def _where(self, conn, nodes: list[lucene.Node]) -> Compiled:
        compiler = self._compiler(conn, nodes)
        return Compiled.join([compiler.compile(n) for n in nodes], "AND")

    def _aggregates(self, conn, where: Compiled, request: "_Request",
                    state) -> tuple[int, dict[str, list[Any]]]:
        from . import cache
        key = None
        if state is not None:
            key = cache.key(state.epoch, state.generation, where.sql,
                            where.params, request.facet_fields, request.facet_limit,
                            request.facet_mincount)
            cached = cache.get(key)
            if cached is not None:
                return cached["count"], cached["facets"]
        count = _execute(conn, f"SELECT count(*) FROM {TABLE} WHERE {where.sql}",
                         where.params).scalar()
        facets = self._facets(conn, where, request) if request.facet_fields else {}
        if key is not None and count >= cache.min_count():
            cache.put(key, {"count": count, "facets": facets})
        return count, facets

    def _facets(self, conn, where: Compiled, request: "_Request") -> dict[str, list]:
        fields = request.facet_fields
        if request.facet_mincount > 0:
            counted = (f"SELECT f, v, count(*) AS c FROM {TABLE} i "
                       "CROSS JOIN LATERAL unnest(%s::text[]) AS f "
                       "CROSS JOIN LATERAL (SELECT DISTINCT x FROM "
                       "jsonb_array_elements_text(i.doc -> f) AS x) AS vals(v) "
                       f"WHERE {where.sql} GROUP BY f, v")
        else:  # facet.mincount=0: values of every document, counted in the result
            counted = (f"SELECT f, v, count(*) FILTER (WHERE {where.sql}) AS c "
                       f"FROM {TABLE} i CROSS JOIN LATERAL unnest(%s::text[]) AS f "
                       "CROSS JOIN LATERAL (SELECT DISTINCT x FROM "
                       "jsonb_array_elements_text(i.doc -> f) AS x) AS vals(v) "
                       "GROUP BY f, v")
        params = ([fields] + where.params if request.facet_mincount > 0
                  else where.params + [fields])
        sql = (f"SELECT f, v, c FROM (SELECT f, v, c, row_number() OVER "
               f"(PARTITION BY f ORDER BY c DESC, v COLLATE \"C\") AS r "
               f"FROM ({counted}) counted WHERE c >= %s) ranked "
               "WHERE %s < 0 OR r <= %s ORDER BY f, r")
        params += [max(request.facet_mincount, 0), request.facet_limit,
                   request.facet_limit]
        facets: dict[str, list[Any]] = {f: [] for f in fields}
        for f, v, c in _execute(conn, sql, params):
            facets[f].extend([v, c])
        return facets

    def _page(self, conn, where: Compiled, rank: str,
              request: "_Request") -> list[dict[str, Any]]:
        order = request.order_by()
        wanted = request.fields
        picked = _COLUMNS if "*" in wanted else _COLUMNS & wanted
        columns = ["index_id"] + sorted(picked - {"index_id"})
        needs_doc = "*" in wanted or bool(wanted - _COLUMNS - {"score"})
        select = ", ".join(columns + (["doc"] if needs_doc else [])
                           + [f"{rank} AS score"])
        sql = (f"SELECT {select} FROM {TABLE} WHERE {where.sql} "
               f"ORDER BY {order} LIMIT %s OFFSET %s")
        rows = _execute(conn, sql, where.params + [request.rows, request.start]).mappings()
        return [_result_doc(dict(row), wanted) for row in rows]


def _execute(conn, sql: str, params: list):
    """Run driver-level SQL with positional ``%s`` parameters (wrapped in a
    list so that a first parameter that is itself a list is not taken for
    many parameter sets)."""
    return conn.exec_driver_sql(sql, [tuple(params)])


def _rank_sql(tsqueries: list[str]) -> str:
    if not tsqueries:
        return "1.0::real"
    # the tsqueries are PostgreSQL's own output: quote them as literals
    parts = [f"ts_rank('{RANK_WEIGHTS}', tsv, {_literal(q)}::tsquery)"
             for q in tsqueries]
    return "(" + " + ".join(parts) + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _result_doc(row: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    schema = ckan_schema()
    out: dict[str, Any] = {}
    doc = row.get("doc") or {}
    names = (set(doc) | _COLUMNS | {"score"}) if "*" in wanted else wanted
    for name in names:
        if name in _COLUMNS and name in row and name != "index_id":
            if row[name] is not None:
                out[name] = row[name]
        elif name == "score":
            out["score"] = float(row["score"])
        elif name in doc:
            values = doc[name]
            out[name] = values if schema.field(name).multivalued else values[0]
        elif name == "index_id":
            out[name] = row["index_id"]
    if "*" in wanted:
        out.pop("score", None)
    return out


class _Request:
    """Solr request parameters, checked and normalised."""

    def __init__(self, q: Optional[str], params: dict[str, Any]):
        unknown = set(params) - SUPPORTED_PARAMS
        if unknown:
            raise SearchQueryError(
                "Unsupported search parameters for the PostgreSQL search backend: "
                + ", ".join(sorted(unknown)))
        if params.get("wt", "json") not in ("json", "python"):
            raise SearchQueryError("Only wt=json is supported")
        q = q if q is not None else params.get("q")
        q = "*:*" if q is None or not str(q).strip() else str(q)
        if len(q) > MAX_Q_LENGTH:
            raise SearchQueryError(
                f"The query is too long ({len(q)} characters, at most {MAX_Q_LENGTH})")
        self.q_op = str(params.get("q.op", "OR")).upper()
        if self.q_op not in ("AND", "OR"):
            raise SearchQueryError(f"Invalid q.op {self.q_op!r}: use AND or OR")
        self.sort = params.get("sort")
        self.rows = _int(params.get("rows", 10), "rows")
        self.start = _int(params.get("start", 0), "start")
        if self.rows < 0 or self.start < 0:
            raise SearchQueryError("rows and start must not be negative")
        fl = params.get("fl") or "*"
        if isinstance(fl, (list, tuple)):
            fl = " ".join(fl)
        self.fields = {f for f in re.split(r"[\s,]+", fl) if f}
        self.facet_fields: list[str] = []
        if str(params.get("facet", "false")).lower() in ("true", "on", "1"):
            ff = params.get("facet.field") or []
            ff = [ff] if isinstance(ff, str) else list(ff)
            for name in ff:
                self._check_facet_field(name)
            self.facet_fields = list(dict.fromkeys(ff))
        self.facet_limit = _int(params.get("facet.limit", 100), "facet.limit")
        self.facet_mincount = _int(params.get("facet.mincount", 0), "facet.mincount")
        try:
            self.query = self._parse_q(q, params)
            fq = params.get("fq") or []
            fq = [fq] if isinstance(fq, str) else list(fq)
            self.filters = [lucene.parse(f, default_field=params.get("df", "text"),
                                         default_operator=self.q_op)
                            for f in fq if f and str(f).strip()]
        except lucene.QuerySyntaxError as e:
            raise SearchQueryError(f"Invalid search query: {e}") from e

    def _parse_q(self, q: str, params: dict[str, Any]) -> lucene.Node:
        def_type = params.get("defType", "lucene")
        if def_type not in ("lucene", "dismax", "edismax"):
            raise SearchQueryError(f"Unsupported defType {def_type!r}")
        if def_type == "lucene":
            return lucene.parse(q, params.get("df", "text"), self.q_op)
        fields = _query_fields(params.get("qf") or params.get("df", "text"))
        if def_type == "dismax":
            if q.strip() == "*:*":  # Solr's q.alt for an empty dismax query
                return lucene.MatchAll()
            return lucene.parse_dismax(q, fields, params.get("mm", "100%"))
        parsed = lucene.parse(q, "\x00qf", self.q_op)
        return _spread(parsed, fields, params.get("mm"))

    @staticmethod
    def _check_facet_field(name: str) -> None:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
            raise SearchQueryError(f"Invalid facet field {name!r}")
        field = ckan_schema().field(name)
        if not field.indexed:
            raise SearchQueryError(f"Cannot facet on field {name!r}: it is not indexed")

    def order_by(self) -> str:
        schema = ckan_schema()
        clauses = []
        for item in [s.strip() for s in (self.sort or "score desc").split(",") if s.strip()]:
            match = _SORT_ITEM.match(item)
            if not match:
                raise SearchQueryError(
                    f'Invalid "sort" parameter {item!r}: expected "field asc" or '
                    '"field desc"')
            name, direction = match.group(1), match.group(2).upper()
            if name == "score":
                expr = "score"
            elif name in ("metadata_modified", "metadata_created"):
                expr = name
            elif name == "title_string":
                expr = "title_sort"
            elif name in ("name", "index_id", "id"):
                expr = f'{name} COLLATE "C"'
            else:
                field = schema.field(name)
                if field.kind in (TEXT, NGRAM) or field.multivalued:
                    raise SearchQueryError(
                        f'Invalid "sort" parameter: cannot sort on the '
                        f'{"multi-valued" if field.multivalued else "text"} field '
                        f'{name!r}')
                value = f"(doc -> {_literal(name)} ->> 0)"
                expr = (f"opendatalocale_search_timestamp{value}" if field.kind == DATE
                        else f"opendatalocale_search_number{value}" if field.kind == NUMBER
                        else f'{value} COLLATE "C"')
            clauses.append(f"{expr} {direction} NULLS LAST")
        clauses.append('index_id COLLATE "C" ASC')
        return ", ".join(clauses)


def _query_fields(qf: str) -> list[str]:
    fields = [f.split("^")[0] for f in str(qf).split() if f.strip()]
    for name in fields:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
            raise SearchQueryError(f"Invalid query field {name!r} in qf")
    schema = ckan_schema()
    if "text" in fields:
        # Solr copies these into ``text``: searching ``text`` finds them all,
        # their boosts live in the tsvector's weights
        fields = [f for f in fields if f == "text" or not schema.copied_into(f)]
    return fields or ["text"]


def _spread(node: lucene.Node, fields: list[str], mm: Optional[str]) -> lucene.Node:
    """Edismax: unfielded terms search every query field."""
    if isinstance(node, lucene.Term) and node.field == "\x00qf":
        if len(fields) == 1:
            return lucene.Term(fields[0], node.value, node.kind)
        return lucene.BoolQuery([(lucene.SHOULD, lucene.Term(f, node.value, node.kind))
                                 for f in fields])
    if isinstance(node, lucene.Exists) and node.field == "\x00qf":
        return lucene.MatchAll()
    if isinstance(node, lucene.Range) and node.field == "\x00qf":
        raise SearchQueryError("A range needs a field name")
    if isinstance(node, lucene.BoolQuery):
        return lucene.BoolQuery([(o, _spread(c, fields, None)) for o, c in node.clauses],
                                mm if mm is not None else node.mm)
    return node


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"Invalid {name} {value!r}: an integer is expected")
