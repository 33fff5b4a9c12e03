"""Follow-up (uppföljning) of the activities of the revision in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from planregistry.domain.actor import SYSTEM, Actor
from planregistry.domain.commands import ReportFollowUp
from planregistry.domain.model import FollowUp
from planregistry.domain.paging import Page, utc_instant
from planregistry.domain.vocabulary import RevisionStatus
from planregistry.errors import IllegalTransition
from planregistry.storage import convert, queries
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import ActivityRow, FollowUpRow
from planregistry.usecases.base import RegistryBase, coerce

_FOLLOW_UPS = Keyset("follow-ups", FollowUpRow.reported_at, FollowUpRow.id)


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
            activity = session.get(ActivityRow, activity_id)
            if activity is None:
                queries.get_activity(session, activity_id)  # raises NotFound
                raise AssertionError("unreachable")
            revision = queries.get_revision(session, activity.revision_id)
            if revision.status != RevisionStatus.APPROVED.value:
                status = RevisionStatus(revision.status)
                raise IllegalTransition(
                    "Uppföljning rapporteras på aktiviteter i den gällande (godkända) planen; "
                    f"den här revisionen har status '{status.value}' ({status.label}).",
                    current=status.value,
                )
            row = FollowUpRow(
                activity_id=activity_id,
                period=command.period,
                status=command.status.value,
                comment=command.comment,
                reported_by=actor.display,
                reported_at=self.now(),
            )
            session.add(row)
            session.flush()
            return convert.follow_up(row, activity.key)

    def list_follow_ups(
        self,
        activity_id: int,
        *,
        period: str | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
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
            activity = session.get(ActivityRow, activity_id)
            if activity is None:
                queries.get_activity(session, activity_id)
                raise AssertionError("unreachable")
            rows, next_cursor = _FOLLOW_UPS.fetch(
                session,
                stmt,
                key_of=lambda r: (convert.utc(r.reported_at), r.id),
                limit=limit,
                cursor=cursor,
            )
            return Page(
                items=[convert.follow_up(r, activity.key) for r in rows], next_cursor=next_cursor
            )
