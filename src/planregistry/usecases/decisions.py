"""Recording the committee's and the city executive board's decisions on a revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from planregistry.storage import board, revisions
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import ActivityRow, DecisionRow, FollowUpRow, RevisionRow
from planregistry.usecases.base import audit_change, check_version
from planregistry.usecases.plans import PlanUseCases
from planregistry_domain import board as board_rules
from planregistry_domain import lifecycle
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import RecordDecision
from planregistry_domain.model import Decision, Written
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action, Scope
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import DecisionBody, RevisionStatus

_DECISIONS = Keyset("decisions", DecisionRow.id)
_DECISION_ACTIONS = {
    DecisionBody.COMMITTEE: Action.RECORD_COMMITTEE_DECISION,
    DecisionBody.CITY_EXECUTIVE_BOARD: Action.RECORD_BOARD_DECISION,
}


class DecisionUseCases(PlanUseCases):
    def record_decision(
        self,
        revision_id: int,
        data: RecordDecision | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Written[Decision]:
        """Apply a decision to the revision's lifecycle: the decision as recorded (with the
        status before and after it) and the revision's new version.

        The body decides who may record it: the committee's decisions (its withdrawal of
        the revision included) are the organisation's own coordinator's and the central
        role's, the city executive board's the central role's alone.
        """
        command = coerce(RecordDecision, data)
        with self._write() as session:
            revision, scope, _ = self._placed_revision(
                session, revision_id, actor, _DECISION_ACTIONS[command.body], lock=True
            )
            check_version("Revisionen", revision_id, expected_version, revision.version)
            conditions = (
                [command.conditions]
                if command.body is DecisionBody.CITY_EXECUTIVE_BOARD
                and command.conditions
                and command.conditions.strip()
                else []
            )
            decision = self._apply_decision(
                session, revision, scope, command, conditions=conditions, actor=actor
            )
            return Written(
                revision_id=revision_id,
                revision_version=revision.version,
                value=revisions.decision(decision),
            )

    def _apply_decision(
        self,
        session: Session,
        revision: RevisionRow,
        scope: Scope,
        command: RecordDecision,
        *,
        conditions: list[str],
        actor: Actor,
        board_decision_id: int | None = None,
    ) -> DecisionRow:
        """Judge the decision by the lifecycle, store it (with its conditions, one row
        each), move the revision on and audit it: the one path of every decision."""
        status = RevisionStatus(revision.status)
        context = self._decision_context(session, revision, status)
        new_status = lifecycle.decide(
            context,
            command.body,
            command.outcome,
            command.decided_on,
            command.conditions,
            today=self.today(),
        )
        superseded = (
            self._supersede_in_force(session, revision)
            if new_status is RevisionStatus.APPROVED
            else []
        )
        decision = revisions.decision_row(
            command,
            revision_id=revision.id,
            status_before=status,
            status_after=new_status,
            recorded_by=actor.display,
            recorded_at=self.now(),
            board_decision_id=board_decision_id,
        )
        session.add(decision)
        revision.status = new_status.value
        self._touch(revision)
        session.flush()
        board.add_conditions(session, decision.id, conditions)
        self._audit(
            session,
            actor,
            entity="revision",
            entity_id=revision.id,
            action="decide",
            change=audit_change(
                command,
                decision_id=decision.id,
                **({} if board_decision_id is None else {"board_decision_id": board_decision_id}),
                status_before=status.value,
                status_after=new_status.value,
                superseded=superseded,
            ),
            scope=scope,
        )
        return decision

    def list_decisions(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[Decision]:
        """A revision's decisions as recorded; `modified_since` filters on `recorded_at`."""
        since = utc_instant(modified_since)
        stmt = select(DecisionRow).where(DecisionRow.revision_id == revision_id)
        if since is not None:
            stmt = stmt.where(DecisionRow.recorded_at >= since)
        with self._read() as session:
            self._placed_revision(session, revision_id, actor)
            rows, next_cursor = _DECISIONS.fetch(
                session, stmt, key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(items=[revisions.decision(r) for r in rows], next_cursor=next_cursor)

    def _decision_context(
        self, session: Session, revision: RevisionRow, status: RevisionStatus
    ) -> lifecycle.DecisionContext:
        last_decided_on = session.scalar(
            select(DecisionRow.decided_on)
            .where(DecisionRow.revision_id == revision.id)
            .order_by(DecisionRow.id.desc())
            .limit(1)
        )
        unreported: list[str] = []
        if revision.based_on_id is not None:
            unreported = list(
                session.scalars(
                    select(ActivityRow.title)
                    .where(
                        ActivityRow.revision_id == revision.based_on_id,
                        ~exists().where(FollowUpRow.activity_id == ActivityRow.id),
                    )
                    .order_by(ActivityRow.position)
                )
            )
        to_answer = board.conditions_to_answer(session, revision.id, revision.based_on_id)
        return lifecycle.DecisionContext(
            status=status,
            last_decided_on=last_decided_on,
            unreported_previous_activities=unreported,
            unanswered_conditions=[
                c.text for c in board_rules.unanswered(to_answer, revision.conditions_response)
            ],
            conditions_response=revision.conditions_response,
        )

    def _supersede_in_force(self, session: Session, revision: RevisionRow) -> list[int]:
        """Mark the plan's revision in force superseded; the ids it applied to."""
        in_force = session.scalars(
            select(RevisionRow)
            .where(
                RevisionRow.plan_id == revision.plan_id,
                RevisionRow.status == RevisionStatus.APPROVED.value,
                RevisionRow.id != revision.id,
            )
            .with_for_update()
        ).all()
        for row in in_force:
            row.status = RevisionStatus.SUPERSEDED.value
            self._touch(row)
        return [row.id for row in in_force]
