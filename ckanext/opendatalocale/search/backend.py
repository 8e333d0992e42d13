"""A Solr-compatible search connection over PostgreSQL.

CKAN talks to Solr through one function, ``ckan.lib.search.common.make_connection``,
and the pysolr connection it returns: ``add``, ``delete``, ``commit`` and
``search`` with Solr's request parameters. :class:`PostgresSolr` answers that
same protocol from the ``opendatalocale_search_index`` table, so CKAN's own
``PackageSearchIndex.index_package`` (with every plugin's
``before_dataset_index``) and ``PackageSearchQuery.run`` (with permission
labels) stay unchanged, as do the extensions that call them directly.

This module is the protocol and its transactions; the request is read in
``request`` (with ``edismax``), compiled in ``compiler``, counted in
``facets``, ordered in ``sort`` and paged in ``results``.

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
from typing import Any, Iterable, Iterator, Optional

import psycopg2.extras
import sqlalchemy.exc

from ckan.common import config
from ckan.lib.search.common import SearchError, SearchIndexError, solr_datetime_decoder
import ckan.plugins.toolkit as tk

from . import lucene
from .compiler import TEXT_CONFIG, TRUE, Compiled, Compiler, text_terms
from .documents import COLUMN_FIELDS, IndexRow, build_row
from .facets import count_and_facets
from .request import SUPPORTED_PARAMS, SearchRequest
from .results import page, rank_sql
from .solr_schema import ckan_schema
from .sql import DOCUMENT, FROM, INDEX, engine, execute

__all__ = ["PostgresSolr", "Results", "SUPPORTED_PARAMS"]

log = logging.getLogger(__name__)

# characters of a dataset's text fed to to_tsvector, title first: a tsvector
# holds at most 1 MB, and text can cost up to 6 bytes of it per character
# (distinct one-letter words in Chinese); a longer text fails the whole write.
# Solr, too, indexed only the first 10 000 words of a field (maxFieldLength).
_MAX_TEXT = 150_000

# SQLSTATEs: statement_timeout reached; class 54 (program limit exceeded)
QUERY_CANCELED = "57014"
PROGRAM_LIMIT_EXCEEDED = "54"


class Results:
    """The part of ``pysolr.Results`` that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int,
                 facets: dict[str, list[Any]]):
        self.docs = docs
        self.hits = hits
        self.facets = {"facet_fields": facets}

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.docs)


def _timeout() -> int:
    """Milliseconds."""
    return config.get("ckanext.opendatalocale.search.statement_timeout")


class PostgresSolr:
    """What ``make_connection()`` returns while ``opendatalocale_search`` is on."""

    url = "postgresql (opendatalocale_search)"

    def __init__(self, decode_dates: bool = True):
        # as CKAN's make_connection(decode_dates) gives pysolr CKAN's decoder
        self.decode_dates = decode_dates

    # -- index side ---------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True,
            **kwargs: Any) -> None:
        # CKAN only re-raises SearchIndexError from its indexing hook: any
        # other error would be swallowed and leave the dataset unindexed
        try:
            _write([build_row(doc) for doc in docs])
        except SearchIndexError:
            raise
        except Exception as e:
            raise SearchIndexError(f"PostgreSQL search index write failed: {e}") from e

    def delete(self, id: Optional[Any] = None, q: Optional[str] = None,
               commit: bool = True, **kwargs: Any) -> None:
        try:
            with engine().begin() as conn:
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                if id is not None:
                    ids = list(id) if isinstance(id, (list, tuple, set)) else [id]
                    execute(conn, f"DELETE FROM {INDEX} WHERE index_id = ANY(%s)", [ids])
                if q is not None:
                    where = _where(conn, [lucene.parse(q)])
                    execute(conn, f"DELETE FROM {INDEX} WHERE index_id IN "
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
        with engine().connect() as conn:
            autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql(f"VACUUM ANALYZE {INDEX}")
            autocommit.exec_driver_sql(f"VACUUM ANALYZE {DOCUMENT}")

    # -- query side ---------------------------------------------------------
    def search(self, q: Optional[str] = None, **params: Any) -> Results:
        request = SearchRequest(q, params)
        try:
            results = _search(request)
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
                raise SearchError(tk._(
                    "The query is too complex to be run")) from e
            raise
        if self.decode_dates:
            results.docs = [solr_datetime_decoder(doc) for doc in results.docs]
        return results


def _search(request: SearchRequest) -> Results:
    with engine().connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            # one search must not hold a worker and the database for long
            execute(conn, "SELECT set_config('statement_timeout', %s, true)",
                    [f"{_timeout()}ms"])
            state = conn.exec_driver_sql(
                "SELECT epoch, generation FROM opendatalocale_search_state").first()
            try:
                compiler = _compiler(conn, [request.query] + request.filters)
                query = compiler.compile(request.query)
                rank = rank_sql(compiler.rank_queries)  # from q only, as Solr
                filters = [compiler.compile(n) for n in request.filters]
            except lucene.QuerySyntaxError as e:
                raise SearchError(f"Invalid search query: {e}") from e
            where = Compiled.join([query] + filters, "AND")
            visible = Compiled.join(filters, "AND") if filters else TRUE
            count, facets = count_and_facets(conn, where, visible, request, state)
            docs = page(conn, where, rank, request) if request.rows else []
    return Results(docs, count, facets)


def _compiler(conn: Any, nodes: list[lucene.Node]) -> Compiler:
    schema = ckan_schema()
    wanted = sorted(set().union(*(text_terms(n, schema) for n in nodes)))
    tsqueries: dict[tuple[str, str], str] = {}
    if wanted:
        # a term that analyses to several words ("saint-malo", "l'école")
        # matches them side by side, as Solr's word delimiter does
        selects = ", ".join(f"phraseto_tsquery('{TEXT_CONFIG}', %s)::text"
                            for _ in wanted)
        row = execute(conn, f"SELECT {selects}", [v for _, v in wanted]).first()
        tsqueries = dict(zip(wanted, row))
    return Compiler(schema, tsqueries)


def _where(conn: Any, nodes: list[lucene.Node]) -> Compiled:
    compiler = _compiler(conn, nodes)
    return Compiled.join([compiler.compile(n) for n in nodes], "AND")


# -- writing rows -------------------------------------------------------------
def _write(rows: list[IndexRow]) -> None:
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
    with engine().begin() as conn:
        cursor = conn.connection.cursor()
        cursor.execute("SET LOCAL synchronous_commit = off")
        psycopg2.extras.execute_values(cursor, index_sql, index_values)
        psycopg2.extras.execute_values(cursor, document_sql, document_values,
                                       template=document_template)


def _indexed_texts(row: IndexRow) -> list[str]:
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
