"""Closed vocabularies of the domain, each value with its Swedish label.

Values are the wire contract (English, snake_case); labels are what people read.
Vocabularies that differ between programmes (levels, themes, survey questions,
police environments) are data in `Programme`, not enums here.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS[self]


class OrganizationKind(_Labelled):
    DISTRICT = "district"
    SPECIALIST = "specialist"


class ActorKind(_Labelled):
    """What kind of actor a plan names as responsible or partner (the actors register)."""

    OWN_ADMINISTRATION = "own_administration"
    CITY_ADMINISTRATION = "city_administration"
    POLICE = "police"
    REGION = "region"
    STATE_AGENCY = "state_agency"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class Role(_Labelled):
    CENTRAL = "central"
    COORDINATOR = "coordinator"
    READER = "reader"
    SYSTEM = "system"


class RevisionStatus(_Labelled):
    DRAFT = "draft"
    AWAITING_BOARD = "awaiting_board"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DecisionBody(_Labelled):
    COMMITTEE = "committee"
    CITY_EXECUTIVE_BOARD = "city_executive_board"


class DecisionOutcome(_Labelled):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ReviewOutcome(_Labelled):
    """The central review's verdict; `comments` is feedback without one (older reviews)."""

    READY_FOR_BOARD = "ready_for_board"
    NEEDS_CHANGES = "needs_changes"
    COMMENTS = "comments"


class FollowUpStatus(_Labelled):
    NOT_STARTED = "not_started"
    ONGOING = "ongoing"
    DONE = "done"
    POSTPONED = "postponed"
    DISCONTINUED = "discontinued"


class EnvironmentActivity(_Labelled):
    """The police assessment of one extremist environment in the area."""

    ACTIVE = "active"
    NOT_ACTIVE = "not_active"
    UNKNOWN = "unknown"


_LABELS: dict[StrEnum, str] = {
    OrganizationKind.DISTRICT: "Stadsdelsnämnd",
    OrganizationKind.SPECIALIST: "Facknämnd",
    ActorKind.OWN_ADMINISTRATION: "Egen förvaltning",
    ActorKind.CITY_ADMINISTRATION: "Annan förvaltning i kommunen",
    ActorKind.POLICE: "Polisen",
    ActorKind.REGION: "Region",
    ActorKind.STATE_AGENCY: "Statlig myndighet",
    ActorKind.CIVIL_SOCIETY: "Civilsamhället",
    ActorKind.OTHER: "Övrig",
    Role.CENTRAL: "Central samordnare",
    Role.COORDINATOR: "Samordnare",
    Role.READER: "Läsare",
    Role.SYSTEM: "System",
    RevisionStatus.DRAFT: "Utkast",
    RevisionStatus.AWAITING_BOARD: "Väntar på kommunstyrelsen",
    RevisionStatus.APPROVED: "Godkänd (gällande)",
    RevisionStatus.SUPERSEDED: "Ersatt",
    RevisionStatus.REJECTED: "Avslagen",
    RevisionStatus.WITHDRAWN: "Återkallad",
    DecisionBody.COMMITTEE: "Nämnden",
    DecisionBody.CITY_EXECUTIVE_BOARD: "Kommunstyrelsen",
    DecisionOutcome.APPROVED: "Godkänd",
    # The board's own wording for a conditional approval.
    DecisionOutcome.APPROVED_WITH_CONDITIONS: (
        "Godkänd under förutsättning att synpunkterna beaktas"
    ),
    DecisionOutcome.RETURNED: "Återremitterad",
    DecisionOutcome.REJECTED: "Avslagen",
    DecisionOutcome.WITHDRAWN: "Återkallad",
    ReviewOutcome.READY_FOR_BOARD: "Klar för kommunstyrelsen",
    ReviewOutcome.NEEDS_CHANGES: "Behöver kompletteras",
    ReviewOutcome.COMMENTS: "Synpunkter",
    FollowUpStatus.NOT_STARTED: "Ej påbörjad",
    FollowUpStatus.ONGOING: "Pågående",
    FollowUpStatus.DONE: "Genomförd",
    FollowUpStatus.POSTPONED: "Uppskjuten",
    FollowUpStatus.DISCONTINUED: "Avbruten",
    EnvironmentActivity.ACTIVE: "Aktiv",
    EnvironmentActivity.NOT_ACTIVE: "Inte aktiv",
    EnvironmentActivity.UNKNOWN: "Ej bedömd",
}
