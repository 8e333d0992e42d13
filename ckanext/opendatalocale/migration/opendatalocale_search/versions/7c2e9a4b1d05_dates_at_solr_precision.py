"""Dates of the index at Solr's precision and in its format: milliseconds, UTC,
``Z`` (``2014-06-10T08:24:12.782Z``), as the backend now writes them.

Rows written before kept CKAN's microseconds (and a ``+00:00`` offset for
``*_date`` fields): ``metadata_modified:[* TO <package_show's value>]``,
whose bound is now kept to the millisecond as Solr keeps it, would miss
them. This rewrites them in place, so that no reindex is needed.

Revision ID: 7c2e9a4b1d05
Revises: 5d3a1f0c2b7e
Create Date: 2026-12-01 16:10:00
"""
from alembic import op

revision = "7c2e9a4b1d05"
down_revision = "5d3a1f0c2b7e"
branch_labels = None
depends_on = None

# the date fields of CKAN's Solr schema (schema.xml: type "date")
UPGRADE = r"""
SET LOCAL TimeZone = 'UTC';

CREATE FUNCTION pg_temp.solr_date(v text) RETURNS jsonb LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN t IS NULL THEN to_jsonb(v)
               ELSE to_jsonb(to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS')
                             || CASE WHEN to_char(t, 'MS') = '000' THEN ''
                                     ELSE '.' || to_char(t, 'MS') END || 'Z') END
   FROM (SELECT date_trunc('milliseconds',
                           opendatalocale_search_timestamp(v)) AS t) AS moment $$;

UPDATE opendatalocale_search_index
   SET metadata_modified = date_trunc('milliseconds', metadata_modified),
       metadata_created = date_trunc('milliseconds', metadata_created)
 WHERE metadata_modified <> date_trunc('milliseconds', metadata_modified)
    OR metadata_created <> date_trunc('milliseconds', metadata_created);

WITH rewritten AS (
    SELECT d.index_id,
           jsonb_object_agg(f.key, (SELECT jsonb_agg(pg_temp.solr_date(v))
                                      FROM jsonb_array_elements_text(f.value) AS v)) AS dates
      FROM opendatalocale_search_document d, jsonb_each(d.doc) AS f
     WHERE (f.key IN ('metadata_modified', 'metadata_created', 'indexed_ts')
            OR right(f.key, 5) = '_date')
       AND jsonb_typeof(f.value) = 'array'
     GROUP BY d.index_id
)
UPDATE opendatalocale_search_document d
   SET doc = d.doc || rewritten.dates
  FROM rewritten
 WHERE d.index_id = rewritten.index_id AND d.doc || rewritten.dates <> d.doc;
"""


def upgrade():
    # raw DBAPI execution: the SQL holds ':' that must reach PostgreSQL as is
    op.get_bind().exec_driver_sql(UPGRADE)


def downgrade():
    """The finer digits are gone: the rows stay as they are (any format reads)."""
