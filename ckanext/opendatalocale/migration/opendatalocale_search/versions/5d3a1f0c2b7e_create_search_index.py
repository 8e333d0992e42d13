"""Create the search index table, its state row and the French text search
configuration.

Revision ID: 5d3a1f0c2b7e
Revises:
Create Date: 2026-11-26 17:00:00
"""
from alembic import op

revision = "5d3a1f0c2b7e"
down_revision = None
branch_labels = None
depends_on = None

# Everything here may already exist when tests drop the tables but keep the
# database objects that are not tables: each statement is idempotent.
UPGRADE = r"""
DO $$ BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
EXCEPTION WHEN others THEN
    RAISE WARNING USING MESSAGE =
        'opendatalocale_search: the unaccent extension could not be created ('
        || SQLERRM || '); accent-insensitive search needs it: run '
        '"CREATE EXTENSION unaccent" as a superuser, then "ckan db downgrade -p '
        'opendatalocale_search" and "ckan db upgrade -p opendatalocale_search".';
END $$;

-- French stemming, accents ignored (with unaccent), and hyphenated words
-- indexed as their parts only ("Saint-Malo" as saint, malo), as Solr's word
-- delimiter does: "saint-malo" and "saint malo" find each other
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'opendatalocale_fr') THEN
        CREATE TEXT SEARCH CONFIGURATION opendatalocale_fr (COPY = french);
    END IF;
    ALTER TEXT SEARCH CONFIGURATION opendatalocale_fr
        DROP MAPPING IF EXISTS FOR asciihword, hword;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        ALTER TEXT SEARCH CONFIGURATION opendatalocale_fr
            ALTER MAPPING FOR hword_part, word WITH unaccent, french_stem;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION opendatalocale_search_number(v text) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN v ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'
               THEN v::numeric END $$;

CREATE OR REPLACE FUNCTION opendatalocale_search_timestamp(v text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE AS
$$ BEGIN RETURN v::timestamptz; EXCEPTION WHEN others THEN RETURN NULL; END $$;

-- the hot, narrow table: what broad searches scan (filters, permission
-- labels, sorts, facet values of the facet fields)
CREATE TABLE opendatalocale_search_index (
    index_id text PRIMARY KEY,
    id text NOT NULL,
    name text,
    site_id text,
    state text,
    capacity text,
    dataset_type text,
    owner_org text,
    organization text,
    labels text[] NOT NULL,
    title_sort text,
    metadata_modified timestamptz,
    metadata_created timestamptz,
    facets text[] NOT NULL
);
CREATE INDEX opendatalocale_search_index_id ON opendatalocale_search_index (id);
CREATE INDEX opendatalocale_search_index_name ON opendatalocale_search_index (name);
CREATE INDEX opendatalocale_search_index_owner_org ON opendatalocale_search_index (owner_org);
CREATE INDEX opendatalocale_search_index_organization ON opendatalocale_search_index (organization);
CREATE INDEX opendatalocale_search_index_type ON opendatalocale_search_index (dataset_type);
CREATE INDEX opendatalocale_search_index_modified ON opendatalocale_search_index (metadata_modified);
CREATE INDEX opendatalocale_search_index_created ON opendatalocale_search_index (metadata_created);
CREATE INDEX opendatalocale_search_index_title ON opendatalocale_search_index (title_sort);

-- the wide table: every field (doc), exact-match tokens, French text, and
-- the JSON CKAN reads back (package_show's cache, search results)
CREATE TABLE opendatalocale_search_document (
    index_id text PRIMARY KEY
        REFERENCES opendatalocale_search_index (index_id) ON DELETE CASCADE,
    doc jsonb NOT NULL,
    tokens text[] NOT NULL,
    tsv tsvector NOT NULL,
    data_dict text,
    validated_data_dict text,
    indexed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opendatalocale_search_document_tokens
    ON opendatalocale_search_document USING gin (tokens);
CREATE INDEX opendatalocale_search_document_tsv
    ON opendatalocale_search_document USING gin (tsv);

-- whether any document has a field: a lookup in the tokens GIN index (the
-- planner would scan the table hoping to find one early, and read it all
-- when no document has the field)
CREATE OR REPLACE FUNCTION opendatalocale_search_has_field(field text) RETURNS boolean
    LANGUAGE sql STABLE SET enable_seqscan = off AS
$$ SELECT EXISTS (SELECT 1 FROM opendatalocale_search_document
                  WHERE tokens @> ARRAY[field]) $$;

-- one row: an epoch (new after every reset) and a generation bumped in the
-- same transaction as any change of the index, so that cached facet counts
-- are keyed by the exact state they were computed from
CREATE TABLE opendatalocale_search_state (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    epoch text NOT NULL,
    generation bigint NOT NULL
);

CREATE OR REPLACE FUNCTION opendatalocale_search_bump() RETURNS trigger
    LANGUAGE plpgsql AS
$$ BEGIN
    INSERT INTO opendatalocale_search_state (id, epoch, generation)
    VALUES (1, md5(random()::text || clock_timestamp()::text), 1)
    ON CONFLICT (id) DO UPDATE
        SET generation = opendatalocale_search_state.generation + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER opendatalocale_search_bump
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opendatalocale_search_index
    FOR EACH STATEMENT EXECUTE FUNCTION opendatalocale_search_bump();
CREATE TRIGGER opendatalocale_search_bump
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opendatalocale_search_document
    FOR EACH STATEMENT EXECUTE FUNCTION opendatalocale_search_bump();
"""

DOWNGRADE = """
DROP TABLE IF EXISTS opendatalocale_search_document;
DROP TABLE IF EXISTS opendatalocale_search_index;
DROP TABLE IF EXISTS opendatalocale_search_state;
DROP FUNCTION IF EXISTS opendatalocale_search_bump();
DROP FUNCTION IF EXISTS opendatalocale_search_has_field(text);
DROP FUNCTION IF EXISTS opendatalocale_search_number(text);
DROP FUNCTION IF EXISTS opendatalocale_search_timestamp(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS opendatalocale_fr;
"""


def upgrade():
    # raw DBAPI execution: the SQL holds ':' and '%' that must reach PostgreSQL as is
    op.get_bind().exec_driver_sql(UPGRADE)


def downgrade():
    op.get_bind().exec_driver_sql(DOWNGRADE)
