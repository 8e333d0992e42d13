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

import json
import logging
import re
from typing import Any, Iterable, Optional

import psycopg2.extras
import sqlalchemy.exc

from ckan.common import config
from ckan.lib.search.common import SearchError, SearchIndexError, SearchQueryError
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import lucene
from .compiler import (RANK_WEIGHTS, TEXT_CONFIG, TRUE, Compiled, Compiler,
                       text_terms)
from .documents import (COLUMN_FIELDS, LABELS_FIELD, build_row, fast_facet,
                        presence_token)
from .solr_schema import DATE, NUMBER, TEXT, NGRAM, ckan_schema

__all__ = ["PostgresSolr", "Results", "SUPPORTED_PARAMS"]

log = logging.getLogger(__name__)

INDEX = "opendatalocale_search_index"
DOCUMENT = "opendatalocale_search_document"
# the narrow table i, and the wide one d when a condition needs it (PostgreSQL
# removes a LEFT JOIN on a unique key when none of its columns is used)
FROM = f"{INDEX} i LEFT JOIN {DOCUMENT} d ON d.index_id = i.index_id"
# a visitor's free text (no field: dismax) is short; a fielded query can be
# long (ckanext-hierarchy lists every sub-organisation) and is bounded by
# Lucene's 1 024 clauses
MAX_TEXT_LENGTH = 1000
MAX_QUERY_LENGTH = 100_000
# Solr reads start, rows and facet counts as Java ints, and answers 400 above
MAX_SOLR_INT = 2**31 - 1
# CKAN bounds the values of a facet (search.facets.limit) but not how many
# fields are faceted; each costs a pass over the index, and CKAN's pages ask
# for about ten
MAX_FACET_FIELDS = 25
# characters of a dataset's text fed to to_tsvector, title first: a tsvector
# holds at most 1 MB, and text can cost up to 6 bytes of it per character
# (distinct one-letter words in Chinese); a longer text fails the whole write.
# Solr, too, indexed only the first 10 000 words of a field (maxFieldLength).
_MAX_TEXT = 150_000

# Solr request parameters this backend understands. ``tie``, ``bf``, ``boost``
# and ``^`` boosts only tune Solr's ranking (ours is fixed, see compiler);
# ``fq_list`` is merged into ``fq`` by CKAN before the call.
SUPPORTED_PARAMS = {
    "q", "fq", "fl", "rows", "start", "sort", "wt", "facet", "facet.field",
    "facet.limit", "facet.mincount", "defType", "qf", "mm", "tie", "bf", "boost",
    "df", "q.op", "fq_list",
}

# SQLSTATEs: statement_timeout reached; class 54 (program limit exceeded)
QUERY_CANCELED = "57014"
PROGRAM_LIMIT_EXCEEDED = "54"

_SORT_ITEM = re.compile(r"^([A-Za-z0-9_.\-]+)\s+(asc|desc)$", re.IGNORECASE)


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


def _timeout() -> int:
    """Milliseconds."""
    return config.get("ckanext.opendatalocale.search.statement_timeout")


class PostgresSolr:
    """What ``make_connection()`` returns while ``opendatalocale_search`` is on."""

    url = "postgresql (opendatalocale_search)"

    # -- index side ---------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **kwargs: Any) -> None:
        # CKAN only re-raises SearchIndexError from its indexing hook: any
        # other error would be swallowed and leave the dataset unindexed
        try:
            self._add([build_row(doc) for doc in docs])
        except SearchIndexError:
            raise
        except Exception as e:
            raise SearchIndexError(f"PostgreSQL search index write failed: {e}") from e

    def _add(self, rows: list) -> None:
        if not rows:
            return
        columns = list(COLUMN_FIELDS)
        index_values = [
            (r.index_id, *[r.columns[c] for c in columns], r.labels, r.title_sort,
             r.metadata_modified, r.metadata_created, r.facets) for r in rows]
        index_sql = _upsert(INDEX, ["index_id", *columns, "labels", "title_sort",
                                    "metadata_modified", "metadata_created", "facets"])
        document_values = [
            (r.index_id, json.dumps(r.doc), r.tokens, *_indexed_texts(r),
             r.data_dict, r.validated_data_dict) for r in rows]
        weight = f"setweight(to_tsvector('{TEXT_CONFIG}', %s), '{{}}')"
        document_template = ("(%s, %s::jsonb, %s::text[], "
                             + " || ".join(weight.format(w) for w in "ABCD")
                             + ", %s, %s, now())")
        document_sql = _upsert(DOCUMENT, ["index_id", "doc", "tokens", "tsv", "data_dict",
                                          "validated_data_dict", "indexed_at"])
        with _engine().begin() as conn:
            cursor = conn.connection.cursor()
            cursor.execute("SET LOCAL synchronous_commit = off")
            psycopg2.extras.execute_values(cursor, index_sql, index_values)
            psycopg2.extras.execute_values(cursor, document_sql, document_values,
                                           template=document_template)

    def delete(self, id: Optional[Any] = None, q: Optional[str] = None,
               commit: bool = True, **kwargs: Any) -> None:
        try:
            with _engine().begin() as conn:
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                if id is not None:
                    ids = list(id) if isinstance(id, (list, tuple, set)) else [id]
                    _execute(conn, f"DELETE FROM {INDEX} WHERE index_id = ANY(%s)", [ids])
                if q is not None:
                    where = self._where(conn, [lucene.parse(q)])
                    _execute(conn, f"DELETE FROM {INDEX} WHERE index_id IN "
                             f"(SELECT i.index_id FROM {FROM} WHERE {where.sql})",
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
            autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql(f"VACUUM ANALYZE {INDEX}")
            autocommit.exec_driver_sql(f"VACUUM ANALYZE {DOCUMENT}")

    # -- query side ---------------------------------------------------------
    def search(self, q: Optional[str] = None, **params: Any) -> Results:
        request = _Request(q, params)
        try:
            return self._search(request)
        except sqlalchemy.exc.DBAPIError as e:
            code = getattr(e.orig, "pgcode", None) or ""
            if code == QUERY_CANCELED:
                raise SearchError(tk._(
                    "The search took longer than {milliseconds} ms and was stopped"
                ).format(milliseconds=_timeout())) from e
            if code.startswith(PROGRAM_LIMIT_EXCEEDED):
                # a query PostgreSQL cannot run (a phrase of tens of
                # thousands of words exhausts its stack): the request's fault
                log.info("Search query over PostgreSQL's limits: %s", e.orig)
                raise SearchQueryError(tk._(
                    "The query is too complex to be run")) from e
            raise

    def _search(self, request: "_Request") -> Results:
        with _engine().connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                # one search must not hold a worker and the database for long
                _execute(conn, "SELECT set_config('statement_timeout', %s, true)",
                         [f"{_timeout()}ms"])
                state = conn.exec_driver_sql("SELECT epoch, generation FROM opendatalocale_search_state"
                ).first()
                try:
                    compiler = self._compiler(conn, [request.query] + request.filters)
                    query = compiler.compile(request.query)
                    rank = _rank_sql(compiler.rank_queries)  # from q only, as Solr
                    filters = [compiler.compile(n) for n in request.filters]
                except lucene.QuerySyntaxError as e:
                    raise SearchQueryError(f"Invalid search query: {e}") from e
                where = Compiled.join([query] + filters, "AND")
                visible = Compiled.join(filters, "AND") if filters else TRUE
                count, facets = self._aggregates(conn, where, visible, request, state)
                docs = self._page(conn, where, rank, request) if request.rows else []
        return Results(docs, count, facets)

    def _compiler(self, conn, nodes: list[lucene.Node]) -> Compiler:
        schema = ckan_schema()
        wanted = sorted(set().union(*(text_terms(n, schema) for n in nodes)))
        tsqueries: dict[tuple[str, str], str] = {}
        if wanted:
            # a term that analyses to several words ("saint-malo", "l'école")
            # matches them side by side, as Solr's word delimiter does
            selects = ", ".join(f"phraseto_tsquery('{TEXT_CONFIG}', %s)::text"
                                for _ in wanted)
            row = _execute(conn, f"SELECT {selects}", [v for _, v in wanted]).first()
            tsqueries = dict(zip(wanted, row))
        return Compiler(schema, tsqueries)

    def _where(self, conn, nodes: list[lucene.Node]) -> Compiled:
        compiler = self._compiler(conn, nodes)
        return Compiled.join([compiler.compile(n) for n in nodes], "AND")

    def _aggregates(self, conn, where: Compiled, visible: Compiled,
                    request: "_Request", state) -> tuple[int, dict[str, list[Any]]]:
        from . import cache
        key = None
        if state is not None:
            key = cache.key(state.epoch, state.generation, where.sql,
                            where.params, request.facet_fields, request.facet_limit,
                            request.facet_mincount)
            cached = cache.get(key)
            if cached is not None:
                return cached["count"], cached["facets"]
        count = _execute(conn, f"SELECT count(*) FROM {FROM} WHERE {where.sql}",
                         where.params).scalar()
        facets = (self._facets(conn, where, visible, request)
                  if request.facet_fields else {})
        if key is not None and count >= cache.min_count():
            cache.put(key, {"count": count, "facets": facets})
        return count, facets

    def _facets(self, conn, where: Compiled, visible: Compiled,
                request: "_Request") -> dict[str, list]:
        """Counts per value, each field read from where it is cheapest: a
        column, the narrow table's ``facets`` array, or the document.

        With ``facet.mincount`` 0, Solr also lists the values of documents
        outside the result, with a count of 0: here only those of documents
        the filters (``fq``: permission labels, site, state…) let through, so
        that no value of a private dataset reaches a user without its label."""
        fields = request.facet_fields
        if request.facet_mincount <= 0:
            count = Compiled(f"count(*) FILTER (WHERE {where.sql})", where.params)
            condition = visible
        else:
            count, condition = Compiled("count(*)"), where
        # each branch: SELECT field, value, count FROM <rows, values> WHERE ...
        # with its parameters in the order of their placeholders
        branches: list[Compiled] = []
        for field in fields:
            if field in COLUMN_FIELDS:
                values, values_params = f"i.{field}", []
                source, where_values = "", f"i.{field} IS NOT NULL"
            elif field == LABELS_FIELD:
                values, values_params = "v", []
                source, where_values = "CROSS JOIN LATERAL unnest(i.labels) AS v", "true"
            elif not fast_facet(field):
                values, values_params = "v", [field]
                source = ("CROSS JOIN LATERAL (SELECT DISTINCT x FROM "
                          "jsonb_array_elements_text(d.doc -> %s) AS x) AS vals(v)")
                where_values = "true"
            else:
                continue
            branches.append(Compiled(
                f"SELECT %s AS f, {values} AS v, {count.sql} AS c FROM {FROM} {source} "
                f"WHERE {where_values} AND {condition.sql} GROUP BY 1, 2",
                [field] + count.params + values_params + condition.params))
        fast = [f for f in fields if fast_facet(f)]
        if fast:
            # one pass over the narrow table for all of them: every value is
            # counted (unnest in the select list, cheaper than a lateral join),
            # the requested fields are kept afterwards
            hit = (Compiled(f"({where.sql})", where.params)
                   if request.facet_mincount <= 0 else Compiled("true"))
            branches.append(Compiled(
                "SELECT split_part(t, '=', 1) AS f, substr(t, strpos(t, '=') + 1) AS v, c "
                "FROM (SELECT t, count(*) FILTER (WHERE hit) AS c FROM "
                f"(SELECT unnest(i.facets) AS t, {hit.sql} AS hit FROM {FROM} "
                f"WHERE {condition.sql}) AS e GROUP BY t) AS counted_values "
                "WHERE split_part(t, '=', 1) = ANY(%s)",
                hit.params + condition.params + [fast]))
        union = " UNION ALL ".join(f"({b.sql})" for b in branches)
        sql = (f"SELECT f, v, c FROM (SELECT f, v, c, row_number() OVER "
               f"(PARTITION BY f ORDER BY c DESC, v COLLATE \"C\") AS r "
               f"FROM ({union}) AS counted WHERE c >= %s) ranked "
               "WHERE %s < 0 OR r <= %s ORDER BY f, r")
        params = [p for b in branches for p in b.params]
        params += [max(request.facet_mincount, 0), request.facet_limit, request.facet_limit]
        facets: dict[str, list[Any]] = {f: [] for f in fields}
        for f, v, c in _execute(conn, sql, params):
            facets[f].extend([v, c])
        return facets

    def _page(self, conn, where: Compiled, rank: str,
              request: "_Request") -> list[dict[str, Any]]:
        """The page in two steps: the ordered ids from the narrow table (the
        documents joined only if a condition or the order needs them), then
        the requested fields of just those rows."""
        order = request.order_by(lambda field: self._indexed(conn, field),
                                 ranked=rank != CONSTANT_SCORE)
        ids = _execute(conn,
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
        rows = {row["index_id"]: dict(row) for row in _execute(
            conn, f"SELECT {select} FROM {FROM} WHERE i.index_id = ANY(%s)",
            [[index_id for index_id, _ in ids]]).mappings()}
        return [_result_doc(rows[index_id], score, wanted) for index_id, score in ids]

    @staticmethod
    def _indexed(conn, field: str) -> bool:
        """Whether any document has the field (a GIN lookup)."""
        return bool(_execute(conn, "SELECT opendatalocale_search_has_field(%s)",
                             [presence_token(field)]).scalar())


def _indexed_texts(row) -> list[str]:
    """The four weighted texts, within one budget spent in weight order."""
    budget, texts = _MAX_TEXT, []
    for text in (row.text_a, row.text_b, row.text_c, row.text_d):
        texts.append(text[:budget])
        budget -= len(texts[-1])
    return texts


def _upsert(table: str, columns: list[str]) -> str:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "index_id")
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s "
            f"ON CONFLICT (index_id) DO UPDATE SET {updates}")


def _execute(conn, sql: str, params: list):
    """Run driver-level SQL with positional ``%s`` parameters (wrapped in a
    list so that a first parameter that is itself a list is not taken for
    many parameter sets)."""
    return conn.exec_driver_sql(sql, [tuple(params)])


CONSTANT_SCORE = "1.0::real"


def _rank_sql(tsqueries: list[str]) -> str:
    if not tsqueries:
        return CONSTANT_SCORE
    # the tsqueries are PostgreSQL's own output: quote them as literals
    parts = [f"ts_rank('{RANK_WEIGHTS}', tsv, {_literal(q)}::tsquery)"
             for q in tsqueries]
    return "(" + " + ".join(parts) + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


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
        limit = (MAX_TEXT_LENGTH if params.get("defType") == "dismax"
                 else MAX_QUERY_LENGTH)
        if len(q) > limit:
            raise SearchQueryError(
                f"The query is too long ({len(q)} characters, at most {limit})")
        for f in _as_list(params.get("fq")):
            if len(str(f)) > MAX_QUERY_LENGTH:
                raise SearchQueryError(tk._(
                    "A filter is too long ({length} characters, at most {limit})"
                ).format(length=len(str(f)), limit=MAX_QUERY_LENGTH))
        for name, value in [("q", q), *params.items()]:
            _check_characters(name, value)
        self.q_op = str(params.get("q.op", "OR")).upper()
        if self.q_op not in ("AND", "OR"):
            raise SearchQueryError(f"Invalid q.op {self.q_op!r}: use AND or OR")
        self.sort = params.get("sort")
        self.rows = _int(params.get("rows", 10), "rows", MAX_SOLR_INT)
        self.start = _int(params.get("start", 0), "start", MAX_SOLR_INT)
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
            self.facet_fields = list(dict.fromkeys(ff))
            if len(self.facet_fields) > MAX_FACET_FIELDS:
                raise SearchQueryError(tk._(
                    "Too many facet fields ({count}, at most {limit})"
                ).format(count=len(self.facet_fields), limit=MAX_FACET_FIELDS))
            for name in self.facet_fields:
                self._check_facet_field(name)
        self.facet_limit = _int(params.get("facet.limit", 100), "facet.limit",
                                MAX_SOLR_INT)
        self.facet_mincount = _int(params.get("facet.mincount", 0), "facet.mincount",
                                   MAX_SOLR_INT)
        try:
            self.query = self._parse_q(q, params)
            fq = _as_list(params.get("fq"))
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

    def order_by(self, indexed, ranked: bool = True) -> str:
        """ORDER BY for ``sort``; ``indexed(field)`` tells whether any document
        has a field (a sort on a field nobody has changes nothing: skipped), and
        a score that is the same for all (no text searched) is skipped too, so
        that the next key can be read from its index."""
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
                if not ranked:
                    continue
                expr = "score"
            elif name in ("metadata_modified", "metadata_created"):
                expr = f"i.{name}"
            elif name == "title_string":
                expr = "i.title_sort"
            elif name in COLUMN_FIELDS or name == "index_id":
                expr = f'i.{name} COLLATE "C"'
            else:
                field = schema.field(name)
                if field.kind in (TEXT, NGRAM) or field.multivalued:
                    raise SearchQueryError(
                        f'Invalid "sort" parameter: cannot sort on the '
                        f'{"multi-valued" if field.multivalued else "text"} field '
                        f'{name!r}')
                if not indexed(name):
                    continue
                value = f"(d.doc -> {_literal(name)} ->> 0)"
                expr = (f"opendatalocale_search_timestamp{value}" if field.kind == DATE
                        else f"opendatalocale_search_number{value}" if field.kind == NUMBER
                        else f'{value} COLLATE "C"')
            # columns (never empty in CKAN's datasets) take PostgreSQL's default
            # null order so that one btree index serves both directions;
            # other fields sort missing values last, as Solr's string fields
            nulls = "" if expr.startswith("i.") else " NULLS LAST"
            clauses.append(f"{expr} {direction}{nulls}")
        # a stable order for ties, read from the primary key index
        clauses.append("i.index_id ASC")
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


def _as_list(value: Any) -> list:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _int(value: Any, name: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"Invalid {name} {value!r}: an integer is expected") from None
    if number > maximum:
        raise SearchQueryError(tk._(
            "The {name} parameter is too large (at most {maximum})"
        ).format(name=name, maximum=maximum))
    return number


def _check_characters(name: str, value: Any) -> None:
    """NUL and lone surrogates (possible in JSON, never in a URL) cannot be
    sent to PostgreSQL."""
    texts = value if isinstance(value, (list, tuple)) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        if "\x00" in text:
            raise SearchQueryError(f"The {name} parameter contains a NUL character")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise SearchQueryError(tk._(
                "The {name} parameter is not valid Unicode"
            ).format(name=name)) from None
