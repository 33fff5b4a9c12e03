"""When a plan's next revision is due, and whether it is overdue.

The rule (DESIGN.md): plans are revised every cycle; "a revision is overdue when the
cycle's due date has passed and it is not approved". Read as a rule over a plan:

- a plan in force for cycle year Y (its approved revision) is next due for cycle year
  Y + interval, at that year's due date (`RevisionCycle.due_date`); a draft of the same
  year (a mid-year revision) does not move that date;
- a plan with nothing in force is due for the cycle year of its open revision (draft
  or awaiting the board);
- with neither, it is due for the cycle year of its latest revision (rejected or
  withdrawn): the organisation still owes that year's plan;
- a plan with no revision at all has no date to count from: nothing is due.

The revision due is never the one in force, so once its due date has passed (the due
day itself is still on time) the plan is overdue until a revision of that cycle year
or later is approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from msgspec import Struct

from planregistry_domain.lifecycle import OPEN_STATUSES
from planregistry_domain.model import Revision
from planregistry_domain.programme import RevisionCycle
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, RevisionStatus

BOARD_APPROVALS = frozenset({DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS})


class RevisionState(Struct, frozen=True, kw_only=True):
    """What the deadline rule needs to know of one revision."""

    id: int
    number: int
    cycle_year: int
    status: RevisionStatus
    # decided_on of the city executive board's (latest) approval, if it has one.
    approved_on: dt.date | None = None

    @classmethod
    def of(cls, revision: Revision) -> RevisionState:
        approvals = [
            d.decided_on
            for d in revision.decisions
            if d.body == DecisionBody.CITY_EXECUTIVE_BOARD and d.outcome in BOARD_APPROVALS
        ]
        return cls(
            id=revision.id,
            number=revision.number,
            cycle_year=revision.cycle_year,
            status=revision.status,
            approved_on=approvals[-1] if approvals else None,
        )


class InForceRevision(Struct, kw_only=True):
    revision_id: int
    number: int
    cycle_year: int
    approved_on: dt.date | None = None


class OpenRevision(Struct, kw_only=True):
    revision_id: int
    number: int
    cycle_year: int
    status: RevisionStatus


class PlanDeadline(Struct, kw_only=True):
    plan_id: int
    in_force: InForceRevision | None = None
    in_progress: OpenRevision | None = None
    # The cycle year the next revision is due for, and that year's due date.
    due_cycle_year: int | None = None
    next_due: dt.date | None = None
    overdue: bool = False


def plan_deadline(
    plan_id: int, cycle: RevisionCycle, revisions: Iterable[RevisionState], today: dt.date
) -> PlanDeadline:
    """The plan's deadline as of `today`; see the module docstring for the rule."""
    by_number = sorted(revisions, key=lambda r: r.number)
    in_force = _latest(r for r in by_number if r.status is RevisionStatus.APPROVED)
    open_revision = _latest(r for r in by_number if r.status in OPEN_STATUSES)
    if in_force is not None:
        due_year: int | None = in_force.cycle_year + cycle.interval_years
    elif open_revision is not None:
        due_year = open_revision.cycle_year
    elif by_number:
        due_year = by_number[-1].cycle_year
    else:
        due_year = None
    next_due = None if due_year is None else cycle.due_date(due_year)
    return PlanDeadline(
        plan_id=plan_id,
        in_force=None
        if in_force is None
        else InForceRevision(
            revision_id=in_force.id,
            number=in_force.number,
            cycle_year=in_force.cycle_year,
            approved_on=in_force.approved_on,
        ),
        in_progress=None
        if open_revision is None
        else OpenRevision(
            revision_id=open_revision.id,
            number=open_revision.number,
            cycle_year=open_revision.cycle_year,
            status=open_revision.status,
        ),
        due_cycle_year=due_year,
        next_due=next_due,
        overdue=next_due is not None and today > next_due,
    )


def _latest(revisions: Iterable[RevisionState]) -> RevisionState | None:
    # The lifecycle keeps at most one of each; the highest number wins if data says otherwise.
    found = None
    for revision in revisions:
        found = revision
    return found
