"""Engines for the two supported databases: an SQLite file (default) and PostgreSQL.

SQLite needs care to behave under concurrent writers: `busy_timeout` before WAL,
`foreign_keys=ON` on every connection, and write transactions opened with
`BEGIN IMMEDIATE` (pysqlite's deferred BEGIN turns two writers into "database is
locked" instead of one waiting for the other).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import QueuePool

from planregistry.storage.private_files import create_private_database_file

WRITE_OPTION = "planregistry_write"
BUSY_TIMEOUT_MS = 15_000


def normalize_url(url: str | URL) -> URL:
    """Accept `postgresql://` and `sqlite:///file` as people write them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_registry_engine(url: str | URL, **kwargs: Any) -> Engine:
    parsed = normalize_url(url)
    # JSON columns (lists of strings) are read on every revision read; msgspec decodes
    # them several times faster than the standard library.
    kwargs.setdefault("json_deserializer", msgspec.json.decode)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if in_memory:
        raise ValueError("An in-memory SQLite database cannot be shared; give a file path.")
    # Pooled: opening a connection and setting its pragmas costs more than a whole
    # small read; connections hold no snapshot between transactions, so reuse is safe.
    kwargs.setdefault("poolclass", QueuePool)
    kwargs.setdefault("pool_size", 8)
    kwargs.setdefault("max_overflow", 24)
    create_private_database_file(url.database)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite; the "begin" hook below opens them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, marked so that SQLite opens its transactions for writing."""
    return engine.execution_options(**{WRITE_OPTION: True})
