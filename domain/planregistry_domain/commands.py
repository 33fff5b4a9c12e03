"""Write commands: what a caller may send to change the registry.

Every command forbids unknown fields and carries no server-owned field (ids of
parents, status, version, who recorded), so a request that sends one is refused
whole rather than half-applied. `UNSET` in an update means "leave as it is".
"""

from __future__ import annotations

import datetime as dt

from msgspec import UNSET, Struct, UnsetType, field

from planregistry_domain.constraints import (
    Count,
    LongText,
    Name,
    Period,
    ShortText,
    Slug,
    Year,
)
from planregistry_domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    ReviewOutcome,
    Role,
)


class _Command(Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class CoordinatorInput(_Command, kw_only=True):
    name: Name
    email: ShortText | None = None
    phone: ShortText | None = None
    title: ShortText | None = None


class CreateMunicipality(_Command, kw_only=True):
    id: Slug
    name: Name


class CreateOrganization(_Command, kw_only=True):
    id: Slug
    name: Name
    kind: OrganizationKind
    committee: Name
    municipality: Slug
    coordinators: list[CoordinatorInput] = field(default_factory=list)


class UpdateOrganization(_Command, kw_only=True):
    name: Name | UnsetType = UNSET
    kind: OrganizationKind | UnsetType = UNSET
    committee: Name | UnsetType = UNSET
    coordinators: list[CoordinatorInput] | UnsetType = UNSET


class CreatePlan(_Command, kw_only=True):
    programme_id: Slug


class CreateRevision(_Command, kw_only=True):
    """A new revision; it starts as a copy of the plan's latest approved one, if any."""

    label: Name
    cycle_year: Year
    case_numbers: list[ShortText] = field(default_factory=list)


class UpdateRevision(_Command, kw_only=True):
    label: Name | UnsetType = UNSET
    cycle_year: Year | UnsetType = UNSET
    case_numbers: list[ShortText] | UnsetType = UNSET
    scope_exclusions: list[ShortText] | UnsetType = UNSET
    priority_areas: list[Name] | UnsetType = UNSET
    conditions_response: LongText | UnsetType | None = UNSET
    section_order: list[Slug] | UnsetType = UNSET


class SectionKey(_Command, kw_only=True):
    """A section's key as it appears in a path; the programme's keys or the plan's own."""

    key: Slug


class PutSection(_Command, kw_only=True):
    heading: Name
    body: LongText


class SurveyAnswerInput(_Command, kw_only=True):
    question_key: Slug
    finding: LongText | None = None
    yes_count: Count | None = None
    no_count: Count | None = None
    respondents: Count | None = None


class PoliceAssessmentInput(_Command, kw_only=True):
    environment: Slug
    status: EnvironmentActivity
    text: LongText | None = None


class PutSituation(_Command, kw_only=True):
    compiled_on: dt.date | None = None
    sources: list[ShortText] = field(default_factory=list)
    confidential: bool = False
    summary: LongText | None = None
    survey: list[SurveyAnswerInput] = field(default_factory=list)
    police: list[PoliceAssessmentInput] = field(default_factory=list)


class CreateActivity(_Command, kw_only=True):
    title: Name
    description: LongText | None = None
    level: Slug
    themes: list[Slug] = field(default_factory=list)
    responsible: Name | None = None
    partners: list[Name] = field(default_factory=list)
    follow_up_method: ShortText | None = None
    target_group: ShortText | None = None
    areas: list[Name] = field(default_factory=list)


class UpdateActivity(_Command, kw_only=True):
    title: Name | UnsetType = UNSET
    description: LongText | UnsetType | None = UNSET
    level: Slug | UnsetType = UNSET
    themes: list[Slug] | UnsetType = UNSET
    responsible: Name | UnsetType | None = UNSET
    partners: list[Name] | UnsetType = UNSET
    follow_up_method: ShortText | UnsetType | None = UNSET
    target_group: ShortText | UnsetType | None = UNSET
    areas: list[Name] | UnsetType = UNSET
    position: Count | UnsetType = UNSET


class ReportFollowUp(_Command, kw_only=True):
    period: Period
    status: FollowUpStatus
    comment: LongText | None = None


class RecordDecision(_Command, kw_only=True):
    body: DecisionBody
    outcome: DecisionOutcome
    decided_on: dt.date
    case_number: ShortText | None = None
    minutes_ref: ShortText | None = None
    conditions: LongText | None = None


class ReviewRemarkInput(_Command, kw_only=True):
    """A finding on a section or an activity of the reviewed revision (by key), or on the
    plan as a whole when neither is given; not both."""

    text: ShortText
    section_key: Slug | None = None
    activity_key: ShortText | None = None


class CreateReview(_Command, kw_only=True):
    """A central review; without `outcome` it is feedback without a verdict (`comments`)."""

    feedback: LongText
    outcome: ReviewOutcome = ReviewOutcome.COMMENTS
    remarks: list[ReviewRemarkInput] = field(default_factory=list)
    requests: list[ShortText] = field(default_factory=list)
    expert_body: Name | None = None


class CreateApiKey(_Command, kw_only=True):
    """A key for a city system; `municipality` defaults to the creator's own."""

    name: Name
    role: Role
    municipality: Slug | None = None
    organization: Slug | None = None
