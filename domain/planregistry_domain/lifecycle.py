"""The approval chain as pure rules: which decision may follow which state.

    draft --committee approved--> awaiting_board --KS approved[_with_conditions]--> approved
    draft <--committee or KS returned (återremiss)--
    rejected, withdrawn: final;  approved --newer revision approved--> superseded

Nothing here touches storage: `decide` takes what the rules need to know and
returns the new status, or raises a typed error naming what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from msgspec import Struct

from planregistry_domain.errors import IllegalTransition, ReadOnly, ValidationError
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, RevisionStatus

B = DecisionBody
O = DecisionOutcome  # noqa: E741
S = RevisionStatus

TRANSITIONS: dict[tuple[RevisionStatus, DecisionBody, DecisionOutcome], RevisionStatus] = {
    (S.DRAFT, B.COMMITTEE, O.APPROVED): S.AWAITING_BOARD,
    (S.DRAFT, B.COMMITTEE, O.RETURNED): S.DRAFT,
    (S.DRAFT, B.COMMITTEE, O.REJECTED): S.REJECTED,
    (S.DRAFT, B.COMMITTEE, O.WITHDRAWN): S.WITHDRAWN,
    (S.AWAITING_BOARD, B.CITY_EXECUTIVE_BOARD, O.APPROVED): S.APPROVED,
    (S.AWAITING_BOARD, B.CITY_EXECUTIVE_BOARD, O.APPROVED_WITH_CONDITIONS): S.APPROVED,
    (S.AWAITING_BOARD, B.CITY_EXECUTIVE_BOARD, O.RETURNED): S.DRAFT,
    (S.AWAITING_BOARD, B.CITY_EXECUTIVE_BOARD, O.REJECTED): S.REJECTED,
    (S.AWAITING_BOARD, B.COMMITTEE, O.WITHDRAWN): S.WITHDRAWN,
}

OPEN_STATUSES = frozenset({S.DRAFT, S.AWAITING_BOARD})


def allowed_decisions(status: RevisionStatus) -> list[tuple[DecisionBody, DecisionOutcome]]:
    return [(body, outcome) for (s, body, outcome) in TRANSITIONS if s is status]


def describe_allowed(status: RevisionStatus) -> list[str]:
    return [f"{body.value}:{outcome.value}" for body, outcome in allowed_decisions(status)]


def ensure_editable(status: RevisionStatus) -> None:
    """Only a draft's content may change; everything else is read-only for good."""
    if status is not S.DRAFT:
        raise ReadOnly(
            f"Revisionen har status '{status.value}' ({status.label}); bara ett utkast kan ändras.",
            current=status.value,
        )


class DecisionContext(Struct, frozen=True, kw_only=True):
    """What the rules need to know about a revision to judge a decision on it."""

    status: RevisionStatus
    last_decided_on: dt.date | None = None
    # Activities of the revision this one replaces with no follow-up since its approval.
    unreported_previous_activities: Sequence[str] = ()
    previous_conditions: str | None = None
    conditions_response: str | None = None
    # Conditions of the previous approval this revision has not answered (`board`).
    unanswered_conditions: Sequence[str] = ()


def decide(
    context: DecisionContext,
    body: DecisionBody,
    outcome: DecisionOutcome,
    decided_on: dt.date,
    conditions: str | None,
    today: dt.date,
) -> RevisionStatus:
    """The revision's status after this decision, or a typed error saying why not."""
    new_status = TRANSITIONS.get((context.status, body, outcome))
    if new_status is None:
        allowed = describe_allowed(context.status)
        raise IllegalTransition(
            f"Beslutet {body.label.lower()}: {outcome.label.lower()} är inte möjligt när "
            f"revisionen har status '{context.status.value}' ({context.status.label}). "
            f"Möjliga beslut: {', '.join(allowed) if allowed else 'inga (slutligt läge)'}.",
            current=context.status.value,
            allowed=allowed,
        )
    if decided_on > today:
        raise ValidationError(f"Beslutsdatum {decided_on.isoformat()} ligger i framtiden.")
    if context.last_decided_on is not None and decided_on < context.last_decided_on:
        raise ValidationError(
            f"Beslutsdatum {decided_on.isoformat()} ligger före föregående beslut "
            f"({context.last_decided_on.isoformat()})."
        )
    if outcome is O.APPROVED_WITH_CONDITIONS and not (conditions and conditions.strip()):
        raise ValidationError("Ett godkännande med villkor måste ange villkoren.")
    if (body, outcome) == (B.COMMITTEE, O.APPROVED):
        _ensure_previous_year_accounted_for(context)
    return new_status


def _ensure_previous_year_accounted_for(context: DecisionContext) -> None:
    if context.unreported_previous_activities:
        missing = ", ".join(context.unreported_previous_activities)
        raise IllegalTransition(
            "Nämnden kan inte godkänna revisionen förrän status på föregående års vidtagna "
            f"åtgärder är rapporterad. Uppföljning saknas för: {missing}.",
            current=context.status.value,
            allowed=describe_allowed(context.status),
        )
    if context.unanswered_conditions:
        raise IllegalTransition(
            "Kommunstyrelsens villkor för den föregående planen är inte besvarade: "
            f"{'; '.join(context.unanswered_conditions)}.",
            current=context.status.value,
            allowed=describe_allowed(context.status),
        )
    if context.previous_conditions and not (
        context.conditions_response and context.conditions_response.strip()
    ):
        raise IllegalTransition(
            "Kommunstyrelsens villkor för den föregående planen är inte besvarade "
            "(fältet conditions_response).",
            current=context.status.value,
            allowed=describe_allowed(context.status),
        )
