"""Create CKAN's DataStore database and its read-only role if missing, with
the permissions CKAN's ``ckan datastore set-permissions`` would give.

Usage: python tools/ensure_datastore.py MAIN_URL WRITE_URL READ_URL

MAIN_URL is CKAN's own database (``sqlalchemy.url``), WRITE_URL the
DataStore's as a role that may create tables (``ckan.datastore.write_url``),
READ_URL the same database as the read-only role (``ckan.datastore.read_url``,
created without a password: for a server with trust authentication on
localhost, as `make serve` and the tests use). A second run changes nothing.
"""
import os
import sys
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

sys.path.insert(0, os.path.dirname(__file__))
from ensure_database import main as ensure_database  # noqa: E402


def permissions(main_db: str, datastore_db: str, main_user: str, write_user: str,
                read_user: str) -> str:
    """CKAN's permissions script for the DataStore, without its ``\\connect``
    line (psql's, not SQL: we are connected to the DataStore already)."""
    from ckanext.datastore.cli import permissions_sql
    script = permissions_sql(main_db, datastore_db, main_user, write_user, read_user)
    return "\n".join(line for line in script.splitlines()
                     if not line.lstrip().startswith("\\connect"))


def ensure(main_url: str, write_url: str, read_url: str) -> None:
    main, write, read = (urlsplit(u) for u in (main_url, write_url, read_url))
    read_user = read.username
    if not read_user or read_user == write.username:
        sys.exit("the read URL needs its own role (e.g. datastore_ro)")
    ensure_database(main_url)
    ensure_database(write_url)
    conn = psycopg2.connect(write_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (read_user,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(read_user)))
            print(f"role {read_user} created")
        cursor.execute(permissions(main.path.lstrip("/"), write.path.lstrip("/"),
                                   main.username or "postgres", write.username or "postgres",
                                   read_user))
    conn.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ensure(*sys.argv[1:])
