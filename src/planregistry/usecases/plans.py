"""Plans and their revisions: creating, copying, reading and editing a revision's header."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from planregistry.storage import plans, revisions
from planregistry.storage.paging import Keyset
from planregistry.storage.revision_reader import read_placed_revision, read_revision
from planregistry.storage.revisions import REVISION
from planregistry.storage.tables import PlanRow, RevisionRow, SectionRow
from planregistry.usecases.base import audit_change, changes_nothing
from planregistry.usecases.scoped import ScopedUseCases
from planregistry_domain import lifecycle
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import CreatePlan, CreateRevision, UpdateRevision
from planregistry_domain.errors import Conflict, ValidationError
from planregistry_domain.model import Plan, Revision, RevisionSummary
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action
from planregistry_domain.redaction import shown_revision
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import RevisionStatus

_OPEN = [s.value for s in lifecycle.OPEN_STATUSES]
_PLANS = Keyset("plans", PlanRow.id)
_REVISIONS = Keyset("revisions", RevisionRow.number)


class PlanUseCases(ScopedUseCases):
    def create_plan(
        self, org_id: str, data: CreatePlan | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> Plan:
        command = coerce(CreatePlan, data)
        now = self.now()
        with self._write() as session:
            scope = self._organization_scope(session, org_id, actor, Action.EDIT_DRAFT)
            self._programme(session, command.programme_id)
            existing = session.scalars(
                select(PlanRow.id).where(
                    PlanRow.organization_id == org_id,
                    PlanRow.programme_id == command.programme_id,
                )
            ).first()
            if existing is not None:
                raise Conflict(
                    f"Organisationen {org_id!r} har redan en plan under programmet "
                    f"{command.programme_id!r} (plan {existing})."
                )
            row = PlanRow(
                organization_id=org_id,
                programme_id=command.programme_id,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="plan",
                entity_id=row.id,
                action="create",
                change=audit_change(command, organization_id=org_id),
                scope=scope,
            )
            return self._plan(session, row, [])

    def get_plan(self, plan_id: int, *, actor: Actor = SYSTEM) -> Plan:
        with self._read() as session:
            return self._plan(session, self._placed_plan(session, plan_id, actor).row)

    def list_plans(
        self,
        org_id: str,
        *,
        programme: str | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[Plan]:
        """An organisation's plans by id; `modified_since` also catches changed revisions."""
        since = utc_instant(modified_since)
        stmt = select(PlanRow).where(PlanRow.organization_id == org_id)
        if programme is not None:
            stmt = stmt.where(PlanRow.programme_id == programme)
        if since is not None:
            # A plan's representation lists its revisions' status and label, so a change
            # to any of them is a change to the plan for an incremental sync.
            changed_revision = exists().where(
                RevisionRow.plan_id == PlanRow.id, RevisionRow.updated_at >= since
            )
            stmt = stmt.where(or_(PlanRow.updated_at >= since, changed_revision))
        with self._read() as session:
            self._organization_scope(session, org_id, actor, Action.READ_PLAN)
            rows, next_cursor = _PLANS.fetch(
                session, stmt, key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            summaries = self._summaries(session, [r.id for r in rows])
            return Page(
                items=[self._plan(session, r, summaries.get(r.id, [])) for r in rows],
                next_cursor=next_cursor,
            )

    def create_revision(
        self, plan_id: int, data: CreateRevision | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> Revision:
        """A new revision: a full copy of the plan's latest approved one (keys kept), if any."""
        command = coerce(CreateRevision, data)
        now = self.now()
        with self._write() as session:
            plan, scope = self._placed_plan(session, plan_id, actor, Action.EDIT_DRAFT, lock=True)
            open_revision = session.scalars(
                select(RevisionRow).where(
                    RevisionRow.plan_id == plan_id, RevisionRow.status.in_(_OPEN)
                )
            ).first()
            if open_revision is not None:
                raise Conflict(
                    f"Planen har redan en öppen revision (nummer {open_revision.number}, "
                    f"status '{open_revision.status}'); en plan har högst ett utkast åt gången."
                )
            number = (
                session.scalar(
                    select(func.max(RevisionRow.number)).where(RevisionRow.plan_id == plan_id)
                )
                or 0
            ) + 1
            source_id = session.scalar(
                select(RevisionRow.id).where(
                    RevisionRow.plan_id == plan_id,
                    RevisionRow.status == RevisionStatus.APPROVED.value,
                )
            )
            row = REVISION.new_row(
                command,
                plan_id=plan_id,
                number=number,
                status=RevisionStatus.DRAFT,
                based_on=source_id,
                scope_exclusions=[],
                priority_areas=[],
                conditions_response=None,
                version=1,
                created_at=now,
                updated_at=now,
            )
            if source_id is not None:
                source = read_revision(session.connection(), source_id)
                if command.cycle_year < source.cycle_year:
                    raise ValidationError(
                        f"Cykelåret {command.cycle_year} ligger före den gällande revisionens "
                        f"({source.cycle_year})."
                    )
                revisions.copy_content(source, row, now)
            session.add(row)
            plan.updated_at = now
            session.flush()
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=row.id,
                action="create",
                change=audit_change(command, plan_id=plan_id, number=number, based_on=source_id),
                scope=scope,
            )
            return shown_revision(actor, read_revision(session.connection(), row.id), scope)

    def get_revision(self, revision_id: int, *, actor: Actor = SYSTEM) -> Revision:
        """The revision with all of its parts (a confidential situation picture is
        withheld from those not entitled to it)."""
        admit = partial(
            self._authorize, actor, Action.READ_PLAN, entity="Revisionen", key=revision_id
        )
        with self._read_rows() as connection:
            revision, place = read_placed_revision(connection, revision_id, admit=admit)
        return shown_revision(actor, revision, place.scope)

    def list_revisions(
        self,
        plan_id: int,
        *,
        status: RevisionStatus | None = None,
        cycle_year: int | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[Revision]:
        """A plan's revisions by number, whole (sections, situation, activities, decisions)."""
        since = utc_instant(modified_since)
        stmt = select(RevisionRow).where(RevisionRow.plan_id == plan_id)
        if status is not None:
            stmt = stmt.where(RevisionRow.status == RevisionStatus(status).value)
        if cycle_year is not None:
            stmt = stmt.where(RevisionRow.cycle_year == cycle_year)
        if since is not None:
            stmt = stmt.where(RevisionRow.updated_at >= since)
        with self._read() as session:
            scope = self._placed_plan(session, plan_id, actor).scope
            rows, next_cursor = _REVISIONS.fetch(
                session, stmt, key_of=lambda r: (r.number,), limit=limit, cursor=cursor
            )
            connection = session.connection()
            return Page(
                items=[shown_revision(actor, read_revision(connection, r.id), scope) for r in rows],
                next_cursor=next_cursor,
            )

    def update_revision(
        self,
        revision_id: int,
        data: UpdateRevision | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Revision:
        command = coerce(UpdateRevision, data)
        with self._write() as session:
            row, scope, _ = self._editable_revision(session, revision_id, expected_version, actor)
            current = read_revision(session.connection(), revision_id)
            stored = msgspec.to_builtins(current)
            stored["section_order"] = [section.key for section in current.sections]
            if changes_nothing(command, stored):
                return shown_revision(actor, current, scope)
            before = revisions.apply(row, command)
            if command.section_order is not UNSET:
                _reorder_sections(session, row.id, command.section_order)
            self._touch(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="update",
                change=audit_change(command, before=before),
                scope=scope,
            )
            return shown_revision(actor, read_revision(session.connection(), revision_id), scope)

    # Helpers of this module.

    def _summaries(self, session: Session, plan_ids: list[int]) -> dict[int, list[RevisionSummary]]:
        result: dict[int, list[RevisionSummary]] = {pid: [] for pid in plan_ids}
        if plan_ids:
            for row in session.execute(plans.summaries_statement(plan_ids)).mappings():
                result[row["plan_id"]].append(plans.SUMMARY.read_labelled(row, ""))
        return result

    def _plan(
        self, session: Session, row: PlanRow, summaries: list[RevisionSummary] | None = None
    ) -> Plan:
        if summaries is None:
            summaries = self._summaries(session, [row.id])[row.id]
        return plans.plan(row, summaries)


def _reorder_sections(session: Session, revision_id: int, order: list[str]) -> None:
    rows = session.scalars(select(SectionRow).where(SectionRow.revision_id == revision_id)).all()
    by_key = {r.key: r for r in rows}
    if sorted(order) != sorted(by_key):
        raise ValidationError(
            "section_order måste nämna varje avsnitt i revisionen exakt en gång: "
            f"{', '.join(sorted(by_key))}."
        )
    for position, key in enumerate(order):
        by_key[key].position = position
