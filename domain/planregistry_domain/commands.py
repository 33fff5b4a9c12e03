"""Write commands: what a caller may send to change the registry.

Every command forbids unknown fields and carries no server-owned field (ids of
parents, status, version, who recorded), so a request that sends one is refused
whole rather than half-applied. `UNSET` in an update means "leave as it is".

Every list has a cap on its items (`constraints`); the lists of names (partners,
themes, areas, sources, case numbers, exclusions, priority areas) keep each name once,
in the order first given: a repeated name is dropped, not refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType, field

from planregistry_domain.activity_details import Indicator, Measurement, TimeFrame
from planregistry_domain.constraints import (
    MAX_COORDINATORS,
    MAX_LIST_ITEMS,
    MAX_POLICE_ASSESSMENTS,
    MAX_SECTIONS,
    MAX_SURVEY_ANSWERS,
    CaseNumbers,
    Count,
    LongText,
    Name,
    NameList,
    Period,
    SectionOrder,
    ShortText,
    Slug,
    SlugList,
    TextList,
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

_NAME_LISTS = frozenset(
    {
        "partners",
        "themes",
        "areas",
        "sources",
        "case_numbers",
        "scope_exclusions",
        "priority_areas",
        "target_groups",
    }
)


class _Command(Struct, kw_only=True, forbid_unknown_fields=True):
    def __post_init__(self) -> None:
        # Runs after decoding and construction alike: a name given twice is kept once.
        for name in _NAME_LISTS.intersection(self.__struct_fields__):
            value = getattr(self, name)
            if isinstance(value, list):
                setattr(self, name, list(dict.fromkeys(value)))


class CoordinatorInput(_Command, kw_only=True):
    name: Name
    email: ShortText | None = None
    phone: ShortText | None = None
    title: ShortText | None = None


Indicators = Annotated[list[Indicator], Meta(max_length=MAX_LIST_ITEMS)]
Coordinators = Annotated[list[CoordinatorInput], Meta(max_length=MAX_COORDINATORS)]


class CreateMunicipality(_Command, kw_only=True):
    id: Slug
    name: Name


class CreateOrganization(_Command, kw_only=True):
    id: Slug
    name: Name
    kind: OrganizationKind
    committee: Name
    municipality: Slug
    coordinators: Coordinators = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: Slug | None = None


class UpdateOrganization(_Command, kw_only=True):
    name: Name | UnsetType = UNSET
    kind: OrganizationKind | UnsetType = UNSET
    committee: Name | UnsetType = UNSET
    coordinators: Coordinators | UnsetType = UNSET
    valid_from: dt.date | UnsetType | None = UNSET
    valid_to: dt.date | UnsetType | None = UNSET
    successor: Slug | UnsetType | None = UNSET


class CreatePlan(_Command, kw_only=True):
    programme_id: Slug


class CreateRevision(_Command, kw_only=True):
    """A new revision; it starts as a copy of the plan's latest approved one, if any."""

    label: Name
    cycle_year: Year
    case_numbers: CaseNumbers = field(default_factory=list)


class UpdateRevision(_Command, kw_only=True):
    label: Name | UnsetType = UNSET
    cycle_year: Year | UnsetType = UNSET
    case_numbers: CaseNumbers | UnsetType = UNSET
    scope_exclusions: TextList | UnsetType = UNSET
    priority_areas: NameList | UnsetType = UNSET
    conditions_response: LongText | UnsetType | None = UNSET
    section_order: SectionOrder | UnsetType = UNSET


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
    sources: TextList = field(default_factory=list)
    confidential: bool = False
    summary: LongText | None = None
    survey: Annotated[list[SurveyAnswerInput], Meta(max_length=MAX_SURVEY_ANSWERS)] = field(
        default_factory=list
    )
    police: Annotated[list[PoliceAssessmentInput], Meta(max_length=MAX_POLICE_ASSESSMENTS)] = field(
        default_factory=list
    )


class CreateActivity(_Command, kw_only=True):
    title: Name
    description: LongText | None = None
    level: Slug
    themes: SlugList = field(default_factory=list)
    responsible: Name | None = None
    partners: NameList = field(default_factory=list)
    follow_up_method: ShortText | None = None
    target_group: ShortText | None = None
    areas: NameList = field(default_factory=list)
    contact_role: Name | None = None
    target_groups: TextList = field(default_factory=list)
    time_frame: TimeFrame | None = None
    resources: LongText | None = None
    indicators: Indicators = field(default_factory=list)
    goals: SlugList = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.target_group is not None:
            self.target_groups = _one_target_group(self.target_group, self.target_groups or None)


class UpdateActivity(_Command, kw_only=True):
    title: Name | UnsetType = UNSET
    description: LongText | UnsetType | None = UNSET
    level: Slug | UnsetType = UNSET
    themes: SlugList | UnsetType = UNSET
    responsible: Name | UnsetType | None = UNSET
    partners: NameList | UnsetType = UNSET
    follow_up_method: ShortText | UnsetType | None = UNSET
    target_group: ShortText | UnsetType | None = UNSET
    areas: NameList | UnsetType = UNSET
    contact_role: Name | UnsetType | None = UNSET
    target_groups: TextList | UnsetType = UNSET
    time_frame: TimeFrame | UnsetType | None = UNSET
    resources: LongText | UnsetType | None = UNSET
    indicators: Indicators | UnsetType = UNSET
    goals: SlugList | UnsetType = UNSET
    position: Count | UnsetType = UNSET

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.target_group is not UNSET:
            given = None if self.target_groups is UNSET else self.target_groups
            self.target_groups = _one_target_group(self.target_group, given)


def _one_target_group(group: str | None, groups: list[str] | None) -> list[str]:
    """`target_group` (one text, as before there could be several) as the list; if the
    list is given too, it must say the same."""
    as_list = [] if group is None else [group]
    if groups is not None and groups != as_list:
        raise ValueError("target_group och target_groups anger olika målgrupper; ange en av dem")
    return as_list


class ReportFollowUp(_Command, kw_only=True):
    period: Period
    status: FollowUpStatus
    comment: LongText | None = None
    measurements: Annotated[list[Measurement], Meta(max_length=MAX_LIST_ITEMS)] = field(
        default_factory=list
    )


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
    remarks: Annotated[list[ReviewRemarkInput], Meta(max_length=MAX_SECTIONS)] = field(
        default_factory=list
    )
    requests: TextList = field(default_factory=list)
    expert_body: Name | None = None


class CreateApiKey(_Command, kw_only=True):
    """A key for a city system; `municipality` defaults to the creator's own."""

    name: Name
    role: Role
    municipality: Slug | None = None
    organization: Slug | None = None
