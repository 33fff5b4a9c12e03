"""Next due date and overdue: the pure rule, and the registry reading it with its clock."""

from __future__ import annotations

import datetime as dt

import pytest

from planregistry import (
    DecisionBody,
    DecisionOutcome,
    NotFound,
    PlanDeadline,
    Registry,
    Revision,
    RevisionCycle,
    RevisionState,
    RevisionStatus,
)
from planregistry_domain.deadlines import plan_deadline
from planregistry_domain.model import Decision
from tests.conftest import Clock

S = RevisionStatus
CYCLE = RevisionCycle()  # yearly, due 31 May (tertialrapport 1)
HV = "hasselby-vallingby"


def _state(
    number: int, year: int, status: RevisionStatus, approved_on: dt.date | None = None
) -> RevisionState:
    return RevisionState(
        id=100 + number, number=number, cycle_year=year, status=status, approved_on=approved_on
    )


def _deadline(*states: RevisionState, today: dt.date, cycle: RevisionCycle = CYCLE) -> PlanDeadline:
    return plan_deadline(7, cycle, states, today)


def test_a_plan_without_revisions_has_nothing_due() -> None:
    deadline = _deadline(today=dt.date(2030, 1, 1))
    assert deadline == PlanDeadline(plan_id=7)


@pytest.mark.parametrize("status", [S.DRAFT, S.AWAITING_BOARD])
def test_a_first_draft_is_due_for_its_own_cycle_year(status: RevisionStatus) -> None:
    draft = _state(1, 2017, status)
    on_time = _deadline(draft, today=dt.date(2017, 5, 31))
    assert (on_time.due_cycle_year, on_time.next_due, on_time.overdue) == (
        2017,
        dt.date(2017, 5, 31),
        False,  # the due day itself is still on time
    )
    assert _deadline(draft, today=dt.date(2017, 6, 1)).overdue
    assert on_time.in_force is None
    assert on_time.in_progress is not None
    assert (on_time.in_progress.revision_id, on_time.in_progress.status) == (101, status)


def test_a_plan_in_force_is_due_for_the_next_cycle_year() -> None:
    approved = _state(1, 2017, S.APPROVED, dt.date(2017, 6, 14))
    deadline = _deadline(approved, today=dt.date(2018, 1, 10))
    assert (deadline.next_due, deadline.overdue) == (dt.date(2018, 5, 31), False)
    assert deadline.in_force is not None
    assert (deadline.in_force.revision_id, deadline.in_force.approved_on) == (
        101,
        dt.date(2017, 6, 14),
    )
    assert _deadline(approved, today=dt.date(2018, 6, 1)).overdue


def test_a_draft_does_not_move_the_due_date_of_the_plan_in_force() -> None:
    approved = _state(1, 2017, S.APPROVED, dt.date(2017, 6, 14))
    # A mid-year revision of 2017 and a draft for 2018 are both still due in May 2018.
    for year in (2017, 2018):
        deadline = _deadline(approved, _state(2, year, S.DRAFT), today=dt.date(2018, 8, 1))
        assert (deadline.next_due, deadline.overdue) == (dt.date(2018, 5, 31), True)
        assert deadline.in_progress is not None and deadline.in_progress.number == 2


def test_approving_the_due_revision_ends_the_overdue() -> None:
    today = dt.date(2018, 8, 1)
    superseded = _state(1, 2017, S.SUPERSEDED, dt.date(2017, 6, 14))
    approved = _state(2, 2018, S.APPROVED, dt.date(2018, 6, 20))
    deadline = _deadline(superseded, approved, today=today)
    assert (deadline.next_due, deadline.overdue) == (dt.date(2019, 5, 31), False)
    assert deadline.in_force is not None and deadline.in_force.number == 2


@pytest.mark.parametrize("status", [S.REJECTED, S.WITHDRAWN])
def test_a_plan_whose_only_revision_ended_still_owes_that_year(status: RevisionStatus) -> None:
    deadline = _deadline(_state(1, 2017, status), today=dt.date(2017, 9, 1))
    assert (deadline.next_due, deadline.overdue) == (dt.date(2017, 5, 31), True)
    assert deadline.in_force is None and deadline.in_progress is None


def test_the_cycle_interval_and_per_year_overrides_are_used() -> None:
    cycle = RevisionCycle(interval_years=2, due_dates={"2019": dt.date(2019, 4, 30)})
    approved = _state(1, 2017, S.APPROVED)
    deadline = _deadline(approved, today=dt.date(2019, 5, 1), cycle=cycle)
    assert (deadline.due_cycle_year, deadline.next_due, deadline.overdue) == (
        2019,
        dt.date(2019, 4, 30),
        True,
    )


def test_revision_state_takes_the_latest_board_approval_date() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    may, june, aug, sep = (dt.date(2017, m, 14) for m in (5, 6, 8, 9))

    def decision(
        body: DecisionBody, outcome: DecisionOutcome, on: dt.date, after: RevisionStatus
    ) -> Decision:
        return Decision(
            id=1,
            revision_id=1,
            body=body,
            outcome=outcome,
            decided_on=on,
            status_before=S.DRAFT if after is S.AWAITING_BOARD else S.AWAITING_BOARD,
            status_after=after,
            recorded_by="System",
            recorded_at=now,
        )

    revision = Revision(
        id=1,
        plan_id=1,
        number=1,
        label="Vers. 1",
        cycle_year=2017,
        status=S.APPROVED,
        created_at=now,
        updated_at=now,
        decisions=[
            decision(DecisionBody.COMMITTEE, DecisionOutcome.APPROVED, may, S.AWAITING_BOARD),
            decision(DecisionBody.CITY_EXECUTIVE_BOARD, DecisionOutcome.RETURNED, june, S.DRAFT),
            decision(DecisionBody.COMMITTEE, DecisionOutcome.APPROVED, aug, S.AWAITING_BOARD),
            decision(
                DecisionBody.CITY_EXECUTIVE_BOARD,
                DecisionOutcome.APPROVED_WITH_CONDITIONS,
                sep,
                S.APPROVED,
            ),
        ],
    )
    state = RevisionState.of(revision)
    assert (state.status, state.approved_on) == (S.APPROVED, sep)


# --- The registry, on its own clock ---------------------------------------------------


def _decide(registry: Registry, revision_id: int, body: str, on: str) -> Revision:
    registry.record_decision(revision_id, {"body": body, "outcome": "approved", "decided_on": on})
    return registry.get_revision(revision_id)


def test_registry_plan_deadline_follows_the_plan_and_the_clock(
    demo_registry: Registry, clock: Clock
) -> None:
    registry = demo_registry
    (plan,) = registry.list_plans(HV)
    seed = plan.revisions[0].id
    clock.current = dt.datetime(2017, 5, 1, 9, tzinfo=dt.UTC)
    deadline = registry.plan_deadline(plan.id)
    assert deadline.in_progress is not None and deadline.in_progress.revision_id == seed
    assert (deadline.next_due, deadline.overdue) == (dt.date(2017, 5, 31), False)

    clock.current = dt.datetime(2017, 6, 20, 9, tzinfo=dt.UTC)
    assert registry.plan_deadline(plan.id).overdue
    _decide(registry, seed, "committee", "2017-05-18")
    in_board = registry.plan_deadline(plan.id)
    assert in_board.in_progress is not None
    assert in_board.in_progress.status is S.AWAITING_BOARD and in_board.overdue
    _decide(registry, seed, "city_executive_board", "2017-06-14")
    approved = registry.plan_deadline(plan.id)
    assert approved.in_force is not None and approved.in_progress is None
    assert approved.in_force.approved_on == dt.date(2017, 6, 14)
    assert (approved.next_due, approved.overdue) == (dt.date(2018, 5, 31), False)

    clock.current = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    assert registry.plan_deadline(plan.id).overdue


def test_registry_plan_deadline_of_a_plan_without_revisions(demo_registry: Registry) -> None:
    plan = demo_registry.create_plan("bromma", {"programme_id": "vbe"})
    assert demo_registry.plan_deadline(plan.id) == PlanDeadline(plan_id=plan.id)
    with pytest.raises(NotFound):
        demo_registry.plan_deadline(999_999)
