"""The board's joint decision and the answers to its conditions, through both clients."""

from __future__ import annotations

import asyncio

import pytest

from planregistry import (
    BoardDecision,
    ConditionToAnswer,
    RecordedBoardDecision,
    ReviewOutcome,
    Written,
)
from planregistry_client import Client, IllegalTransition, PermissionDenied, StaleVersion
from tests.client.support import Server, unique

ACTIVITY = {
    "title": "Utbildning för medarbetare",
    "level": "preventing",
    "responsible": "Förvaltningen",
    "follow_up_method": "Uppföljning i ILS",
}


def _awaiting_board(server: Server, central: Client, count: int) -> dict[str, int]:
    """`count` new organisations, each with a revision its committee has approved."""
    revisions: dict[str, int] = {}
    for _ in range(count):
        org_id = unique("ks")
        central.create_organization(
            {
                "id": org_id,
                "name": "Förvaltningen",
                "kind": "specialist",
                "committee": "Nämnden",
                "municipality": "stockholm",
            }
        )
        with server.coordinator(org_id) as coordinator:
            plan = coordinator.create_plan(org_id, {"programme_id": "vbe"})
            revision = coordinator.create_revision(
                plan.id, {"label": "Vers. 1", "cycle_year": 2017}
            )
            coordinator.add_activity(revision.id, ACTIVITY)
            coordinator.get_revision(revision.id)
            coordinator.record_decision(
                revision.id,
                {"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
            )
        revisions[org_id] = revision.id
    return revisions


def test_joint_decision_and_answered_conditions_through_the_client(server: Server) -> None:
    with server.central() as central:
        revisions = _awaiting_board(server, central, 2)
        first, second = revisions
        review = central.add_review(
            revisions[first], {"feedback": "Klar.", "outcome": "ready_for_board"}
        )
        assert review.outcome is ReviewOutcome.READY_FOR_BOARD
        for rid in revisions.values():
            central.get_revision(rid)  # remembers the ETags the decision is sent with
        recorded = central.record_board_decision(
            {
                "decided_on": "2017-09-13",
                "case_number": "KS 2017/9",
                "items": [
                    {
                        "revision_id": revisions[first],
                        "outcome": "approved_with_conditions",
                        "conditions": ["Förtydliga ansvaret.", "Komplettera lägesbilden."],
                    },
                    {"revision_id": revisions[second], "outcome": "approved"},
                ],
            }
        )
        assert isinstance(recorded, RecordedBoardDecision)
        joint = recorded.board_decision
        assert isinstance(central.get_board_decision(joint.id), BoardDecision)
        assert joint.id in [d.id for d in central.list_board_decisions()]
        with pytest.raises(PermissionDenied), server.coordinator(first) as own:
            own.add_review(revisions[first], {"feedback": "Själv."})

    with server.coordinator(first) as coordinator:
        (mine,) = coordinator.list_board_decisions()
        assert [i.organization_id for i in mine.items] == [first]
        revision = coordinator.get_revision(revisions[first])
        for activity in revision.activities:
            coordinator.report_follow_up(activity.id, {"period": "2017-VB", "status": "done"})
        new = coordinator.create_revision(
            revision.plan_id, {"label": "Vers. 2", "cycle_year": 2018}
        )
        to_answer = coordinator.conditions_to_answer(new.id)
        assert all(isinstance(c, ConditionToAnswer) for c in to_answer) and len(to_answer) == 2
        with pytest.raises(IllegalTransition, match="villkor"):
            coordinator.record_decision(
                new.id, {"body": "committee", "outcome": "approved", "decided_on": "2018-03-15"}
            )
        coordinator.get_revision(new.id)
        for item in to_answer:
            written = coordinator.answer_condition(
                new.id, item.condition.id, {"response": "Åtgärdat i avsnittet Samverkan."}
            )
            assert isinstance(written, Written)
        assert not [f for f in coordinator.completeness(new.id) if f.code == "condition_unanswered"]
        decided = coordinator.record_decision(
            new.id, {"body": "committee", "outcome": "approved", "decided_on": "2018-03-15"}
        )
        assert decided.value.status_after == "awaiting_board"


def test_the_async_client_records_a_joint_decision_and_a_stale_one_is_refused(
    server: Server,
) -> None:
    with server.central() as central:
        revisions = _awaiting_board(server, central, 2)
        versions = {rid: central.get_revision(rid).version for rid in revisions.values()}
    body = {
        "decided_on": "2017-09-13",
        "case_number": "KS 2017/10",
        "items": [{"revision_id": rid, "outcome": "approved"} for rid in revisions.values()],
    }

    async def record() -> RecordedBoardDecision:
        async with server.async_client("central") as central:
            stale = {**versions, next(iter(versions)): 1_000}
            with pytest.raises(StaleVersion):
                await central.record_board_decision(body, expected_versions=stale)
            return await central.record_board_decision(body, expected_versions=versions)

    recorded = asyncio.run(record())
    assert {i.status_after for i in recorded.board_decision.items} == {"approved"}
