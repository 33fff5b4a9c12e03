"""Concurrent writers: on SQLite they wait for each other instead of failing with
'database is locked'; on both databases a write waits for a conflicting one to finish."""

from __future__ import annotations

import threading

from sqlalchemy import update

from planregistry import IllegalTransition, Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage.tables import RevisionRow
from planregistry_domain.vocabulary import RevisionStatus
from tests.world import World, snapshot


def test_concurrent_writers_all_succeed(database_url: str) -> None:
    with Registry.open(database_url) as registry:
        load_demo(registry)
        (plan,) = registry.list_plans("hasselby-vallingby")
        revision_id = plan.revisions[0].id
        before = len(registry.get_revision(revision_id).activities)

    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with Registry.open(database_url) as own:
                for i in range(10):
                    own.add_activity(
                        revision_id, {"title": f"Aktivitet {worker}-{i}", "level": "promoting"}
                    )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Registry.open(database_url) as registry:
        revision = registry.get_revision(revision_id)
    assert len(revision.activities) == before + 60
    # Positions stay unique: every writer saw the others' rows.
    assert len({a.position for a in revision.activities}) == len(revision.activities)
    assert revision.version >= 60


def test_a_follow_up_waits_for_a_decision_superseding_its_revision(world: World) -> None:
    """A report racing the decision that supersedes the plan in force must not land on
    the superseded revision: it waits for the decision's transaction and is then refused."""
    registry = world.registry
    activity_id = world.own.approved_activity
    before = snapshot(registry)
    outcome: list[BaseException | None] = []

    def report() -> None:
        try:
            registry.report_follow_up(activity_id, {"period": "2026-T1", "status": "done"})
            outcome.append(None)
        except BaseException as exc:  # collected and asserted below
            outcome.append(exc)

    # The decision's transaction, held open: the status change a board approval of the
    # next revision makes to the one in force.
    with registry.engine.connect() as decision:
        transaction = decision.begin()
        decision.execute(
            update(RevisionRow)
            .where(RevisionRow.id == world.own.approved)
            .values(status=RevisionStatus.SUPERSEDED.value)
        )
        reporter = threading.Thread(target=report)
        reporter.start()
        reporter.join(timeout=1.0)
        assert reporter.is_alive(), "the report did not wait for the open decision"
        transaction.commit()
    reporter.join()
    (error,) = outcome
    assert isinstance(error, IllegalTransition)
    assert error.current == RevisionStatus.SUPERSEDED.value
    data, audit_entries = snapshot(registry)
    assert audit_entries == before[1]
    assert data.count(b'"2026-T1"') == 0
