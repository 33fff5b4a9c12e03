"""Row → domain value conversions, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from planregistry.domain.model import (
    Activity,
    CompletenessFinding,
    Coordinator,
    Decision,
    FollowUp,
    Organization,
    PoliceAssessment,
    Review,
    Revision,
    Section,
    SituationPicture,
    SurveyAnswer,
)
from planregistry.domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    RevisionStatus,
)
from planregistry.storage.tables import (
    ActivityRow,
    DecisionRow,
    FollowUpRow,
    OrganizationRow,
    ReviewRow,
    RevisionRow,
    SituationRow,
)


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def organization(row: OrganizationRow) -> Organization:
    return Organization(
        id=row.id,
        name=row.name,
        kind=OrganizationKind(row.kind),
        committee=row.committee,
        municipality=row.municipality_id,
        coordinators=msgspec.convert(row.coordinators, list[Coordinator]),
        version=row.version,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )


def activity(row: ActivityRow) -> Activity:
    return Activity(
        id=row.id,
        revision_id=row.revision_id,
        key=row.key,
        position=row.position,
        title=row.title,
        description=row.description,
        level=row.level,
        themes=[t.theme for t in row.themes],
        responsible=row.responsible,
        partners=[p.partner for p in row.partners],
        follow_up_method=row.follow_up_method,
        target_group=row.target_group,
        areas=list(row.areas),
        version=row.version,
        updated_at=utc(row.updated_at),
    )


def decision(row: DecisionRow) -> Decision:
    return Decision(
        id=row.id,
        revision_id=row.revision_id,
        body=DecisionBody(row.body),
        outcome=DecisionOutcome(row.outcome),
        decided_on=row.decided_on,
        case_number=row.case_number,
        minutes_ref=row.minutes_ref,
        conditions=row.conditions,
        status_before=RevisionStatus(row.status_before),
        status_after=RevisionStatus(row.status_after),
        recorded_by=row.recorded_by,
        recorded_at=utc(row.recorded_at),
    )


def situation(row: SituationRow | None) -> SituationPicture | None:
    if row is None:
        return None
    return SituationPicture(
        compiled_on=row.compiled_on,
        sources=list(row.sources),
        confidential=row.confidential,
        summary=row.summary,
        survey=[
            SurveyAnswer(
                question_key=a.question_key,
                finding=a.finding,
                yes_count=a.yes_count,
                no_count=a.no_count,
                respondents=a.respondents,
            )
            for a in row.survey
        ],
        police=[
            PoliceAssessment(
                environment=p.environment, status=EnvironmentActivity(p.status), text=p.text
            )
            for p in row.police
        ],
    )


def revision(row: RevisionRow) -> Revision:
    """A whole revision; the row must have been loaded with `queries.revision_aggregate`."""
    return Revision(
        id=row.id,
        plan_id=row.plan_id,
        number=row.number,
        label=row.label,
        cycle_year=row.cycle_year,
        status=RevisionStatus(row.status),
        based_on=row.based_on_id,
        case_numbers=list(row.case_numbers),
        sections=[Section(key=s.key, heading=s.heading, body=s.body) for s in row.sections],
        scope_exclusions=list(row.scope_exclusions),
        priority_areas=list(row.priority_areas),
        situation=situation(row.situation),
        conditions_response=row.conditions_response,
        activities=[activity(a) for a in row.activities],
        decisions=[decision(d) for d in row.decisions],
        version=row.version,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )


def follow_up(row: FollowUpRow, activity_key: str) -> FollowUp:
    return FollowUp(
        id=row.id,
        activity_id=row.activity_id,
        activity_key=activity_key,
        period=row.period,
        status=FollowUpStatus(row.status),
        comment=row.comment,
        reported_by=row.reported_by,
        reported_at=utc(row.reported_at),
    )


def review(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        revision_id=row.revision_id,
        feedback=row.feedback,
        findings=msgspec.convert(row.findings, list[CompletenessFinding]),
        reviewer=row.reviewer,
        created_at=utc(row.created_at),
    )


def to_json(value: Any) -> Any:
    """A msgspec value as plain JSON-compatible builtins, for JSON columns."""
    return msgspec.to_builtins(value)
