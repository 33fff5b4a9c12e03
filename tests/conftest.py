"""Fixtures: a real, migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL tests use `PLANREGISTRY_TEST_POSTGRES_URL` (default: the local server,
`postgresql+psycopg://postgres@127.0.0.1:5432/postgres`). Without a reachable server
they are skipped with a message saying so; with `PLANREGISTRY_REQUIRE_POSTGRES=1`
(set by `.ci/run`) an unreachable server fails the run instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations
from planregistry.storage.tables import Base
from tests.world import World, build_world

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = os.environ.get("PLANREGISTRY_TEST_POSTGRES_URL", DEFAULT_PG_URL)
REQUIRE_PG = os.environ.get("PLANREGISTRY_REQUIRE_POSTGRES") == "1"

# A fixed "today" keeps decision-date rules deterministic.
TODAY = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, start: dt.datetime = TODAY) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        self.current += dt.timedelta(microseconds=1000)
        return self.current


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


class PostgresServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"planregistry_t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    problem = _pg_reachable()
    if problem is not None:
        message = (
            f"PostgreSQL at {make_url(PG_URL).render_as_string()} is not reachable ({problem})"
        )
        if REQUIRE_PG:
            pytest.fail(message + " and PLANREGISTRY_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(message + "; PostgreSQL tests skipped.")
    server = PostgresServer(PG_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    url = postgres_server.create_database()
    migrations.upgrade(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "registry.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_template")
    _truncate(url)
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(database_url: str, clock: Clock) -> Iterator[Registry]:
    with Registry.open(database_url, clock=clock) as reg:
        yield reg


@pytest.fixture
def demo_registry(registry: Registry) -> Registry:
    assert load_demo(registry)
    return registry


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def world(registry: Registry) -> World:
    """Stockholm (two organisations) and Göteborg (one), each with a plan in force and a
    draft; see `tests.world`."""
    return build_world(registry)
