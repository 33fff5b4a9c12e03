"""Where a revision stands in the approval chain, as the revision page shows it.

    utkast → nämndens beslut → central granskning → kommunstyrelsen → godkänd

Each step says whether it is done, under way, not reached, or where the revision
stopped (rejected, withdrawn), with the decisions and reviews of the current round:
a return (återremiss) sends the revision back to draft and starts a new round. The
links are the cycle's pages the person may use on this revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planregistry import Registry
from planregistry_domain.actor import Actor
from planregistry_domain.lifecycle import OPEN_STATUSES
from planregistry_domain.model import Decision, Plan, Review, Revision
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, RevisionStatus

S = RevisionStatus
DONE, CURRENT, TODO, STOPPED = "klart", "pagar", "ej-nadd", "stoppad"
STATE_LABELS = {DONE: "Klart", CURRENT: "Pågår", TODO: "Inte påbörjat", STOPPED: "Stoppad här"}


@dataclass
class Step:
    key: str
    heading: str
    state: str
    decision: Decision | None = None
    reviews: list[Review] = field(default_factory=list)
    note: str | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class Control:
    href: str
    label: str


@dataclass
class Chain:
    steps: list[Step]
    returned_by: Decision | None
    controls: list[Control]
    open_revision: int | None
    # A draft's answer is due to these: kommunstyrelsen's conditions on the plan it replaces.
    previous_conditions: str | None = None

    @property
    def current(self) -> str | None:
        """The step under way that the revision waits on (the last one, if several)."""
        under_way = [s.key for s in self.steps if s.state == CURRENT]
        return under_way[-1] if under_way else None


def _round(decisions: list[Decision]) -> tuple[list[Decision], Decision | None]:
    """The decisions since the revision last went back to draft, and that return."""
    for index in range(len(decisions) - 1, -1, -1):
        if decisions[index].status_after is S.DRAFT:
            return decisions[index + 1 :], decisions[index]
    return decisions, None


def _last(decisions: list[Decision], body: DecisionBody) -> Decision | None:
    return next((d for d in reversed(decisions) if d.body is body), None)


def previous_conditions(registry: Registry, revision: Revision, actor: Actor) -> str | None:
    """Kommunstyrelsen's conditions on the plan a draft replaces, which the draft answers."""
    if revision.based_on is None or revision.status not in OPEN_STATUSES:
        return None
    decisions = registry.list_decisions(revision.based_on, actor=actor).items
    return next(
        (
            d.conditions
            for d in reversed(decisions)
            if d.body is DecisionBody.CITY_EXECUTIVE_BOARD and d.conditions
        ),
        None,
    )


def revision_chain(
    revision: Revision,
    plan: Plan,
    reviews: list[Review],
    actor: Actor,
    scope: Scope,
    conditions_to_answer: str | None = None,
) -> Chain:
    decisions, returned_by = _round(list(revision.decisions))
    committee = _last(decisions, DecisionBody.COMMITTEE)
    board = _last(decisions, DecisionBody.CITY_EXECUTIVE_BOARD)
    since = committee.recorded_at if committee else None
    round_reviews = [r for r in reviews if since is None or r.created_at >= since]
    status = revision.status
    final_approved = status in {S.APPROVED, S.SUPERSEDED}

    draft = Step("utkast", "Utkast", CURRENT if status is S.DRAFT else DONE)
    if returned_by is not None and status is S.DRAFT:
        draft.note = f"Återremitterad av {returned_by.body.label.lower()}."
    decided = Step("namnd", "Nämndens beslut", TODO, decision=committee)
    central = Step("granskning", "Central granskning", TODO, reviews=round_reviews)
    board_step = Step("kommunstyrelsen", "Kommunstyrelsen", TODO, decision=board)
    outcome = Step("godkand", "Godkänd", TODO)
    if board is not None and board.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS:
        outcome.heading = "Godkänd med villkor"

    if status is S.DRAFT:
        central.reviews = [] if committee is None else round_reviews
    elif status is S.AWAITING_BOARD:
        decided.state = DONE
        central.state = DONE if round_reviews else CURRENT
        board_step.state = CURRENT
    elif final_approved:
        for step in (decided, central, board_step, outcome):
            step.state = DONE
        if not round_reviews:
            central.note = "Ingen central granskning registrerad."
        outcome.note = (
            "Ersatt av en nyare godkänd version."
            if status is S.SUPERSEDED
            else "Planen gäller tills en nyare version godkänns."
        )
    else:  # rejected or withdrawn: the last decision says where it stopped
        last = decisions[-1] if decisions else None
        if last is not None and last.body is DecisionBody.CITY_EXECUTIVE_BOARD:
            decided.state, central.state, board_step.state = DONE, DONE, STOPPED
        else:
            decided.state = STOPPED
            decided.decision = last
    return Chain(
        steps=[draft, decided, central, board_step, outcome],
        returned_by=returned_by if status is S.DRAFT else None,
        controls=_controls(revision, plan, actor, scope),
        open_revision=_open_revision(plan, revision),
        previous_conditions=conditions_to_answer,
    )


def _open_revision(plan: Plan, revision: Revision) -> int | None:
    return next(
        (r.id for r in plan.revisions if r.id != revision.id and r.status in OPEN_STATUSES),
        None,
    )


def _controls(revision: Revision, plan: Plan, actor: Actor, scope: Scope) -> list[Control]:
    def may(action: Action) -> bool:
        return judge(actor, action, scope) is Verdict.ALLOW

    base = f"/revisioner/{revision.id}"
    controls: list[Control] = []
    if revision.status is S.DRAFT and may(Action.EDIT_DRAFT):
        controls.append(Control(f"{base}/redigera", "Redigera utkastet"))
    if revision.status is S.APPROVED and may(Action.REPORT_FOLLOW_UP):
        controls.append(Control(f"{base}/uppfoljning", "Rapportera uppföljning"))
    if revision.status is S.DRAFT and revision.based_on and may(Action.REPORT_FOLLOW_UP):
        controls.append(
            Control(
                f"/revisioner/{revision.based_on}/uppfoljning",
                "Rapportera uppföljning av föregående plan",
            )
        )
    if revision.status in OPEN_STATUSES and may(Action.RECORD_COMMITTEE_DECISION):
        controls.append(Control(f"{base}/namndbeslut", "Registrera nämndens beslut"))
    if (
        revision.status is S.APPROVED
        and _open_revision(plan, revision) is None
        and may(Action.EDIT_DRAFT)
    ):
        controls.append(Control(f"{base}/ny-version", "Starta nästa års revision"))
    return controls
