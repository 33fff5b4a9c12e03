"""Kommunstyrelsen's joint decision over many revisions, and the answers to its conditions.

The board decides a whole round of plans in one matter. Recording it moves every covered
revision along its lifecycle in one transaction through the same path as a single
decision (`DecisionUseCases._apply_decision`): the policy, the version check and the
lifecycle rules per revision, and nothing stored unless every revision passes. Each
condition of an approval is answered, one response per condition, in the revision that
follows; the status board shows where each organisation stands in that process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planregistry.storage import board
from planregistry.storage.tables import (
    BoardDecisionRow,
    ConditionResponseRow,
    DecisionConditionRow,
    DecisionRow,
    ReviewRow,
    RevisionRow,
)
from planregistry.usecases.base import audit_change, check_version
from planregistry.usecases.comparisons import ComparisonUseCases, FilterInput
from planregistry.usecases.decisions import DecisionUseCases
from planregistry_domain import board as rules
from planregistry_domain import comparisons as cmp
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.board import (
    AnswerCondition,
    BoardDecision,
    ConditionResponse,
    ConditionToAnswer,
    RecordBoardDecision,
    RecordedBoardDecision,
    RevisionVersion,
)
from planregistry_domain.commands import RecordDecision
from planregistry_domain.errors import IllegalTransition, NotFound, ValidationError
from planregistry_domain.lifecycle import OPEN_STATUSES
from planregistry_domain.model import Written
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import DecisionBody, ReviewOutcome, Role


class BoardUseCases(DecisionUseCases):
    def record_board_decision(
        self,
        data: RecordBoardDecision | Mapping[str, Any],
        *,
        expected_versions: Mapping[int, int | None] | None = None,
        actor: Actor = SYSTEM,
    ) -> RecordedBoardDecision:
        """Record one board decision covering many revisions, all or nothing.

        `expected_versions` maps a revision id to the version (ETag) the caller read;
        a revision missing from it is not checked. Any revision the actor may not see,
        that changed since, or whose status does not allow its outcome refuses the whole
        decision and leaves every revision as it was. The central role's alone. The audit
        trail gets one entry per covered revision (its `decide`, naming the joint decision).
        """
        command = coerce(RecordBoardDecision, data)
        rules.check_items(command)
        versions = expected_versions or {}
        with self._write() as session:
            # Lock in id order, so two writers over overlapping sets cannot deadlock.
            placed = {
                item.revision_id: self._placed_revision(
                    session, item.revision_id, actor, Action.RECORD_BOARD_DECISION, lock=True
                )
                for item in sorted(command.items, key=lambda i: i.revision_id)
            }
            for revision_id, (row, _scope, _p) in placed.items():
                check_version("Revisionen", revision_id, versions.get(revision_id), row.version)
            municipalities = {p.scope.municipality for p in placed.values()}
            if len(municipalities) != 1:
                raise ValidationError("Ett beslut av kommunstyrelsen gäller en kommuns planer.")
            (municipality,) = municipalities
            assert municipality is not None
            joint = BoardDecisionRow(
                municipality_id=municipality,
                decided_on=command.decided_on,
                case_number=command.case_number,
                minutes_ref=command.minutes_ref,
                recorded_by=actor.display,
                recorded_at=self.now(),
            )
            session.add(joint)
            session.flush()
            for item in command.items:
                row, scope, _p = placed[item.revision_id]
                single = RecordDecision(
                    body=DecisionBody.CITY_EXECUTIVE_BOARD,
                    outcome=item.outcome,
                    decided_on=command.decided_on,
                    case_number=command.case_number,
                    minutes_ref=command.minutes_ref,
                    conditions=rules.conditions_text(item.conditions),
                )
                try:
                    self._apply_decision(
                        session,
                        row,
                        scope,
                        single,
                        conditions=list(item.conditions),
                        actor=actor,
                        board_decision_id=joint.id,
                    )
                except IllegalTransition as exc:
                    raise IllegalTransition(
                        f"Revision {item.revision_id}: {exc.detail}",
                        current=exc.current,
                        allowed=exc.allowed,
                    ) from None
            session.flush()
            return RecordedBoardDecision(
                board_decision=board.board_decision(session, joint),
                revisions=[
                    RevisionVersion(revision_id=rid, revision_version=p.row.version)
                    for rid, p in placed.items()
                ],
            )

    def get_board_decision(self, board_decision_id: int, *, actor: Actor = SYSTEM) -> BoardDecision:
        """A joint decision; a coordinator sees it only with its own organisation's items,
        and not at all when none is its own."""
        with self._read() as session:
            row = session.get(BoardDecisionRow, board_decision_id)
            if row is None or not self._sees_board_decision(session, row, actor):
                raise NotFound("Kommunstyrelsens beslut", board_decision_id)
            return board.board_decision(session, row, organization=_own_only(actor))

    def list_board_decisions(self, *, actor: Actor = SYSTEM) -> list[BoardDecision]:
        """The joint decisions the actor may see, oldest first (a handful a year)."""
        if actor.role is not Role.SYSTEM and actor.municipality is None:
            return []  # only the system spans municipalities
        if actor.role is Role.COORDINATOR and actor.organization is None:
            return []
        with self._read() as session:
            ids = board.board_decision_ids_for(session, actor.municipality, _own_only(actor))
            rows = session.scalars(
                select(BoardDecisionRow)
                .where(BoardDecisionRow.id.in_(ids))
                .order_by(BoardDecisionRow.id)
            )
            return [board.board_decision(session, r, organization=_own_only(actor)) for r in rows]

    def conditions_to_answer(
        self, revision_id: int, *, actor: Actor = SYSTEM
    ) -> list[ConditionToAnswer]:
        """The conditions of the approval of the revision this one replaces, each with this
        revision's response so far (`response` null while unanswered)."""
        with self._read() as session:
            row, _scope, _p = self._placed_revision(session, revision_id, actor)
            return board.conditions_to_answer(session, revision_id, row.based_on_id)

    def answer_condition(
        self,
        revision_id: int,
        condition_id: int,
        data: AnswerCondition | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Written[ConditionResponse]:
        """Set the draft's response to one condition of its predecessor's approval (a
        second answer replaces the first); a change to the draft like any other."""
        command = coerce(AnswerCondition, data)
        if not command.response.strip():
            raise ValidationError("Svaret på villkoret får inte vara tomt.")
        with self._write() as session:
            row, scope, _p = self._editable_revision(session, revision_id, expected_version, actor)
            answerable = {
                c.condition.id for c in board.conditions_to_answer(session, row.id, row.based_on_id)
            }
            if condition_id not in answerable:
                raise NotFound(f"Villkoret att besvara i revision {revision_id}", condition_id)
            existing = session.scalars(
                select(ConditionResponseRow).where(
                    ConditionResponseRow.condition_id == condition_id,
                    ConditionResponseRow.revision_id == revision_id,
                )
            ).first()
            before = None if existing is None else existing.response
            response = existing or ConditionResponseRow(
                condition_id=condition_id, revision_id=revision_id
            )
            response.response = command.response
            response.responded_by = actor.display
            response.responded_at = self.now()
            session.add(response)
            self._touch(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="answer_condition",
                change=audit_change(command, condition_id=condition_id, before=before),
                scope=scope,
            )
            return Written(
                revision_id=revision_id,
                revision_version=row.version,
                value=board.RESPONSE.read(response),
            )

    def _sees_board_decision(self, session: Session, row: BoardDecisionRow, actor: Actor) -> bool:
        if actor.role is Role.COORDINATOR:
            own = _own_only(actor)
            return (
                own is not None
                and actor.municipality == row.municipality_id
                and row.id in board.board_decision_ids_for(session, row.municipality_id, own)
            )
        scope = Scope(municipality=row.municipality_id)
        return judge(actor, Action.READ_PLAN, scope) is Verdict.ALLOW


def _own_only(actor: Actor) -> str | None:
    """A coordinator sees its own organisation's part of a joint decision only."""
    return actor.organization if actor.role is Role.COORDINATOR else None


class BoardStatusUseCases(ComparisonUseCases):
    def status_board(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.StatusBoard:
        """The status board, with each open revision's latest review outcome and the
        conditions of the approval in force that it has yet to answer."""
        result = super().status_board(filters, actor=actor)
        rows = [
            r
            for r in result.rows
            if judge(
                actor,
                Action.READ_PLAN,
                Scope(municipality=actor.municipality, organization=r.organization_id),
            )
            is Verdict.ALLOW
        ]
        in_progress = [r.in_progress.revision_id for r in rows if r.in_progress]
        in_force = [r.in_force.revision_id for r in rows if r.in_force]
        # Two statements for the whole board, however many rows it has.
        with self._read() as session:
            outcomes = _latest_review_outcomes(session, in_progress)
            open_counts = _open_conditions(session, in_force, in_progress)
        for r in rows:
            if r.in_progress is not None:
                r.review_outcome = outcomes.get(r.in_progress.revision_id)
            if r.in_force is not None:
                r.open_conditions = open_counts.get(r.in_force.revision_id, 0)
        return result


def _latest_review_outcomes(session: Session, revision_ids: list[int]) -> dict[int, ReviewOutcome]:
    latest = (
        select(func.max(ReviewRow.id))
        .where(ReviewRow.revision_id.in_(revision_ids))
        .group_by(ReviewRow.revision_id)
    )
    return {
        rid: ReviewOutcome(outcome)
        for rid, outcome in session.execute(
            select(ReviewRow.revision_id, ReviewRow.outcome).where(ReviewRow.id.in_(latest))
        )
    }


def _open_conditions(
    session: Session, in_force: list[int], in_progress: list[int]
) -> dict[int, int]:
    """Per revision in force: conditions of its approval that the revision following it
    has not answered (all of them while there is none). One statement for the whole board."""
    follower = RevisionRow.__table__.alias("follower")
    rows = session.execute(
        select(
            DecisionRow.revision_id,
            DecisionRow.id,
            follower.c.conditions_response,
            ConditionResponseRow.response,
        )
        .join(DecisionConditionRow, DecisionConditionRow.decision_id == DecisionRow.id)
        .outerjoin(
            follower,
            (follower.c.based_on_id == DecisionRow.revision_id)
            & follower.c.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .outerjoin(
            ConditionResponseRow,
            (ConditionResponseRow.condition_id == DecisionConditionRow.id)
            & (ConditionResponseRow.revision_id == follower.c.id),
        )
        .where(
            DecisionRow.revision_id.in_(in_force),
            DecisionRow.body == DecisionBody.CITY_EXECUTIVE_BOARD.value,
            DecisionRow.outcome.in_(board.BOARD_APPROVALS),
        )
    ).all()
    # The latest approval of a revision counts (there is one but for a data repair).
    latest: dict[int, int] = {}
    for rid, decision_id, _overall, _response in rows:
        latest[rid] = max(latest.get(rid, 0), decision_id)
    conditions: dict[int, list[tuple[str | None, str | None]]] = {}
    for rid, decision_id, overall, response in rows:
        if decision_id == latest[rid]:
            conditions.setdefault(rid, []).append((overall, response))
    return {
        rid: sum(
            1
            for overall, response in answers
            if not rules.is_answered(
                response, overall_response=overall, single_condition=len(answers) == 1
            )
        )
        for rid, answers in conditions.items()
    }
