"""The central coordinator's reading of a plan: completeness, reviews, diffs, deadlines.

None of these change a revision: a review is stored beside it (with a snapshot of the
completeness findings at review time) and is allowed on a revision in any status; the
revision's version (ETag) stays as it was. Writing a review is the policy's `REVIEW`
(the central role); everything else here, reading reviews included, is `READ_PLAN`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.storage import board, reviews
from planregistry.storage.revision_reader import read_placed_revision
from planregistry.storage.tables import DecisionRow, OrganizationRow, ReviewRow, RevisionRow
from planregistry.usecases.base import audit_change
from planregistry.usecases.plans import PlanUseCases
from planregistry_domain import deadlines
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.board import check_remark_targets, condition_findings
from planregistry_domain.changelog import changelog_sv
from planregistry_domain.commands import CreateReview
from planregistry_domain.completeness import check_completeness
from planregistry_domain.diff import RevisionDiff, diff_revisions
from planregistry_domain.errors import ValidationError
from planregistry_domain.model import CompletenessFinding, Review, Revision
from planregistry_domain.policy import Action, Scope
from planregistry_domain.programme import Programme
from planregistry_domain.redaction import shown_situation_diff
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import DecisionBody, OrganizationKind, RevisionStatus


class ReviewUseCases(PlanUseCases):
    def completeness(self, revision_id: int, *, actor: Actor = SYSTEM) -> list[CompletenessFinding]:
        """The revision's gaps against its programme (empty when it is complete)."""
        with self._read() as session:
            revision, scope, programme = self._revision_and_programme(session, revision_id, actor)
            return self._findings(session, revision, programme, _kind(session, scope))

    def add_review(
        self,
        revision_id: int,
        data: CreateReview | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> Review:
        """Store a central review: its outcome (ready for the board, needs changes, or
        comments alone), its findings on sections and activities, its requests and any
        outside expert body, with the completeness findings as they are right now."""
        command = coerce(CreateReview, data)
        with self._write() as session:
            revision, scope, programme = self._revision_and_programme(
                session, revision_id, actor, Action.REVIEW
            )
            check_remark_targets(
                [(r.section_key, r.activity_key) for r in command.remarks], revision
            )
            row = reviews.new_row(
                command,
                revision_id=revision_id,
                findings=self._findings(session, revision, programme, _kind(session, scope)),
                reviewer=actor.display,
                created_at=self.now(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="review",
                entity_id=row.id,
                action="create",
                change=audit_change(command, revision_id=revision_id),
                scope=scope,
            )
            return reviews.review(row)

    def list_reviews(self, revision_id: int, *, actor: Actor = SYSTEM) -> list[Review]:
        with self._read() as session:
            self._placed_revision(session, revision_id, actor)
            rows = session.scalars(
                select(ReviewRow)
                .where(ReviewRow.revision_id == revision_id)
                .order_by(ReviewRow.created_at, ReviewRow.id)
            )
            return [reviews.review(r) for r in rows]

    def diff_revisions(
        self, old_revision_id: int, new_revision_id: int, *, actor: Actor = SYSTEM
    ) -> RevisionDiff:
        """What changed from one revision to another of the same plan, with a changelog.

        Both revisions must be visible to the actor (else NotFound, before anything is
        compared); a confidential situation picture it is not entitled to is reported
        only as withheld.
        """
        with self._read() as session:
            old, scope, programme = self._revision_and_programme(session, old_revision_id, actor)
            admit = partial(
                self._authorize, actor, Action.READ_PLAN, entity="Revisionen", key=new_revision_id
            )
            new, _place = read_placed_revision(session.connection(), new_revision_id, admit=admit)
        if old.plan_id != new.plan_id:
            raise ValidationError(
                f"Revisionerna {old_revision_id} och {new_revision_id} hör till olika planer "
                f"({old.plan_id} och {new.plan_id}); bara revisioner av samma plan kan jämföras."
            )
        diff = diff_revisions(old, new, programme)
        diff.situation = shown_situation_diff(
            actor, diff.situation, old.situation, new.situation, scope
        )
        diff.changelog = changelog_sv(diff, programme)
        return diff

    def plan_deadline(self, plan_id: int, *, actor: Actor = SYSTEM) -> deadlines.PlanDeadline:
        """Revision in force, revision in progress, next due date and whether it has passed.

        See `planregistry_domain.deadlines` for the rule; "today" is the registry's clock.
        """
        with self._read() as session:
            plan = self._placed_plan(session, plan_id, actor).row
            cycle = self._programme(session, plan.programme_id).cycle
            approved_on = dict(
                session.execute(
                    select(DecisionRow.revision_id, DecisionRow.decided_on)
                    .join(RevisionRow, RevisionRow.id == DecisionRow.revision_id)
                    .where(
                        RevisionRow.plan_id == plan_id,
                        DecisionRow.body == DecisionBody.CITY_EXECUTIVE_BOARD.value,
                        DecisionRow.outcome.in_([o.value for o in deadlines.BOARD_APPROVALS]),
                    )
                    .order_by(DecisionRow.id)  # the latest approval of a revision wins
                ).all()
            )
            states = [
                deadlines.RevisionState(
                    id=rid,
                    number=number,
                    cycle_year=year,
                    status=RevisionStatus(status),
                    approved_on=approved_on.get(rid),
                )
                for rid, number, year, status in session.execute(
                    select(
                        RevisionRow.id,
                        RevisionRow.number,
                        RevisionRow.cycle_year,
                        RevisionRow.status,
                    ).where(RevisionRow.plan_id == plan_id)
                )
            ]
        return deadlines.plan_deadline(plan_id, cycle, states, self.today())

    @staticmethod
    def _findings(
        session: Session, revision: Revision, programme: Programme, kind: OrganizationKind
    ) -> list[CompletenessFinding]:
        """The programme's completeness check and the previous approval's conditions this
        revision leaves unanswered."""
        to_answer = board.conditions_to_answer(session, revision.id, revision.based_on)
        return check_completeness(revision, programme, kind) + condition_findings(
            to_answer, revision.conditions_response
        )

    def _revision_and_programme(
        self,
        session: Session,
        revision_id: int,
        actor: Actor,
        action: Action = Action.READ_PLAN,
    ) -> tuple[Revision, Scope, Programme]:
        """The whole revision, unredacted (for rules, not for showing), once the actor may
        perform `action` on it; where it lives; and its programme."""
        admit = partial(self._authorize, actor, action, entity="Revisionen", key=revision_id)
        revision, place = read_placed_revision(session.connection(), revision_id, admit=admit)
        return revision, place.scope, self._programme(session, place.programme_id)


def _kind(session: Session, scope: Scope) -> OrganizationKind:
    """The kind of the organisation whose plan it is: completeness depends on it."""
    kind = session.scalars(
        select(OrganizationRow.kind).where(OrganizationRow.id == scope.organization)
    ).one()
    return OrganizationKind(kind)
