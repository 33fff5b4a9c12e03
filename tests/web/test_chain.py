"""Where a revision stands in the chain, from its decisions alone (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from planregistry_api.web.chain import CURRENT, DONE, STOPPED, TODO, revision_chain
from planregistry_domain.actor import Actor
from planregistry_domain.model import Decision, Plan, Revision, RevisionSummary
from planregistry_domain.policy import Scope
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, Role
from planregistry_domain.vocabulary import RevisionStatus as S

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
COMMITTEE, BOARD = DecisionBody.COMMITTEE, DecisionBody.CITY_EXECUTIVE_BOARD
O = DecisionOutcome  # noqa: E741
SCOPE = Scope(municipality="stockholm", organization="bromma")
COORDINATOR = Actor(
    subject="c", name="C", role=Role.COORDINATOR, municipality="stockholm", organization="bromma"
)
READER = Actor(subject="r", name="R", role=Role.READER, municipality="stockholm")


def _revision(*decisions: tuple[DecisionBody, DecisionOutcome, S, S, str | None]) -> Revision:
    made = [
        Decision(
            id=i,
            revision_id=1,
            body=body,
            outcome=outcome,
            decided_on=NOW.date(),
            conditions=conditions,
            status_before=before,
            status_after=after,
            recorded_by="X",
            recorded_at=NOW,
        )
        for i, (body, outcome, before, after, conditions) in enumerate(decisions, 1)
    ]
    status = made[-1].status_after if made else S.DRAFT
    return Revision(
        id=1,
        plan_id=1,
        number=1,
        label="Plan",
        cycle_year=2026,
        status=status,
        decisions=made,
        created_at=NOW,
        updated_at=NOW,
    )


def _chain(revision: Revision, actor: Actor = COORDINATOR):
    plan = Plan(
        id=1,
        organization_id="bromma",
        programme_id="vbe",
        created_at=NOW,
        updated_at=NOW,
        revisions=[
            RevisionSummary(id=1, number=1, label="Plan", cycle_year=2026, status=revision.status)
        ],
    )
    return revision_chain(revision, plan, [], actor, SCOPE)


APPROVED = (COMMITTEE, O.APPROVED, S.DRAFT, S.AWAITING_BOARD, None)


@pytest.mark.parametrize(
    ("decisions", "states", "current"),
    [
        ((), [CURRENT, TODO, TODO, TODO, TODO], "utkast"),
        ((APPROVED,), [DONE, DONE, CURRENT, CURRENT, TODO], "kommunstyrelsen"),
        (
            (APPROVED, (BOARD, O.APPROVED_WITH_CONDITIONS, S.AWAITING_BOARD, S.APPROVED, "V")),
            [DONE] * 5,
            None,
        ),
        (
            (APPROVED, (BOARD, O.REJECTED, S.AWAITING_BOARD, S.REJECTED, None)),
            [DONE, DONE, DONE, STOPPED, TODO],
            None,
        ),
        (
            (APPROVED, (COMMITTEE, O.WITHDRAWN, S.AWAITING_BOARD, S.WITHDRAWN, None)),
            [DONE, STOPPED, TODO, TODO, TODO],
            None,
        ),
    ],
)
def test_each_state_of_the_chain(decisions, states, current) -> None:
    chain = _chain(_revision(*decisions))
    assert [step.state for step in chain.steps] == states
    assert chain.current == current


def test_a_return_starts_a_new_round_and_says_who_returned_it() -> None:
    chain = _chain(_revision(APPROVED, (BOARD, O.RETURNED, S.AWAITING_BOARD, S.DRAFT, "Mer.")))
    assert chain.returned_by is not None and chain.returned_by.body is BOARD
    assert chain.steps[0].note == "Återremitterad av kommunstyrelsen."
    assert chain.steps[1].decision is None and chain.steps[3].decision is None


def test_conditions_name_the_last_step_and_controls_follow_the_policy() -> None:
    approved = _revision(
        APPROVED, (BOARD, O.APPROVED_WITH_CONDITIONS, S.AWAITING_BOARD, S.APPROVED, "V")
    )
    chain = _chain(approved)
    assert chain.steps[-1].heading == "Godkänd med villkor"
    assert chain.steps[3].decision is not None and chain.steps[3].decision.conditions == "V"
    assert [c.label for c in chain.controls] == [
        "Rapportera uppföljning",
        "Starta nästa års revision",
    ]
    assert _chain(approved, READER).controls == []
    assert [c.label for c in _chain(_revision()).controls] == [
        "Redigera utkastet",
        "Registrera nämndens beslut",
    ]


def test_only_those_who_may_edit_a_draft_are_offered_the_editor() -> None:
    draft = _revision()
    (edit, _) = _chain(draft).controls
    assert (edit.href, edit.label) == ("/revisioner/1/redigera", "Redigera utkastet")
    elsewhere = Actor(
        subject="n",
        name="N",
        role=Role.COORDINATOR,
        municipality="stockholm",
        organization="norrmalm",
    )
    assert _chain(draft, READER).controls == []
    assert _chain(draft, elsewhere).controls == []
    awaiting = _chain(_revision(APPROVED)).controls
    assert "Redigera utkastet" not in [c.label for c in awaiting]
