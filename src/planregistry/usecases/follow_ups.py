"""Follow-up (uppföljning) of the activities of the revision in force.

Reporting is the policy's `REPORT_FOLLOW_UP` (the organisation's own coordinator and
the central role); reading is `READ_PLAN`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import func, select
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
from planregistry.usecases.base import RegistryBase, audit_change, check_version
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

    def report_period(
        self,
        revision_id: int,
        period: str,
        reports: Mapping[int, Mapping[str, Any]],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> list[FollowUp]:
        """Report one period for several activities of a revision at once: every report
        is stored, or none.

        `reports` maps an activity id of the revision to its `status` and `comment`.
        `expected_version` is the period's version as the caller saw it
        (`period_version`): a report someone else made for the period since is refused
        with `StaleVersion`, so no one overwrites another's report unseen.
        """
        with self._all_or_nothing() as session:
            self._revision_scope(session, revision_id, actor)
            activity_ids = set(
                session.scalars(
                    select(ActivityRow.id).where(ActivityRow.revision_id == revision_id)
                )
            )
            strangers = sorted(set(reports) - activity_ids)
            if strangers:
                raise ValidationError(
                    f"Aktiviteterna {strangers} hör inte till revisionen {revision_id}."
                )
            current = self._period_version(session, revision_id, period)
            check_version(
                f"Uppföljningen {period} av revisionen", revision_id, expected_version, current
            )
            return [
                self.report_follow_up(activity_id, {"period": period, **dict(report)}, actor=actor)
                for activity_id, report in reports.items()
            ]

    def period_version(self, revision_id: int, period: str, *, actor: Actor = SYSTEM) -> int:
        """The version of a revision's follow-up for one period: the id of its newest
        report (0 before any). Reports are only ever added, so it grows with each one."""
        with self._read() as session:
            self._revision_scope(session, revision_id, actor, action=Action.READ_PLAN)
            return self._period_version(session, revision_id, period)

    @staticmethod
    def _period_version(session: Session, revision_id: int, period: str) -> int:
        # Ids follow commit order here: every report locks its revision row first, so
        # two reports on one revision never take their ids in one order and commit in
        # the other.
        newest = session.scalar(
            select(func.max(FollowUpRow.id))
            .join(ActivityRow, ActivityRow.id == FollowUpRow.activity_id)
            .where(ActivityRow.revision_id == revision_id, FollowUpRow.period == period)
        )
        return newest or 0

    def _revision_scope(
        self,
        session: Session,
        revision_id: int,
        actor: Actor,
        *,
        action: Action = Action.REPORT_FOLLOW_UP,
    ) -> Scope:
        """Where the revision lives, checked against the policy; for a report the
        revision row stays locked until the transaction ends (as `report_follow_up`)."""
        stmt = (
            select(PlanRow.organization_id, OrganizationRow.municipality_id)
            .select_from(RevisionRow)
            .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
            .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
            .where(RevisionRow.id == revision_id)
        )
        if action is Action.REPORT_FOLLOW_UP:
            stmt = stmt.with_for_update(of=RevisionRow)
        found = session.execute(stmt).one_or_none()
        if found is None:
            raise NotFound("Revisionen", revision_id)
        organization, municipality = found
        scope = Scope(municipality=municipality, organization=organization)
        self._authorize(actor, action, scope, entity="Revisionen", key=revision_id)
        return scope

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
