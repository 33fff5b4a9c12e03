"""The board's joint decisions, decisions' conditions and the responses to them, in storage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import (
    BoardDecisionRow,
    ConditionResponseRow,
    DecisionConditionRow,
    DecisionRow,
    PlanRow,
    RevisionRow,
)
from planregistry_domain.board import (
    BoardDecision,
    BoardDecisionItem,
    ConditionResponse,
    ConditionToAnswer,
    DecisionCondition,
)
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, RevisionStatus

CONDITION = RowMap(DecisionCondition, DecisionConditionRow)
RESPONSE = RowMap(ConditionResponse, ConditionResponseRow)
BOARD_DECISION = RowMap(
    BoardDecision, BoardDecisionRow, renamed={"municipality": "municipality_id"}
)

BOARD_APPROVALS = (DecisionOutcome.APPROVED.value, DecisionOutcome.APPROVED_WITH_CONDITIONS.value)


def add_conditions(session: Session, decision_id: int, texts: Iterable[str]) -> None:
    session.add_all(
        DecisionConditionRow(decision_id=decision_id, position=i, text=text)
        for i, text in enumerate(texts, start=1)
    )


def latest_board_approval(session: Session, revision_id: int) -> DecisionRow | None:
    """The board's approval that put a revision in force (the latest, should there be more)."""
    return session.scalars(
        select(DecisionRow)
        .where(
            DecisionRow.revision_id == revision_id,
            DecisionRow.body == DecisionBody.CITY_EXECUTIVE_BOARD.value,
            DecisionRow.outcome.in_(BOARD_APPROVALS),
        )
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()


def conditions_to_answer(
    session: Session, revision_id: int, based_on_id: int | None
) -> list[ConditionToAnswer]:
    """The conditions of the approval of the revision this one replaces, each with this
    revision's response (or none yet)."""
    if based_on_id is None:
        return []
    approval = latest_board_approval(session, based_on_id)
    if approval is None:
        return []
    rows = session.execute(
        select(DecisionConditionRow, ConditionResponseRow)
        .outerjoin(
            ConditionResponseRow,
            (ConditionResponseRow.condition_id == DecisionConditionRow.id)
            & (ConditionResponseRow.revision_id == revision_id),
        )
        .where(DecisionConditionRow.decision_id == approval.id)
        .order_by(DecisionConditionRow.position)
    ).all()
    return [
        ConditionToAnswer(
            condition=CONDITION.read(condition),
            decided_on=approval.decided_on,
            case_number=approval.case_number,
            response=None if response is None else RESPONSE.read(response),
        )
        for condition, response in rows
    ]


def conditions_of(
    session: Session, decision_ids: Sequence[int]
) -> dict[int, list[DecisionCondition]]:
    found: dict[int, list[DecisionCondition]] = {d: [] for d in decision_ids}
    for row in session.scalars(
        select(DecisionConditionRow)
        .where(DecisionConditionRow.decision_id.in_(decision_ids))
        .order_by(DecisionConditionRow.decision_id, DecisionConditionRow.position)
    ):
        found[row.decision_id].append(CONDITION.read(row))
    return found


def board_decision(
    session: Session, row: BoardDecisionRow, *, organization: str | None = None
) -> BoardDecision:
    """The joint decision with its items; only `organization`'s items when given."""
    stmt = (
        select(DecisionRow, PlanRow.organization_id)
        .join(RevisionRow, RevisionRow.id == DecisionRow.revision_id)
        .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
        .where(DecisionRow.board_decision_id == row.id)
        .order_by(DecisionRow.id)
    )
    if organization is not None:
        stmt = stmt.where(PlanRow.organization_id == organization)
    decisions = session.execute(stmt).all()
    conditions = conditions_of(session, [d.id for d, _org in decisions])
    items = [
        BoardDecisionItem(
            revision_id=d.revision_id,
            organization_id=org,
            decision_id=d.id,
            outcome=DecisionOutcome(d.outcome),
            conditions=conditions[d.id],
            status_before=RevisionStatus(d.status_before),
            status_after=RevisionStatus(d.status_after),
        )
        for d, org in decisions
    ]
    return BOARD_DECISION.read(row, {"items": items})


def board_decision_ids_for(
    session: Session, municipality: str | None, organization: str | None
) -> list[int]:
    """Joint decisions of a municipality (all, if None), or those covering an organisation."""
    stmt = select(BoardDecisionRow.id).order_by(BoardDecisionRow.id)
    if municipality is not None:
        stmt = stmt.where(BoardDecisionRow.municipality_id == municipality)
    if organization is not None:
        stmt = stmt.where(
            select(DecisionRow.id)
            .join(RevisionRow, RevisionRow.id == DecisionRow.revision_id)
            .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
            .where(
                DecisionRow.board_decision_id == BoardDecisionRow.id,
                PlanRow.organization_id == organization,
            )
            .exists()
        )
    return list(session.scalars(stmt))
