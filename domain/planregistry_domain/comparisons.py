"""The central coordinator's comparison views: their filters, row types and pure rules.

Every view has one row per organisation (and plan), so an organisation without a plan
still shows, with nulls. A view reads one revision per plan, its *basis*:

- `in_force` (default): the revision in force (status `approved`); with `cycle_year`
  set, the revision the city executive board approved for that cycle year, even if a
  later one has superseded it since;
- `latest`: the plan's highest-numbered revision; with `cycle_year` set, the highest-
  numbered revision of that cycle year.

The status board without `cycle_year` is "now" (in force, open, next due); with it, it
is that cycle's board: the revision approved for it, the open one of that year, and
that year's due date, overdue while nothing of that year is approved.

Nothing here touches storage; `planregistry.usecases.comparisons` reads the rows.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from msgspec import Struct, field

from planregistry_domain.constraints import Period, Slug, Year
from planregistry_domain.deadlines import InForceRevision, OpenRevision
from planregistry_domain.programme import RevisionCycle, SurveyQuestion, Term
from planregistry_domain.vocabulary import (
    ActorKind,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    ReviewOutcome,
    RevisionStatus,
)


class Basis(StrEnum):
    IN_FORCE = "in_force"
    LATEST = "latest"


class ComparisonFilter(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Which organisations and revisions a view covers; every field is optional.

    `period` applies to follow-up progress only, `basis` to coverage, partners and
    situation pictures (follow-up is always over the revision in force).
    """

    programme: Slug | None = None
    kind: OrganizationKind | None = None
    municipality: Slug | None = None
    cycle_year: Year | None = None
    period: Period | None = None
    basis: Basis = Basis.IN_FORCE


# Follow-up progress counts activities with no report in a period under this key.
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = "Ej rapporterad"


class RevisionRef(Struct, kw_only=True):
    """The revision a row was computed from."""

    revision_id: int
    number: int
    cycle_year: int
    status: RevisionStatus


class OrganizationColumns(Struct):
    """What every row starts with; `programme_id` is null for an organisation with no plan.

    Positional (the rest of each row is keyword-only), so a view fills these five from
    a database row with one unpacking rather than a dictionary per row.
    """

    organization_id: str
    organization_name: str
    kind: OrganizationKind
    municipality: str
    programme_id: str | None


class StatusBoardRow(OrganizationColumns, kw_only=True):
    """`in_force.approved_on` is the KS approval date; the deadline rule is in `deadlines`."""

    in_force: InForceRevision | None = None
    in_progress: OpenRevision | None = None
    next_due: dt.date | None = None
    overdue: bool = False
    # The process around the board, shown to those who may read the plan: the latest
    # central review of the revision in progress, and how many of the conditions of the
    # approval in force it has yet to answer.
    review_outcome: ReviewOutcome | None = None
    open_conditions: int = 0


class CoverageRow(OrganizationColumns, kw_only=True):
    revision: RevisionRef | None = None
    activities: int = 0
    # Every level and theme of the view's programmes, zero where the revision has none.
    levels: dict[str, int] = field(default_factory=dict)
    themes: dict[str, int] = field(default_factory=dict)


class PartnerMatrixRow(OrganizationColumns, kw_only=True):
    revision: RevisionRef | None = None
    activities: int = 0
    # Activities naming each partner (keyed as `PartnerTotal.partner`); only partners the
    # revision names (sparse).
    partners: dict[str, int] = field(default_factory=dict)


class PartnerTotal(Struct, kw_only=True):
    """A column of the partner matrix: one actor of the register, however plans spell it.

    `partner` is the actor's canonical name, or the name as written where it matches no
    actor (then `actor_id` is null: the name is for the central coordinator to map);
    `names` are the spellings the plans in view use for it.
    """

    partner: str
    organizations: int
    activities: int
    actor_id: int | None = None
    actor_kind: ActorKind | None = None
    names: list[str] = field(default_factory=list)


class SurveyShare(Struct, kw_only=True):
    """One survey question for one organisation; counts and share null where not given."""

    question_key: str
    answered: bool = False
    yes_count: int | None = None
    no_count: int | None = None
    respondents: int | None = None
    share_yes: float | None = None
    finding: str | None = None


class PoliceColumn(Struct, kw_only=True):
    environment: str
    status: EnvironmentActivity | None = None
    text: str | None = None


class SituationComparisonRow(OrganizationColumns, kw_only=True):
    revision: RevisionRef | None = None
    has_situation: bool = False
    compiled_on: dt.date | None = None
    confidential: bool = False
    # A confidential picture the caller may not see: its answers are left out.
    withheld: bool = False
    survey: list[SurveyShare] = field(default_factory=list)
    police: list[PoliceColumn] = field(default_factory=list)


class FollowUpProgressRow(OrganizationColumns, kw_only=True):
    period: str
    revision: RevisionRef | None = None
    activities: int = 0
    # Keys: every FollowUpStatus value and NOT_REPORTED.
    counts: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float | None] = field(default_factory=dict)


class StatusBoard(Struct, kw_only=True):
    today: dt.date
    filters: ComparisonFilter
    rows: list[StatusBoardRow]


class CoverageView(Struct, kw_only=True):
    today: dt.date
    filters: ComparisonFilter
    levels: list[Term]
    themes: list[Term]
    rows: list[CoverageRow]


class PartnerMatrix(Struct, kw_only=True):
    today: dt.date
    filters: ComparisonFilter
    # Columns: partners named by most organisations first.
    partners: list[PartnerTotal]
    rows: list[PartnerMatrixRow]


class SituationComparison(Struct, kw_only=True):
    today: dt.date
    filters: ComparisonFilter
    questions: list[SurveyQuestion]
    environments: list[Term]
    rows: list[SituationComparisonRow]


class FollowUpProgress(Struct, kw_only=True):
    today: dt.date
    filters: ComparisonFilter
    periods: list[str]
    statuses: list[Term]
    rows: list[FollowUpProgressRow]


ComparisonView = StatusBoard | CoverageView | PartnerMatrix | SituationComparison | FollowUpProgress


def share(part: int, whole: int) -> float | None:
    """part / whole to four decimals (0.01 %), halves rounded up, the same in every format.

    Integer arithmetic: exact, unlike `round()` on a float (which rounds 13/32 = 0.40625
    down to even), so SQL doing the same sums gets the same figure.
    """
    if whole <= 0:
        return None
    return (part * 20_000 + whole) // (2 * whole) / 10_000


def survey_share(yes_count: int | None, no_count: int | None) -> float | None:
    """yes / (yes + no), or null where the plan gives no counts (the seed plan gives none)."""
    if yes_count is None or no_count is None:
        return None
    return share(yes_count, yes_count + no_count)


def follow_up_statuses() -> list[Term]:
    """The columns of follow-up progress: every status, then "not reported"."""
    return [Term(key=s.value, label=s.label) for s in FollowUpStatus] + [
        Term(key=NOT_REPORTED, label=NOT_REPORTED_LABEL)
    ]


def follow_up_tally(
    activities: int, reported: dict[str, int]
) -> tuple[dict[str, int], dict[str, float | None]]:
    """Counts and shares per status; activities without a report count as not reported."""
    counts = {s.value: reported.get(s.value, 0) for s in FollowUpStatus}
    counts[NOT_REPORTED] = max(activities - sum(counts.values()), 0)
    shares = {key: share(value, activities) for key, value in counts.items()}
    return counts, shares


class Deadline(Struct, frozen=True, kw_only=True):
    next_due: dt.date | None
    overdue: bool


def cycle_deadline(
    cycle: RevisionCycle, cycle_year: int, approved: bool, today: dt.date
) -> Deadline:
    """The status board of one cycle year: due that year's date, overdue while unapproved.

    (Without a cycle year the board asks when each plan is next due: that rule is
    `planregistry_domain.deadlines.plan_deadline`.)
    """
    next_due = cycle.due_date(cycle_year)
    return Deadline(next_due=next_due, overdue=not approved and today > next_due)
