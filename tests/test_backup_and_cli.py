"""Export → import restores exactly; the CLI drives migrations, demo data and backups."""

from __future__ import annotations

import sys
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
