"""The benchmark data generator: deterministic, every lifecycle state, a usable registry."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from planregistry import Registry, RevisionStatus
from planregistry.benchdata import generate
from planregistry.cli import main
from planregistry.storage import migrations
from planregistry.storage.tables import DecisionRow, OrganizationRow, RevisionRow
from tests.conftest import Clock, PostgresServer
from tests.test_comparisons import plan_id_of


def test_generates_organisations_in_municipalities_with_six_revisions(registry: Registry) -> None:
    summary = generate(registry.engine, 45, seed=1)
    assert (summary.organizations, summary.municipalities, summary.revisions) == (45, 3, 270)
    assert 28 * 270 <= summary.activities <= 32 * 270
    assert summary.follow_ups > 0
    with registry.engine.connect() as conn:
        statuses = Counter(conn.scalars(select(RevisionRow.status)))
        kinds = Counter(conn.scalars(select(OrganizationRow.kind)))
        municipalities = conn.scalar(select(func.count(OrganizationRow.municipality_id.distinct())))
    assert set(statuses) == {s.value for s in RevisionStatus}
    assert statuses["superseded"] == 3 * 45 and statuses["approved"] == 45
    assert statuses["draft"] + statuses["awaiting_board"] == 45
    assert kinds["district"] > kinds["specialist"] > 0
    assert municipalities == 3


def test_every_approved_revision_has_its_board_decision(registry: Registry) -> None:
    generate(registry.engine, 6, seed=2)
    with registry.engine.connect() as conn:
        approved = set(
            conn.scalars(
                select(RevisionRow.id).where(RevisionRow.status.in_(["approved", "superseded"]))
            )
        )
        by_board = set(
            conn.scalars(
                select(DecisionRow.revision_id).where(
                    DecisionRow.body == "city_executive_board",
                    DecisionRow.status_after == "approved",
                )
            )
        )
    assert approved == by_board


def test_generated_revision_reads_back_whole_and_the_registry_stays_writable(
    registry: Registry,
) -> None:
    generate(registry.engine, 3, seed=3)
    plan = registry.get_plan(plan_id_of(registry, "bench-0001-02"))
    assert [r.status for r in plan.revisions][:4] == [
        RevisionStatus.SUPERSEDED,
        RevisionStatus.SUPERSEDED,
        RevisionStatus.SUPERSEDED,
        RevisionStatus.APPROVED,
    ]
    in_force = registry.get_revision(plan.revisions[3].id)
    assert len(in_force.sections) == 11
    assert 28 <= len(in_force.activities) <= 32
    assert all(a.themes and a.partners for a in in_force.activities)
    assert in_force.situation is not None and len(in_force.situation.survey) == 6
    earlier = registry.get_revision(plan.revisions[2].id)
    assert len({a.key for a in earlier.activities} & {a.key for a in in_force.activities}) >= 24
    # New rows after the generated ids (PostgreSQL sequences were moved past them).
    follow_up = registry.report_follow_up(
        in_force.activities[0].id, {"period": "2026-VB", "status": "done"}
    )
    assert follow_up.id > 0
    registry.create_organization(
        {
            "id": "ny",
            "name": "Ny förvaltning",
            "kind": "specialist",
            "committee": "Ny nämnd",
            "municipality": "bench-0001",
        }
    )
    new_plan = registry.create_plan("ny", {"programme_id": "vbe"})
    revision = registry.create_revision(new_plan.id, {"label": "Vers. 1", "cycle_year": 2026})
    assert revision.id > plan.revisions[-1].id


def test_same_seed_same_data_on_sqlite_and_postgresql(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    documents = []
    for url in (f"sqlite:///{tmp_path / 'a.sqlite3'}", postgres_server.create_database()):
        migrations.upgrade(url)
        with Registry.open(url, clock=Clock()) as registry:
            generate(registry.engine, 4, seed=9)
            documents.append(registry.export_json())
    assert documents[0] == documents[1]
    other = tmp_path / "b.sqlite3"
    migrations.upgrade(f"sqlite:///{other}")
    with Registry.open(f"sqlite:///{other}") as registry:
        generate(registry.engine, 4, seed=10)
        assert registry.export_json() != documents[0]


def test_cli_bench_data_fills_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        main, ["--database-url", url, "bench-data", "--orgs", "21", "--seed", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "21 organisationer i 2 kommuner, 126 revisioner" in result.output
    with Registry.open(url) as registry:
        assert len(registry.status_board().rows) == 21
