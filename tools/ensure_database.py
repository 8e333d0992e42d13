"""Create a PostgreSQL database if it does not exist yet.

Usage: python tools/ensure_database.py postgresql://user@host:port/name

Connects to the server's ``postgres`` maintenance database with the same
credentials; a second run changes nothing.
"""
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def main(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        sys.exit(f"no database name in {url!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"database {name} created")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
