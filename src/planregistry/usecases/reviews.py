"""The central coordinator's reading of a plan: completeness, reviews, diffs, deadlines.

None of these change a revision: a review is stored beside it (with a snapshot of the
completeness findings at review time) and is allowed on a revision in any status; the
revision's version (ETag) stays as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.domain import deadlines
from planregistry.domain.actor import SYSTEM, Actor
from planregistry.domain.changelog import changelog_sv
from planregistry.domain.commands import CreateReview
from planregistry.domain.completeness import check_completeness
from planregistry.domain.diff import RevisionDiff, diff_revisions
from planregistry.domain.model import CompletenessFinding, Review, Revision
from planregistry.domain.programme import Programme
from planregistry.domain.vocabulary import DecisionBody, RevisionStatus
from planregistry.errors import ValidationError
from planregistry.storage import convert, queries
from planregistry.storage.tables import DecisionRow, PlanRow, ReviewRow, RevisionRow
from planregistry.usecases.base import coerce
from planregistry.usecases.plans import PlanUseCases


class ReviewUseCases(PlanUseCases):
    def completeness(self, revision_id: int) -> list[CompletenessFinding]:
        """The revision's gaps against its programme (empty when it is complete)."""
        with self._read() as session:
            revision, programme = self._revision_and_programme(session, revision_id)
            return check_completeness(revision, programme)

    def add_review(
        self,
        revision_id: int,
        data: CreateReview | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> Review:
        """Store central feedback with the completeness findings as they are right now."""
        command = coerce(CreateReview, data)
        with self._write() as session:
            revision, programme = self._revision_and_programme(session, revision_id)
            row = ReviewRow(
                revision_id=revision_id,
                feedback=command.feedback,
                findings=convert.to_json(check_completeness(revision, programme)),
                reviewer=actor.display,
                created_at=self.now(),
            )
            session.add(row)
            session.flush()
            return convert.review(row)

    def list_reviews(self, revision_id: int) -> list[Review]:
        with self._read() as session:
            queries.get_revision(session, revision_id)
            rows = session.scalars(
                select(ReviewRow)
                .where(ReviewRow.revision_id == revision_id)
                .order_by(ReviewRow.created_at, ReviewRow.id)
            )
            return [convert.review(r) for r in rows]

    def diff_revisions(self, old_revision_id: int, new_revision_id: int) -> RevisionDiff:
        """What changed from one revision to another of the same plan, with a changelog."""
        with self._read() as session:
            old, programme = self._revision_and_programme(session, old_revision_id)
            new = convert.revision(queries.get_revision_aggregate(session, new_revision_id))
        if old.plan_id != new.plan_id:
            raise ValidationError(
                f"Revisionerna {old_revision_id} och {new_revision_id} hör till olika planer "
                f"({old.plan_id} och {new.plan_id}); bara revisioner av samma plan kan jämföras."
            )
        diff = diff_revisions(old, new, programme)
        diff.changelog = changelog_sv(diff, programme)
        return diff

    def plan_deadline(self, plan_id: int) -> deadlines.PlanDeadline:
        """Revision in force, revision in progress, next due date and whether it has passed.

        See `planregistry.domain.deadlines` for the rule; "today" is the registry's clock.
        """
        with self._read() as session:
            plan = queries.get_plan(session, plan_id)
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

    def _revision_and_programme(
        self, session: Session, revision_id: int
    ) -> tuple[Revision, Programme]:
        revision = convert.revision(queries.get_revision_aggregate(session, revision_id))
        programme_id = session.scalars(
            select(PlanRow.programme_id).where(PlanRow.id == revision.plan_id)
        ).one()
        return revision, self._programme(session, programme_id)
