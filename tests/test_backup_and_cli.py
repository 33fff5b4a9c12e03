"""Export → import restores exactly; the CLI drives migrations, demo data and backups."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from planregistry import Conflict, Registry, ValidationError
from planregistry.cli import main
from planregistry.storage import migrations
from tests.conftest import PostgresServer


def _fresh_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / name}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_upgrade_demo_export_import_round_trip(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = _fresh_url(kind, tmp_path, request, "source.sqlite3")
    target = _fresh_url(kind, tmp_path, request, "target.sqlite3")
    _cli("--database-url", source, "db", "upgrade")
    assert "inläst" in _cli("--database-url", source, "demo")
    # A little of everything, so the document holds decisions, follow-ups and a copy.
    with Registry.open(source) as registry:
        (plan,) = registry.list_plans("hasselby-vallingby")
        first = plan.revisions[0].id
        registry.record_decision(
            first,
            {
                "body": "committee",
                "outcome": "approved",
                "decided_on": "2017-05-18",
                "minutes_ref": "§ 12",
            },
        )
        registry.record_decision(
            first,
            {"body": "city_executive_board", "outcome": "approved", "decided_on": "2017-09-06"},
        )
        for activity in registry.get_revision(first).activities:
            registry.report_follow_up(activity.id, {"period": "2017-VB", "status": "ongoing"})
        second = registry.create_revision(plan.id, {"label": "Vers. 2", "cycle_year": 2018})
        registry.add_activity(
            second.id, {"title": "Ny aktivitet", "level": "hindering", "themes": ["exit_support"]}
        )
    exported = tmp_path / "export.json"
    _cli("--database-url", source, "export", "-o", str(exported))

    _cli("--database-url", target, "db", "upgrade")
    _cli("--database-url", target, "import", str(exported))
    again = tmp_path / "again.json"
    _cli("--database-url", target, "export", "-o", str(again))
    assert again.read_bytes() == exported.read_bytes()

    # The restored database keeps working: new ids do not collide with imported ones.
    with Registry.open(target) as registry:
        activity = registry.add_activity(second.id, {"title": "Efter import", "level": "promoting"})
        assert activity.id > max(a.id for a in registry.get_revision(first).activities)


def test_import_refuses_a_database_that_is_not_empty(demo_registry: Registry) -> None:
    document = demo_registry.export_json()
    with pytest.raises(Conflict):
        demo_registry.import_json(document)


def test_import_refuses_a_malformed_document(registry: Registry) -> None:
    before = registry.export_json()
    with pytest.raises(ValidationError):
        registry.import_json(b'{"format": "planregistry-export", "municipalities": 3}')
    with pytest.raises(ValidationError):
        registry.import_json(b"{not json")
    assert registry.export_json() == before


def test_demo_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    migrations.upgrade(url)
    _cli("--database-url", url, "demo")
    assert "fanns redan" in _cli("--database-url", url, "demo")


def test_default_database_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANREGISTRY_DATABASE_URL", raising=False)
    _cli("db", "upgrade")
    _cli("demo")
    assert (tmp_path / "planregistry.sqlite3").is_file()


def test_serve_without_the_server_extra_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planregistry.cli import run

    # As if granian were not installed: importing it raises ModuleNotFoundError.
    monkeypatch.setitem(sys.modules, "granian", None)
    monkeypatch.setitem(sys.modules, "granian.constants", None)
    monkeypatch.setenv("PLANREGISTRY_JWT_SECRET", "s" * 40)
    monkeypatch.setenv("PLANREGISTRY_DATABASE_URL", "-")  # `serve` sets it; undone after
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setattr(sys, "argv", ["planregistry", "--database-url", url, "serve"])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "pip install 'planregistry[server]'" in err and "granian" in err
    assert "Traceback" not in err


def _refused(*args: str) -> str:
    """The command fails with one Swedish line on stderr and exit code 1, no traceback."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Fel: ") and "Traceback" not in result.stderr
    return line


def test_data_commands_give_a_new_sqlite_file_the_schema(tmp_path: Path) -> None:
    exported = tmp_path / "empty.json"
    result = CliRunner().invoke(
        main,
        ["--database-url", f"sqlite:///{tmp_path / 'new.sqlite3'}", "export", "-o", str(exported)],
    )
    assert result.exit_code == 0, result.output
    assert "schema" in result.stderr
    assert b'"organizations": []' in exported.read_bytes()
    # A file that exists but is empty (touch) is as new; import and demo need no upgrade.
    (tmp_path / "touched.sqlite3").touch()
    touched = f"sqlite:///{tmp_path / 'touched.sqlite3'}"
    assert "inläst" in _cli("--database-url", touched, "demo")
    _cli("--database-url", touched, "export", "-o", str(exported))
    _cli("--database-url", f"sqlite:///{tmp_path / 'other.sqlite3'}", "import", str(exported))


@pytest.mark.postgres
def test_a_never_migrated_postgresql_database_is_not_migrated_unasked(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    document = tmp_path / "doc.json"
    document.write_text("{}")
    for args in (("export",), ("demo",), ("import", str(document))):
        line = _refused("--database-url", url, *args)
        assert "PLANREGISTRY_DATABASE_URL" in line and "planregistry db upgrade" in line, line
    with Registry.open(url) as registry, registry.engine.connect() as connection:
        from sqlalchemy import inspect

        assert inspect(connection).get_table_names() == []  # left as it was


def test_an_older_schema_or_a_foreign_database_says_what_to_do(tmp_path: Path) -> None:
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrations.upgrade(old, "0001")
    line = _refused("--database-url", old, "export")
    assert "äldre schemaversion (0001)" in line and "planregistry db upgrade" in line
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    connection.close()
    line = _refused("--database-url", f"sqlite:///{foreign}", "demo")
    assert "inte är registrets" in line


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask (022): without care, new files would be readable by all."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("usual_umask")
def test_the_database_its_log_and_the_export_are_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    url = f"sqlite:///{path}"
    _cli("--database-url", url, "demo")
    # Keep a connection open so that the write-ahead log and its index exist.
    with Registry.open(url) as registry:
        registry.list_organizations()
        holder = sqlite3.connect(path)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("CREATE TABLE t (x)")
        created = [path, tmp_path / "private.sqlite3-wal", tmp_path / "private.sqlite3-shm"]
        assert all(p.exists() for p in created), list(tmp_path.iterdir())
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in created}
        holder.rollback()
        holder.close()
    backup = tmp_path / "backup.json"
    backup.write_text("an older file, readable by all")
    backup.chmod(0o644)
    _cli("--database-url", url, "export", "-o", str(backup))
    modes[backup.name] = stat.S_IMODE(backup.stat().st_mode)
    assert modes == dict.fromkeys(modes, 0o600)
    assert backup.read_bytes().startswith(b"{")
