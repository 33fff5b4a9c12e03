"""Engines for the two supported databases: an SQLite file (default) and PostgreSQL.

SQLite needs care to behave under concurrent writers: `busy_timeout` before WAL,
`foreign_keys=ON` on every connection, and write transactions opened with
`BEGIN IMMEDIATE` (pysqlite's deferred BEGIN turns two writers into "database is
locked" instead of one waiting for the other). `synchronous = FULL` by default: in WAL
mode NORMAL can lose the last commits on power loss (never on a process crash), FULL
syncs the log at every commit (the cost is measured in benchmarks/sqlite_synchronous.py).

PostgreSQL gets bounded waits, so that an unreachable database is an error in seconds
rather than a hung request: a connect timeout, a statement timeout and a TCP user
timeout on every connection (`connect_timeout=`, `statement_timeout=` in seconds).
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
SYNCHRONOUS_MODES = ("FULL", "NORMAL")
DEFAULT_SYNCHRONOUS = "FULL"


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
    connect_timeout = kwargs.pop("connect_timeout", None)
    statement_timeout = kwargs.pop("statement_timeout", None)
    synchronous = kwargs.pop("sqlite_synchronous", None)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, synchronous=synchronous, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    if connect_timeout is not None:
        connect_args.setdefault("connect_timeout", max(1, round(connect_timeout)))
    if statement_timeout is not None:
        milliseconds = round(statement_timeout * 1000)
        connect_args.setdefault("options", f"-c statement_timeout={milliseconds}")
        # Data sent but not acknowledged for that long: the server is gone (a cut network
        # would otherwise leave a request waiting for the kernel's retransmissions).
        connect_args.setdefault("tcp_user_timeout", milliseconds)
    return create_engine(parsed, connect_args=connect_args, **kwargs)


def _sqlite_engine(url: URL, *, synchronous: str | None, **kwargs: Any) -> Engine:
    synchronous = (synchronous or DEFAULT_SYNCHRONOUS).upper()
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}")
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
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
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
