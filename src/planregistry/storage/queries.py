"""Intent-named queries shared by the use cases."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from planregistry.errors import NotFound
from planregistry.storage.tables import (
    ActivityRow,
    OrganizationRow,
    PlanRow,
    RevisionRow,
    SituationRow,
)


def revision_aggregate() -> Select[RevisionRow]:
    """A whole revision in a fixed number of statements, however many activities it has."""
    return select(RevisionRow).options(
        selectinload(RevisionRow.sections),
        selectinload(RevisionRow.situation).selectinload(SituationRow.survey),
        selectinload(RevisionRow.situation).selectinload(SituationRow.police),
        selectinload(RevisionRow.activities).selectinload(ActivityRow.themes),
        selectinload(RevisionRow.activities).selectinload(ActivityRow.partners),
        selectinload(RevisionRow.decisions),
    )


def activity_aggregate() -> Select[ActivityRow]:
    return select(ActivityRow).options(
        selectinload(ActivityRow.themes), selectinload(ActivityRow.partners)
    )


def get_organization(session: Session, org_id: str, *, lock: bool = False) -> OrganizationRow:
    stmt = select(OrganizationRow).where(OrganizationRow.id == org_id)
    row = session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if row is None:
        raise NotFound("Organisationen", org_id)
    return row


def get_plan(session: Session, plan_id: int, *, lock: bool = False) -> PlanRow:
    stmt = select(PlanRow).where(PlanRow.id == plan_id)
    row = session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if row is None:
        raise NotFound("Planen", plan_id)
    return row


def get_revision(session: Session, revision_id: int, *, lock: bool = False) -> RevisionRow:
    """The revision row alone (no parts loaded); `lock` serialises writers on PostgreSQL."""
    stmt = select(RevisionRow).where(RevisionRow.id == revision_id)
    row = session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if row is None:
        raise NotFound("Revisionen", revision_id)
    return row


def get_revision_aggregate(session: Session, revision_id: int) -> RevisionRow:
    row = session.scalars(revision_aggregate().where(RevisionRow.id == revision_id)).one_or_none()
    if row is None:
        raise NotFound("Revisionen", revision_id)
    return row


def get_activity(session: Session, activity_id: int) -> ActivityRow:
    row = session.scalars(activity_aggregate().where(ActivityRow.id == activity_id)).one_or_none()
    if row is None:
        raise NotFound("Aktiviteten", activity_id)
    return row
