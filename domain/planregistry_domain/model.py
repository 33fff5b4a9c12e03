"""The registry's entities as read: what the library returns and the API sends.

Server-owned fields (ids, status, version, timestamps, who recorded) live only
here; the write commands in `planregistry_domain.commands` never carry them.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from msgspec import UNSET, Struct, UnsetType, field

from planregistry_domain.activity_details import Indicator, Measurement, TimeFrame
from planregistry_domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    ReviewOutcome,
    RevisionStatus,
)

T = TypeVar("T")


class Municipality(Struct, kw_only=True):
    id: str
    name: str


class Coordinator(Struct, kw_only=True):
    """A designated coordinator (samordnare): personal data, shown only to the entitled."""

    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None


class Organization(Struct, kw_only=True):
    """An organisation; `coordinators` is empty for those not entitled to personal data.

    Organisations change over time: districts are merged and renamed. `valid_from` and
    `valid_to` (inclusive, null where open) bound when it existed, and `successor` names
    the organisation that took over its work when it ended.
    """

    id: str
    name: str
    kind: OrganizationKind
    committee: str
    municipality: str
    coordinators: list[Coordinator] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: str | None = None
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime


class RevisionSummary(Struct, kw_only=True):
    id: int
    number: int
    label: str
    cycle_year: int
    status: RevisionStatus


class Plan(Struct, kw_only=True):
    id: int
    organization_id: str
    programme_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    revisions: list[RevisionSummary] = field(default_factory=list)


class Section(Struct, kw_only=True):
    key: str
    heading: str
    body: str


class SurveyAnswer(Struct, kw_only=True):
    """One survey question's result; counts are null where the plan gives none."""

    question_key: str
    finding: str | None = None
    yes_count: int | None = None
    no_count: int | None = None
    respondents: int | None = None


class PoliceAssessment(Struct, kw_only=True):
    environment: str
    status: EnvironmentActivity
    text: str | None = None


class SituationPicture(Struct, kw_only=True):
    """The local situation picture (lägesbild) a revision is based on.

    A picture marked `confidential` is shown only to those entitled to it; anyone else
    gets `confidential` and `withheld` true and every other field empty. `withheld` is
    absent otherwise, so a picture as read can be sent back as it is (`PutSituation`).
    """

    compiled_on: dt.date | None = None
    sources: list[str] = field(default_factory=list)
    confidential: bool = False
    summary: str | None = None
    survey: list[SurveyAnswer] = field(default_factory=list)
    police: list[PoliceAssessment] = field(default_factory=list)
    withheld: bool | UnsetType = UNSET


class Activity(Struct, kw_only=True):
    """An activity of a revision.

    `target_groups` holds its target groups; `target_group` is the same as one text (the
    groups joined by ", "), kept for callers written before there could be several.
    """

    id: int
    revision_id: int
    key: str
    position: int
    title: str
    description: str | None = None
    level: str
    themes: list[str] = field(default_factory=list)
    responsible: str | None = None
    partners: list[str] = field(default_factory=list)
    follow_up_method: str | None = None
    target_group: str | None = None
    areas: list[str] = field(default_factory=list)
    contact_role: str | None = None
    target_groups: list[str] = field(default_factory=list)
    time_frame: TimeFrame | None = None
    resources: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    version: int = 1
    updated_at: dt.datetime

    def __post_init__(self) -> None:
        # Either side may be the one given: stored rows carry the list, documents
        # written before the list existed (older exports) only the text.
        if self.target_groups:
            self.target_group = ", ".join(self.target_groups)
        elif self.target_group is not None:
            self.target_groups = [self.target_group]


class Decision(Struct, kw_only=True):
    id: int
    revision_id: int
    body: DecisionBody
    outcome: DecisionOutcome
    decided_on: dt.date
    case_number: str | None = None
    minutes_ref: str | None = None
    conditions: str | None = None
    status_before: RevisionStatus
    status_after: RevisionStatus
    recorded_by: str
    recorded_at: dt.datetime
    # The board's joint decision this one is part of (`planregistry_domain.board`).
    board_decision_id: int | None = None


class Revision(Struct, kw_only=True):
    id: int
    plan_id: int
    number: int
    label: str
    cycle_year: int
    status: RevisionStatus
    based_on: int | None = None
    case_numbers: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    scope_exclusions: list[str] = field(default_factory=list)
    priority_areas: list[str] = field(default_factory=list)
    situation: SituationPicture | None = None
    conditions_response: str | None = None
    activities: list[Activity] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime


class FollowUp(Struct, kw_only=True):
    id: int
    activity_id: int
    activity_key: str
    period: str
    status: FollowUpStatus
    comment: str | None = None
    measurements: list[Measurement] = field(default_factory=list)
    reported_by: str
    reported_at: dt.datetime


class CompletenessFinding(Struct, kw_only=True):
    code: str
    message: str
    subject: str | None = None


class ReviewRemark(Struct, kw_only=True):
    """One finding of the central review, tied to a section or an activity (by key) or,
    with neither, to the plan as a whole."""

    text: str
    section_key: str | None = None
    activity_key: str | None = None


class Review(Struct, kw_only=True):
    """The central review (granskning): its verdict, its findings and what it asks for.

    `findings` is the automatic completeness check as it was when the review was written;
    `remarks` are the reviewer's own findings; `expert_body` names an outside body that
    took part (in 2017 Försvarshögskolan).
    """

    id: int
    revision_id: int
    outcome: ReviewOutcome = ReviewOutcome.COMMENTS
    feedback: str
    remarks: list[ReviewRemark] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expert_body: str | None = None
    findings: list[CompletenessFinding] = field(default_factory=list)
    reviewer: str
    created_at: dt.datetime


class Written(Struct, Generic[T], kw_only=True):
    """A part of a revision as a write stored it (a section, the situation picture, a
    decision) and the revision's version after the write: the `expected_version` (the
    ETag) its next write needs."""

    revision_id: int
    revision_version: int
    value: T
