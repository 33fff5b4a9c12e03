"""Fixtures: a real, migrated database per test, on SQLite and on PostgreSQL.

Each test starts from a migrated database that no other test touches while it runs,
put in place from a template made once per test process (each pytest-xdist worker has
its own): a copy of an SQLite file, or this process's PostgreSQL database refilled
from a saved state (`PostgresDatabase`). The demo data (`demo_registry`), the access
tests' world (`world`) and other seeded fixtures (`SEEDS`) are built once per process
and database kind into templates of their own and put in place the same way, so a test
still gets its own, writable data and sees nothing of another test's writes; its clock
goes on from where the build left it, as if it had built the data itself.

PostgreSQL tests use `PLANREGISTRY_TEST_POSTGRES_URL` (default: the local server,
`postgresql+psycopg://postgres@127.0.0.1:5432/postgres`). Without a reachable server
they are skipped with a message saying so; with `PLANREGISTRY_REQUIRE_POSTGRES=1`
(set by `.ci/run`) an unreachable server fails the run instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from xdist.scheduler import LoadScopeScheduling

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.settings import FILES_DIR_ENV
from planregistry.storage import engine as engine_module
from planregistry.storage import migrations
from planregistry.storage.tables import Base
from tests.world import World, build_world

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = os.environ.get("PLANREGISTRY_TEST_POSTGRES_URL", DEFAULT_PG_URL)
REQUIRE_PG = os.environ.get("PLANREGISTRY_REQUIRE_POSTGRES") == "1"

# A fixed "today" keeps decision-date rules deterministic.
TODAY = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)

# The example budget of the property-based runs (marker `property`): a quick one by
# default, a larger but bounded one in CI (`.ci/run` passes `--hypothesis-profile=ci`).
settings.register_profile("dev", max_examples=10)
settings.register_profile("ci", max_examples=30)
settings.load_profile("dev")

# The tests' databases are throwaway: syncing every commit to disk (SQLite's FULL, the
# default) would only add waits to the run (about 15 % on the storage tests). Servers the
# tests start inherit the setting; tests/reliability/ runs its servers with FULL.
engine_module.DEFAULT_SYNCHRONOUS = "NORMAL"
os.environ.setdefault("PLANREGISTRY_SQLITE_SYNCHRONOUS", "NORMAL")


# --- Running in parallel (pytest-xdist) ---------------------------------------------------

# Tests that share a session-scoped server run in one test process, so that only one
# process starts the servers (tests/client/conftest.py).
SHARED_SERVER_TESTS = "tests/client/"
# The browser tests serve a site per module (tests/web/conftest.py): a module's tests run
# in one process, so that its site (and identity provider) starts once, not once per process.
SITE_PER_MODULE_TESTS = "tests/web/"
# The reliability tests share a server per module too (and run in the module's order).
SERVER_PER_MODULE_TESTS = "tests/reliability/"


class Scheduling(LoadScopeScheduling):
    """Each test is a unit of work of its own, except the client tests (one unit) and the
    browser tests (a unit per module)."""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith(SHARED_SERVER_TESTS):
            return SHARED_SERVER_TESTS
        if nodeid.startswith((SITE_PER_MODULE_TESTS, SERVER_PER_MODULE_TESTS)):
            return nodeid.split("::", 1)[0]
        return nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Scheduling | None:
    # Only for the default distribution (`-n` alone); `--dist …` chooses another.
    return Scheduling(config, log) if config.getoption("dist") == "load" else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long property-based runs first, so that no process ends the run alone on one."""
    items.sort(key=lambda item: item.get_closest_marker("property") is None)


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

    def create_database(self, template: str | None = None) -> str:
        """A new database: empty, or a copy of `template` (a URL from this server)."""
        name = f"planregistry_t_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        # DROP DATABASE waits for a checkpoint; dropped together, they wait for one.
        with ThreadPoolExecutor(max(1, len(self.created))) as pool:
            list(pool.map(self._drop, self.created))
        self.admin.dispose()

    def _drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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


@pytest.fixture(scope="session", autouse=True)
def documents_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Attached documents' bytes go to a folder of this test process, never the checkout
    (on PostgreSQL the default folder is in the working directory)."""
    folder = tmp_path_factory.mktemp("documents")
    previous = os.environ.get(FILES_DIR_ENV)
    os.environ[FILES_DIR_ENV] = str(folder)
    yield folder
    if previous is None:
        del os.environ[FILES_DIR_ENV]
    else:
        os.environ[FILES_DIR_ENV] = previous


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrations.upgrade(f"sqlite:///{path}")
    _settle(path)
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """This process's PostgreSQL database, migrated. The tests' PostgreSQL databases are
    its saved states put back (`PostgresDatabase`); it is in use, so it can be no
    template of CREATE DATABASE: a test that needs a database of its own makes one with
    `postgres_server.create_database()`."""
    url = postgres_server.create_database()
    migrations.upgrade(url)
    return url


def _settle(path: Path) -> None:
    """Fold SQLite's write-ahead log into the file, so that a copy of the file is whole."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds writes"


# --- Seeded templates ------------------------------------------------------------------

Seed = Callable[[Registry], Any]

# Fixtures whose data is built once per process and database kind and then copied into
# each test's database: the fixture's name → what builds the data (as the system, with a
# test clock). A test may use at most one of them.
SEEDS: dict[str, Seed] = {"demo_registry": load_demo, "world": build_world}


def seeded_fixture(name: str, seed: Seed) -> None:
    """Register a fixture (defined by the caller) whose data `seed` builds; see SEEDS."""
    SEEDS[name] = seed


@dataclasses.dataclass(frozen=True)
class Template:
    source: str  # the SQLite file, or the PostgreSQL database's URL
    built: Any = None  # what the seed returned
    clock: dt.datetime = TODAY  # the clock after the seed ran


class PostgresDatabase:
    """This process's PostgreSQL database, put back into a saved state before each test.

    Emptying and refilling a dozen small tables in one transaction takes milliseconds;
    `CREATE DATABASE … TEMPLATE` and `DROP DATABASE` per test take a tenth of a second
    or more each, and TRUNCATE about as much. A state is saved as a copy of every table
    in a schema of its own (`saved_<name>`) and of every sequence's position.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, poolclass=NullPool)
        self.tables = [table.name for table in Base.metadata.sorted_tables]
        with self.engine.connect() as conn:
            self.sequences = list(
                conn.scalars(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                )
            )
        self.saved: dict[str, str] = {}

    def save(self, name: str) -> None:
        schema = f"saved_{name}"
        statements = [f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"']
        statements += [f'CREATE TABLE "{schema}"."{t}" AS TABLE public."{t}"' for t in self.tables]
        with self.engine.begin() as conn:
            conn.exec_driver_sql("; ".join(statements))
            positions = [
                conn.execute(text(f'SELECT last_value, is_called FROM public."{seq}"')).one()
                for seq in self.sequences
            ]
        setvals = ", ".join(
            f"setval('public.\"{seq}\"', {last}, {called})"
            for seq, (last, called) in zip(self.sequences, positions, strict=True)
        )
        # Ordinary triggers (the audit trail's append-only guard) and foreign-key checks
        # do not fire for the replication role: the rows go back exactly as they were.
        statements = [
            "SET LOCAL session_replication_role = replica",
            *(f'DELETE FROM public."{t}"' for t in reversed(self.tables)),
            *(
                f'INSERT INTO public."{t}" OVERRIDING SYSTEM VALUE SELECT * FROM "{schema}"."{t}"'
                for t in self.tables
            ),
        ]
        if setvals:
            statements.append(f"SELECT {setvals}")
        self.saved[name] = "; ".join(statements)

    def restore(self, name: str) -> None:
        with self.engine.begin() as conn:
            # Connections a test left open end with it (as DROP DATABASE … FORCE did).
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            conn.exec_driver_sql(self.saved[name])


class Templates:
    """The migrated templates of this process, empty or seeded, and copies of them.

    SQLite: a template is a file, a copy is a copy of the file. PostgreSQL: a template is
    a saved state of this process's database (`PostgresDatabase`), a copy restores it.
    """

    def __init__(self, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory) -> None:
        self._request = request
        self._tmp = tmp
        self._made: dict[tuple[str, str], Template] = {}
        self._postgres: PostgresDatabase | None = None

    @property
    def postgres(self) -> PostgresDatabase:
        if self._postgres is None:
            self._postgres = PostgresDatabase(self._request.getfixturevalue("postgres_template"))
            self._postgres.save("empty")
        return self._postgres

    def get(self, kind: str, seed: str | None = None) -> Template:
        key = (kind, seed or "empty")
        if key not in self._made:
            self._made[key] = self._build(kind, seed)
        return self._made[key]

    def _build(self, kind: str, seed: str | None) -> Template:
        if seed is None:
            if kind == "sqlite":
                return Template(str(self._request.getfixturevalue("sqlite_template")))
            self.postgres  # noqa: B018  (saves the empty state on first use)
            return Template("empty")
        empty = self.get(kind)
        if kind == "sqlite":
            path = self._tmp.mktemp(f"template-{seed}") / "template.sqlite3"
            shutil.copyfile(empty.source, path)
            url = f"sqlite:///{path}"
        else:
            self.postgres.restore(empty.source)
            url = self.postgres.url
        clock = Clock()
        with Registry.open(url, clock=clock) as registry:
            built = SEEDS[seed](registry)
        if kind == "sqlite":
            _settle(path)
            return Template(str(path), built, clock.current)
        self.postgres.save(seed)
        return Template(seed, built, clock.current)

    def copy(self, kind: str, template: Template, tmp_path: Path) -> str:
        """A database of this kind with the template's content, for one test."""
        if kind == "sqlite":
            path = tmp_path / f"registry-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(template.source, path)
            return f"sqlite:///{path}"
        self.postgres.restore(template.source)
        return self.postgres.url


@pytest.fixture(scope="session")
def templates(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Templates:
    return Templates(request, tmp_path_factory)


@dataclasses.dataclass(frozen=True)
class DatabaseCopy:
    kind: str
    url: str
    template: Template


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> DatabaseCopy:
    """This test's own database of each kind: migrated, empty unless the test uses a
    seeded fixture (`SEEDS`), then holding that fixture's data."""
    seeds = [name for name in SEEDS if name in request.fixturenames]
    assert len(seeds) <= 1, f"a test can start from one seeded fixture, not {seeds}"
    template = templates.get(request.param, seeds[0] if seeds else None)
    url = templates.copy(request.param, template, tmp_path)
    return DatabaseCopy(request.param, url, template)


@pytest.fixture
def database_url(database: DatabaseCopy) -> str:
    """A migrated database of each kind (empty, unless a seeded fixture is used too)."""
    return database.url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(database_url: str, clock: Clock) -> Iterator[Registry]:
    with Registry.open(database_url, clock=clock) as reg:
        yield reg


def seeded_data(database: DatabaseCopy, clock: Clock) -> Any:
    """The seed's result for this test; the clock goes on from where the seed left it."""
    clock.current = database.template.clock
    return database.template.built


@pytest.fixture
def demo_registry(registry: Registry, database: DatabaseCopy, clock: Clock) -> Registry:
    """The demo data (`planregistry demo`): the programme, Stockholm's organisations and
    the seed plan, loaded as the system."""
    assert seeded_data(database, clock) is True  # load_demo loaded it
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
def world(registry: Registry, database: DatabaseCopy, clock: Clock) -> World:
    """Stockholm (two organisations) and Göteborg (one), each with a plan in force and a
    draft; see `tests.world`."""
    built: World = seeded_data(database, clock)
    return dataclasses.replace(built, registry=registry)
