"""Create a PostgreSQL database if it does not exist yet.

Usage: python tools/ensure_database.py [--recreate] postgresql://user@host:port/name

Connects to the server's ``postgres`` maintenance database with the same
credentials; a second run changes nothing. ``--recreate`` drops the database
first (its sessions closed): benchmarks start from an empty one.
"""
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def main(url: str, recreate: bool = False) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        sys.exit(f"no database name in {url!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cursor:
        if recreate:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"database {name} created")
    conn.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(arguments[-1], recreate="--recreate" in arguments[:-1])
