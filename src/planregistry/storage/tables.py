"""SQLAlchemy 2 typed mappings of the registry.

The schema itself is made only by the Alembic migrations in `migrations/`; a test
proves these mappings and the migrations agree. Relationships are `lazy="raise"`
so that an accidental per-row query fails loudly instead of slowing a view down.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Timestamp = DateTime(timezone=True)
# SQLite hands a deleted row's id to the next row unless told AUTOINCREMENT; an id (and
# so an ETag, an audit entry's object) must never name two things. PostgreSQL's
# sequences never reuse a number.
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class MunicipalityRow(Base):
    __tablename__ = "municipalities"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))


class ProgrammeRow(Base):
    """A programme; its vocabularies and cycle are one JSON document (`Programme`)."""

    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class OrganizationRow(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    committee: Mapped[str] = mapped_column(String(300))
    coordinators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successor_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)


class PlanActorRow(Base):
    """An entry of a municipality's actors register (`PlanActor`); aliases are one JSON list."""

    __tablename__ = "plan_actors"
    __table_args__ = (UniqueConstraint("municipality_id", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("organization_id", "programme_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)

    revisions: Mapped[list[RevisionRow]] = relationship(
        back_populates="plan", lazy="raise", order_by="RevisionRow.number"
    )


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("plan_id", "number"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    cycle_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="RESTRICT"), index=True
    )
    case_numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scope_exclusions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    priority_areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    conditions_response: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)

    plan: Mapped[PlanRow] = relationship(back_populates="revisions", lazy="raise")
    sections: Mapped[list[SectionRow]] = relationship(
        lazy="raise", order_by="SectionRow.position", cascade="all, delete-orphan"
    )
    situation: Mapped[SituationRow | None] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    activities: Mapped[list[ActivityRow]] = relationship(
        lazy="raise", order_by="ActivityRow.position", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[DecisionRow]] = relationship(
        lazy="raise", order_by="DecisionRow.id", cascade="all, delete-orphan"
    )


class SectionRow(Base):
    __tablename__ = "revision_sections"
    __table_args__ = (UniqueConstraint("revision_id", "key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(63))
    heading: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class SituationRow(Base):
    __tablename__ = "situation_pictures"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    compiled_on: Mapped[dt.date | None] = mapped_column(Date)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[list[SurveyAnswerRow]] = relationship(
        lazy="raise", order_by="SurveyAnswerRow.position", cascade="all, delete-orphan"
    )
    police: Mapped[list[PoliceAssessmentRow]] = relationship(
        lazy="raise", order_by="PoliceAssessmentRow.position", cascade="all, delete-orphan"
    )


class SurveyAnswerRow(Base):
    __tablename__ = "survey_answers"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("situation_pictures.revision_id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(63), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    finding: Mapped[str | None] = mapped_column(Text)
    yes_count: Mapped[int | None] = mapped_column(Integer)
    no_count: Mapped[int | None] = mapped_column(Integer)
    respondents: Mapped[int | None] = mapped_column(Integer)


class PoliceAssessmentRow(Base):
    __tablename__ = "police_assessments"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("situation_pictures.revision_id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(63), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("revision_id", "key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(63), index=True)
    responsible: Mapped[str | None] = mapped_column(String(300))
    follow_up_method: Mapped[str | None] = mapped_column(String(1000))
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    contact_role: Mapped[str | None] = mapped_column(String(300))
    target_groups: Mapped[list[Any]] = mapped_column(JSON, default=list)
    time_frame: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    resources: Mapped[str | None] = mapped_column(Text)
    indicators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    goals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)

    themes: Mapped[list[ActivityThemeRow]] = relationship(
        lazy="raise", order_by="ActivityThemeRow.position", cascade="all, delete-orphan"
    )
    partners: Mapped[list[ActivityPartnerRow]] = relationship(
        lazy="raise", order_by="ActivityPartnerRow.position", cascade="all, delete-orphan"
    )


class ActivityThemeRow(Base):
    """Themes as rows, so coverage views count them in plain SQL on every database."""

    __tablename__ = "activity_themes"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(63), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class ActivityPartnerRow(Base):
    __tablename__ = "activity_partners"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(300), index=True)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_activity_period", "activity_id", "period"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    measurements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reported_by: Mapped[str] = mapped_column(String(300))
    reported_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="RESTRICT"), index=True
    )
    body: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    case_number: Mapped[str | None] = mapped_column(String(1000))
    minutes_ref: Mapped[str | None] = mapped_column(String(1000))
    conditions: Mapped[str | None] = mapped_column(Text)
    status_before: Mapped[str] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    board_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_decisions.id", ondelete="RESTRICT"), index=True
    )


class DocumentRow(Base):
    """A document attached to a revision (or one of its decisions); its bytes are in the
    file store under `sha256`."""

    __tablename__ = "documents"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="RESTRICT"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ReviewRow(Base):
    __tablename__ = "reviews"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="RESTRICT"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(30), server_default="comments")
    feedback: Mapped[str] = mapped_column(Text)
    remarks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    requests: Mapped[list[Any]] = mapped_column(JSON, default=list)
    expert_body: Mapped[str | None] = mapped_column(String(300))
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reviewer: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class BoardDecisionRow(Base):
    """The city executive board's decision in one matter over many revisions; each
    revision's own decision (`DecisionRow`) points here."""

    __tablename__ = "board_decisions"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    decided_on: Mapped[dt.date] = mapped_column(Date)
    case_number: Mapped[str] = mapped_column(String(1000))
    minutes_ref: Mapped[str | None] = mapped_column(String(1000))
    recorded_by: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class DecisionConditionRow(Base):
    """One condition of a decision, answered separately in the next revision."""

    __tablename__ = "decision_conditions"
    __table_args__ = (UniqueConstraint("decision_id", "position"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class ConditionResponseRow(Base):
    """A revision's response to one condition of its predecessor's approval."""

    __tablename__ = "condition_responses"
    __table_args__ = (UniqueConstraint("condition_id", "revision_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    condition_id: Mapped[int] = mapped_column(
        ForeignKey("decision_conditions.id", ondelete="RESTRICT")
    )
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(Text)
    responded_by: Mapped[str] = mapped_column(String(300))
    responded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class AuditRow(Base):
    """One write, as it happened. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)
    actor_subject: Mapped[str] = mapped_column(String(300), index=True)
    actor_name: Mapped[str] = mapped_column(String(300))
    actor_role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[str | None] = mapped_column(String(63), index=True)
    organization_id: Mapped[str | None] = mapped_column(String(63), index=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    change: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(100))


class ApiKeyRow(Base):
    """An API key for a city system; only a hash of its secret is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    secret_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    created_by: Mapped[str] = mapped_column(String(300))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class SignInLinkRow(Base):
    """A one-time sign-in link for the web views; only a hash of its secret is stored."""

    __tablename__ = "sign_in_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    used_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class WebSessionRow(Base):
    """A signed-in browser; the cookie holds a secret whose hash is the id.

    Kept in the database so that any server process can read it and signing out (or
    revoking it here) ends it at once.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    ended_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class KeptFormRow(Base):
    """A form posted after its session had expired, kept until the same person has
    signed in again; the browser's cookie holds a secret whose hash is the id."""

    __tablename__ = "kept_forms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)


class PlanImportRow(Base):
    """An uploaded plan document's proposal (`planregistry.importing`), until and after it
    is applied. The file itself is not kept: its SHA-256 recognises a second upload."""

    __tablename__ = "plan_imports"
    __table_args__ = (UniqueConstraint("organization_id", "sha256"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    created_by: Mapped[str] = mapped_column(String(300))
    applied_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL")
    )
    applied_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    applied_by: Mapped[str | None] = mapped_column(String(300))


class IdempotencyKeyRow(Base):
    """The answer to a POST sent with an `Idempotency-Key`, kept so that a retry with the
    same key gets it again instead of a second effect. `status` is None while the first
    request is still being answered."""

    __tablename__ = "idempotency_keys"

    credential: Mapped[str] = mapped_column(String(300), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp, index=True)
