"""The schema comes only from Alembic, and the migrations agree with the mappings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from planregistry.storage import migrations
from planregistry.storage.tables import Base


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return str(server.create_database())


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    expected = set(Base.metadata.tables)
    assert _tables(empty_database_url) == expected
    migrations.downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    migrations.upgrade(empty_database_url)
    assert _tables(empty_database_url) == expected


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_one_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite:///unused.sqlite3"))
    assert len(script.get_heads()) == 1


def test_packaged_migrations_match_checkout(tmp_path: Path) -> None:
    # The wheel ships migrations/ as planregistry/_migrations; in a checkout we read them in place.
    location = migrations.script_location()
    assert (location / "env.py").is_file()
    assert any((location / "versions").glob("*.py"))
    shutil.rmtree(tmp_path)
