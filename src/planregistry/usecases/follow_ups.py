"""Follow-up (uppföljning) of the activities of the revision in force.

Reporting is the policy's `REPORT_FOLLOW_UP` (the organisation's own coordinator and
the central role); reading is `READ_PLAN`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.storage import follow_ups
from planregistry.storage.paging import Keyset
from planregistry.storage.rowmap import utc
from planregistry.storage.tables import (
    ActivityRow,
    FollowUpRow,
    OrganizationRow,
    PlanRow,
    RevisionRow,
)
from planregistry.usecases.base import RegistryBase, audit_change
from planregistry_domain.activity_details import measurement_errors
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import ReportFollowUp
from planregistry_domain.errors import IllegalTransition, NotFound, ValidationError
from planregistry_domain.model import FollowUp
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action, Scope
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import RevisionStatus

_FOLLOW_UPS = Keyset("follow-ups", FollowUpRow.reported_at, FollowUpRow.id)


class _FollowedActivity(NamedTuple):
    key: str
    revision_status: RevisionStatus
    scope: Scope
    indicators: list[str]  # the keys of what the activity measures


class FollowUpUseCases(RegistryBase):
    def report_follow_up(
        self,
        activity_id: int,
        data: ReportFollowUp | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> FollowUp:
        """Report an activity's status for a period; only the plan in force is followed up."""
        command = coerce(ReportFollowUp, data)
        with self._write() as session:
            activity = self._followed_activity(
                session, activity_id, actor, Action.REPORT_FOLLOW_UP, lock=True
            )
            status = activity.revision_status
            if status is not RevisionStatus.APPROVED:
                raise IllegalTransition(
                    "Uppföljning rapporteras på aktiviteter i den gällande (godkända) planen; "
                    f"den här revisionen har status '{status.value}' ({status.label}).",
                    current=status.value,
                )
            errors = measurement_errors(command.measurements, activity.indicators)
            if errors:
                raise ValidationError("Uppföljningens mätvärden passar inte aktiviteten.", errors)
            row = follow_ups.new_row(
                command, activity_id=activity_id, reported_by=actor.display, reported_at=self.now()
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="follow_up",
                entity_id=row.id,
                action="create",
                change=audit_change(command, activity_id=activity_id, activity_key=activity.key),
                scope=activity.scope,
            )
            return follow_ups.follow_up(row, activity.key)

    def list_follow_ups(
        self,
        activity_id: int,
        *,
        period: str | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[FollowUp]:
        """An activity's follow-ups in the order reported; a report is never changed, so
        `modified_since` filters on when it was reported."""
        since = utc_instant(modified_since)
        stmt = select(FollowUpRow).where(FollowUpRow.activity_id == activity_id)
        if period is not None:
            stmt = stmt.where(FollowUpRow.period == period)
        if since is not None:
            stmt = stmt.where(FollowUpRow.reported_at >= since)
        with self._read() as session:
            activity = self._followed_activity(session, activity_id, actor, Action.READ_PLAN)
            rows, next_cursor = _FOLLOW_UPS.fetch(
                session,
                stmt,
                key_of=lambda r: (utc(r.reported_at), r.id),
                limit=limit,
                cursor=cursor,
            )
            return Page(
                items=[follow_ups.follow_up(r, activity.key) for r in rows], next_cursor=next_cursor
            )

    def _followed_activity(
        self,
        session: Session,
        activity_id: int,
        actor: Actor,
        action: Action,
        *,
        lock: bool = False,
    ) -> _FollowedActivity:
        """The activity's key, its revision's status and where it lives, in one statement.

        `lock` holds the revision row until the transaction ends, so that a report cannot
        land on a revision that a concurrent decision is superseding: the decision's update
        waits, or the report waits and then sees the new status.
        """
        stmt = (
            select(
                ActivityRow.key,
                RevisionRow.status,
                PlanRow.organization_id,
                OrganizationRow.municipality_id,
                ActivityRow.indicators,
            )
            .join(RevisionRow, RevisionRow.id == ActivityRow.revision_id)
            .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
            .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
            .where(ActivityRow.id == activity_id)
        )
        found = session.execute(
            stmt.with_for_update(of=RevisionRow) if lock else stmt
        ).one_or_none()
        if found is None:
            raise NotFound("Aktiviteten", activity_id)
        key, status, organization, municipality, indicators = found
        scope = Scope(municipality=municipality, organization=organization)
        self._authorize(actor, action, scope, entity="Aktiviteten", key=activity_id)
        indicator_keys = [i["key"] for i in indicators or []]
        return _FollowedActivity(key, RevisionStatus(status), scope, indicator_keys)
