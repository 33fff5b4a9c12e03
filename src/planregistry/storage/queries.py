"""Intent-named queries shared by the use cases.

The `placed_*` loaders read an object together with where it lives (its organisation and
municipality: the policy's `Scope`) in the same statement, so authorising a use case
costs no extra round trip.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from planregistry.storage.tables import (
    ActivityRow,
    OrganizationRow,
    PlanRow,
    RevisionRow,
    SectionRow,
)
from planregistry_domain.errors import NotFound
from planregistry_domain.policy import Scope


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


def next_position(
    session: Session, table: type[SectionRow] | type[ActivityRow], revision_id: int
) -> int:
    """The position after a revision's last section or activity."""
    current = session.scalar(
        select(func.max(table.position)).where(table.revision_id == revision_id)
    )
    return 0 if current is None else current + 1


def organization_scope(row: OrganizationRow) -> Scope:
    return Scope(municipality=row.municipality_id, organization=row.id)


class PlacedPlan(NamedTuple):
    row: PlanRow
    scope: Scope


class PlacedRevision(NamedTuple):
    row: RevisionRow
    scope: Scope
    programme_id: str


class PlacedActivity(NamedTuple):
    row: ActivityRow
    scope: Scope


def placed_plan(session: Session, plan_id: int, *, lock: bool = False) -> PlacedPlan:
    stmt = (
        select(PlanRow, OrganizationRow.municipality_id)
        .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
        .where(PlanRow.id == plan_id)
    )
    found = session.execute(stmt.with_for_update(of=PlanRow) if lock else stmt).one_or_none()
    if found is None:
        raise NotFound("Planen", plan_id)
    row, municipality = found
    return PlacedPlan(row, Scope(municipality=municipality, organization=row.organization_id))


def placed_revision(session: Session, revision_id: int, *, lock: bool = False) -> PlacedRevision:
    """The revision row alone (no parts loaded); `lock` serialises writers on PostgreSQL."""
    stmt = (
        select(
            RevisionRow,
            PlanRow.organization_id,
            OrganizationRow.municipality_id,
            PlanRow.programme_id,
        )
        .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
        .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
        .where(RevisionRow.id == revision_id)
    )
    found = session.execute(stmt.with_for_update(of=RevisionRow) if lock else stmt).one_or_none()
    if found is None:
        raise NotFound("Revisionen", revision_id)
    row, organization, municipality, programme_id = found
    return PlacedRevision(
        row, Scope(municipality=municipality, organization=organization), programme_id
    )


def placed_activity(session: Session, activity_id: int) -> PlacedActivity:
    """The activity with its themes and partners, and where it lives."""
    stmt = (
        select(ActivityRow, PlanRow.organization_id, OrganizationRow.municipality_id)
        .join(RevisionRow, RevisionRow.id == ActivityRow.revision_id)
        .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
        .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
        .where(ActivityRow.id == activity_id)
        .options(selectinload(ActivityRow.themes), selectinload(ActivityRow.partners))
    )
    found = session.execute(stmt).one_or_none()
    if found is None:
        raise NotFound("Aktiviteten", activity_id)
    row, organization, municipality = found
    return PlacedActivity(row, Scope(municipality=municipality, organization=organization))
