"""The city executive board's joint decision and the conditions it sets, as pure rules.

Kommunstyrelsen decides every plan of a round in one matter: one case number, one
minutes paragraph, one date, and per plan an outcome and its own conditions (a list,
each condition separate). Each condition of an approval must be answered in the plan's
next revision, one response per condition, before that revision can leave the
committee step; completeness lists those still unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from msgspec import Meta, Struct, field

from planregistry_domain.constraints import FilledLongText, ShortText, TextList
from planregistry_domain.errors import FieldError, ValidationError
from planregistry_domain.model import CompletenessFinding, Revision
from planregistry_domain.vocabulary import DecisionOutcome, RevisionStatus

# What the board may decide on a revision in one matter.
BOARD_OUTCOMES = frozenset(
    {
        DecisionOutcome.APPROVED,
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        DecisionOutcome.RETURNED,
        DecisionOutcome.REJECTED,
    }
)


# One board decision covers a round of plans: at most every organisation of a municipality.
MAX_BOARD_ITEMS = 1000


class _Command(Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class BoardDecisionItemInput(_Command, kw_only=True):
    """One covered revision: its outcome, and its conditions as separate points."""

    revision_id: int
    outcome: DecisionOutcome
    conditions: TextList = field(default_factory=list)


class RecordBoardDecision(_Command, kw_only=True):
    """One board decision over many revisions (kommunstyrelsens beslut i ett ärende)."""

    decided_on: dt.date
    case_number: ShortText
    minutes_ref: ShortText | None = None
    items: Annotated[list[BoardDecisionItemInput], Meta(min_length=1, max_length=MAX_BOARD_ITEMS)]


class AnswerCondition(_Command, kw_only=True):
    """The next revision's response to one condition of the board's approval."""

    response: FilledLongText


class DecisionCondition(Struct, kw_only=True):
    id: int
    decision_id: int
    position: int
    text: str


class BoardDecisionItem(Struct, kw_only=True):
    revision_id: int
    organization_id: str
    decision_id: int
    outcome: DecisionOutcome
    conditions: list[DecisionCondition] = field(default_factory=list)
    status_before: RevisionStatus
    status_after: RevisionStatus


class BoardDecision(Struct, kw_only=True):
    """A joint decision; a coordinator is shown only its own organisation's items."""

    id: int
    municipality: str
    decided_on: dt.date
    case_number: str
    minutes_ref: str | None = None
    items: list[BoardDecisionItem] = field(default_factory=list)
    recorded_by: str
    recorded_at: dt.datetime


class RevisionVersion(Struct, kw_only=True):
    revision_id: int
    revision_version: int


class RecordedBoardDecision(Struct, kw_only=True):
    """A recorded joint decision and each covered revision's new version (its ETag)."""

    board_decision: BoardDecision
    revisions: list[RevisionVersion]


class ConditionResponse(Struct, kw_only=True):
    condition_id: int
    revision_id: int
    response: str
    responded_by: str
    responded_at: dt.datetime


class ConditionToAnswer(Struct, kw_only=True):
    """A condition of the previous revision's approval and this revision's answer to it."""

    condition: DecisionCondition
    decided_on: dt.date
    case_number: str | None = None
    response: ConditionResponse | None = None


def check_items(command: RecordBoardDecision) -> None:
    """Each revision once, a board outcome, and conditions only where they mean something."""
    errors: list[FieldError] = []
    if not command.items:
        errors.append(FieldError(path="$.items", message="Beslutet måste omfatta minst en plan."))
    seen: set[int] = set()
    for i, item in enumerate(command.items):
        path = f"$.items[{i}]"
        if item.revision_id in seen:
            errors.append(
                FieldError(
                    path=f"{path}.revision_id",
                    message=f"Revision {item.revision_id} finns redan i beslutet.",
                )
            )
        seen.add(item.revision_id)
        if item.outcome not in BOARD_OUTCOMES:
            errors.append(
                FieldError(
                    path=f"{path}.outcome",
                    message=f"Kommunstyrelsen kan inte besluta '{item.outcome.value}'.",
                )
            )
        if item.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS and not item.conditions:
            errors.append(
                FieldError(
                    path=f"{path}.conditions",
                    message="Ett godkännande under förutsättning måste ange villkoren.",
                )
            )
        if item.outcome is DecisionOutcome.APPROVED and item.conditions:
            errors.append(
                FieldError(
                    path=f"{path}.conditions",
                    message="Ett godkännande utan villkor kan inte ha villkor; välj "
                    "'approved_with_conditions'.",
                )
            )
    if errors:
        raise ValidationError("Kommunstyrelsens beslut är inte giltigt.", errors)


def conditions_text(conditions: Sequence[str]) -> str | None:
    """The conditions as the one text a decision has always carried (`Decision.conditions`)."""
    return "\n".join(conditions) if conditions else None


def is_answered(
    response: str | None, *, overall_response: str | None, single_condition: bool
) -> bool:
    """A condition is answered by its own response. The revision's overall answer
    (`conditions_response`, from before conditions were a list) answers a decision whose
    conditions are one condition, as it always did."""
    if response is not None and response.strip():
        return True
    return single_condition and bool(overall_response and overall_response.strip())


def unanswered(
    to_answer: Sequence[ConditionToAnswer], overall_response: str | None
) -> list[DecisionCondition]:
    single = len(to_answer) == 1
    return [
        c.condition
        for c in to_answer
        if not is_answered(
            c.response.response if c.response else None,
            overall_response=overall_response,
            single_condition=single,
        )
    ]


def condition_findings(
    to_answer: Sequence[ConditionToAnswer], overall_response: str | None
) -> list[CompletenessFinding]:
    """Completeness findings for the previous approval's conditions this revision leaves
    unanswered."""
    return [
        CompletenessFinding(
            code="condition_unanswered",
            message=f"Kommunstyrelsens villkor är inte besvarat: {c.text}",
            subject=f"condition:{c.id}",
        )
        for c in unanswered(to_answer, overall_response)
    ]


def check_remark_targets(
    remarks: Sequence[tuple[str | None, str | None]], revision: Revision
) -> None:
    """A review's findings must name sections and activities the revision has."""
    sections = {s.key for s in revision.sections}
    activities = {a.key for a in revision.activities}
    errors: list[FieldError] = []
    for i, (section_key, activity_key) in enumerate(remarks):
        path = f"$.remarks[{i}]"
        if section_key is not None and activity_key is not None:
            errors.append(FieldError(path=path, message="Ange avsnitt eller aktivitet, inte båda."))
        if section_key is not None and section_key not in sections:
            errors.append(
                FieldError(
                    path=f"{path}.section_key",
                    message=f"Revisionen har inget avsnitt {section_key!r}.",
                )
            )
        if activity_key is not None and activity_key not in activities:
            errors.append(
                FieldError(
                    path=f"{path}.activity_key",
                    message=f"Revisionen har ingen aktivitet {activity_key!r}.",
                )
            )
    if errors:
        raise ValidationError("Granskningens iakttagelser pekar på sådant som saknas.", errors)
