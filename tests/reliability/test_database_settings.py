"""The settings behind the durability and outage promises: SQLite's `synchronous` and
the bounded waits on PostgreSQL, as the engine applies them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from planregistry import settings
from planregistry.storage import engine as engine_module
from planregistry.storage.engine import create_registry_engine
from planregistry_domain.errors import ConfigurationError
from tests.conftest import PostgresServer


def test_sqlite_syncs_every_commit_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite runs its throwaway databases with NORMAL (tests/conftest.py); the
    # product's default is FULL.
    monkeypatch.setattr(engine_module, "DEFAULT_SYNCHRONOUS", "FULL")
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    for given, level in ((None, 2), ("NORMAL", 1), ("full", 2)):
        engine = create_registry_engine(url, sqlite_synchronous=given)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level
        engine.dispose()
    with pytest.raises(ValueError, match="synchronous"):
        create_registry_engine(url, sqlite_synchronous="OFF")


def test_the_environment_sets_the_bounds_and_refuses_nonsense() -> None:
    assert settings.engine_options({}) == {
        "connect_timeout": 5.0,
        "statement_timeout": 30.0,
        "pool_timeout": 10.0,
    }
    options = settings.engine_options(
        {"PLANREGISTRY_DB_STATEMENT_TIMEOUT": "2.5", "PLANREGISTRY_SQLITE_SYNCHRONOUS": "normal"}
    )
    assert options["statement_timeout"] == 2.5 and options["sqlite_synchronous"] == "NORMAL"
    with pytest.raises(ConfigurationError, match="PLANREGISTRY_DB_POOL_TIMEOUT"):
        settings.engine_options({"PLANREGISTRY_DB_POOL_TIMEOUT": "0"})
    with pytest.raises(ConfigurationError, match="PLANREGISTRY_SQLITE_SYNCHRONOUS"):
        settings.engine_options({"PLANREGISTRY_SQLITE_SYNCHRONOUS": "OFF"})


@pytest.mark.postgres
def test_postgres_connections_carry_the_statement_timeout(
    postgres_server: PostgresServer,
) -> None:
    engine = create_registry_engine(postgres_server.url, connect_timeout=3, statement_timeout=1.5)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "1500ms"
    finally:
        engine.dispose()
