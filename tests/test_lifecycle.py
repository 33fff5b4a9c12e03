"""The approval chain: pure rules of `lifecycle.decide`, and the registry enforcing them.

Every refusal against the database is checked twice: the typed error, and an export
of the whole registry that is byte-for-byte the same before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from planregistry import (
    Conflict,
    DecisionBody,
    DecisionOutcome,
    IllegalTransition,
    ReadOnly,
    Registry,
    Revision,
    RevisionStatus,
    ValidationError,
)
from planregistry_domain import lifecycle
from planregistry_domain.lifecycle import DecisionContext

S, B, O = RevisionStatus, DecisionBody, DecisionOutcome  # noqa: E741
TODAY = dt.date(2026, 11, 28)
HV = "hasselby-vallingby"

# The chain as DESIGN.md states it, written out here rather than read from the code.
EXPECTED: dict[tuple[RevisionStatus, DecisionBody, DecisionOutcome], RevisionStatus] = {
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
ALL = [(s, b, o) for s in S for b in B for o in O]
DISALLOWED = [c for c in ALL if c not in EXPECTED]


def _allowed(status: RevisionStatus) -> list[str]:
    return [f"{b.value}:{o.value}" for (s, b, o) in EXPECTED if s is status]


def _conditions(outcome: DecisionOutcome) -> str | None:
    return "Villkor." if outcome is O.APPROVED_WITH_CONDITIONS else None


# --- Pure rules -------------------------------------------------------------------


@pytest.mark.parametrize(("status", "body", "outcome"), list(EXPECTED))
def test_every_allowed_transition(
    status: RevisionStatus, body: DecisionBody, outcome: DecisionOutcome
) -> None:
    context = DecisionContext(status=status, last_decided_on=dt.date(2017, 5, 1))
    new = lifecycle.decide(
        context, body, outcome, dt.date(2017, 5, 18), _conditions(outcome), TODAY
    )
    assert new is EXPECTED[status, body, outcome]


@pytest.mark.parametrize(("status", "body", "outcome"), DISALLOWED)
def test_every_disallowed_transition_names_state_and_alternatives(
    status: RevisionStatus, body: DecisionBody, outcome: DecisionOutcome
) -> None:
    with pytest.raises(IllegalTransition) as info:
        lifecycle.decide(
            DecisionContext(status=status), body, outcome, TODAY, _conditions(outcome), TODAY
        )
    error = info.value
    assert error.current == status.value
    assert sorted(error.allowed) == sorted(_allowed(status))
    assert f"'{status.value}'" in error.detail and status.label in error.detail
    for alternative in _allowed(status):
        assert alternative in error.detail
    if not _allowed(status):
        assert "slutligt" in error.detail


def test_final_and_in_force_states_allow_no_decision() -> None:
    for status in (S.APPROVED, S.SUPERSEDED, S.REJECTED, S.WITHDRAWN):
        assert lifecycle.allowed_decisions(status) == []


def test_decision_dated_in_the_future_is_refused() -> None:
    context = DecisionContext(status=S.DRAFT)
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="framtiden"):
        lifecycle.decide(context, B.COMMITTEE, O.APPROVED, tomorrow, None, TODAY)
    assert lifecycle.decide(context, B.COMMITTEE, O.APPROVED, TODAY, None, TODAY)


def test_decision_dated_before_the_previous_one_is_refused() -> None:
    previous = dt.date(2017, 5, 18)
    context = DecisionContext(status=S.AWAITING_BOARD, last_decided_on=previous)
    day_before = previous - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="före föregående beslut"):
        lifecycle.decide(context, B.CITY_EXECUTIVE_BOARD, O.APPROVED, day_before, None, TODAY)
    # The same day is fine: committee and board can meet on one day.
    new = lifecycle.decide(context, B.CITY_EXECUTIVE_BOARD, O.APPROVED, previous, None, TODAY)
    assert new is S.APPROVED


@pytest.mark.parametrize("conditions", [None, "", "   \n"])
def test_approval_with_conditions_needs_conditions(conditions: str | None) -> None:
    context = DecisionContext(status=S.AWAITING_BOARD)
    with pytest.raises(ValidationError, match="villkor"):
        lifecycle.decide(
            context, B.CITY_EXECUTIVE_BOARD, O.APPROVED_WITH_CONDITIONS, TODAY, conditions, TODAY
        )


def test_committee_approval_needs_previous_year_accounted_for() -> None:
    unreported = DecisionContext(
        status=S.DRAFT, unreported_previous_activities=("Förebygga utanförskap",)
    )
    with pytest.raises(IllegalTransition, match="Förebygga utanförskap"):
        lifecycle.decide(unreported, B.COMMITTEE, O.APPROVED, TODAY, None, TODAY)
    # Other decisions on the draft do not wait for the follow-up.
    assert lifecycle.decide(unreported, B.COMMITTEE, O.RETURNED, TODAY, None, TODAY) is S.DRAFT
    unanswered = DecisionContext(status=S.DRAFT, previous_conditions="Komplettera.")
    with pytest.raises(IllegalTransition, match="conditions_response"):
        lifecycle.decide(unanswered, B.COMMITTEE, O.APPROVED, TODAY, None, TODAY)
    answered = DecisionContext(
        status=S.DRAFT, previous_conditions="Komplettera.", conditions_response="Gjort."
    )
    assert lifecycle.decide(answered, B.COMMITTEE, O.APPROVED, TODAY, None, TODAY) is (
        S.AWAITING_BOARD
    )


def test_only_a_draft_is_editable() -> None:
    lifecycle.ensure_editable(S.DRAFT)
    for status in set(S) - {S.DRAFT}:
        with pytest.raises(ReadOnly) as info:
            lifecycle.ensure_editable(status)
        assert info.value.current == status.value


# --- Against the database ---------------------------------------------------------


def _decide(
    registry: Registry,
    revision_id: int,
    body: str,
    outcome: str,
    on: str,
    conditions: str | None = None,
) -> Revision:
    registry.record_decision(
        revision_id,
        {"body": body, "outcome": outcome, "decided_on": on, "conditions": conditions},
    )
    return registry.get_revision(revision_id)


def _approve(
    registry: Registry, revision_id: int, year: int, conditions: str | None = None
) -> Revision:
    _decide(registry, revision_id, "committee", "approved", f"{year}-05-18")
    outcome = "approved_with_conditions" if conditions else "approved"
    return _decide(
        registry, revision_id, "city_executive_board", outcome, f"{year}-06-14", conditions
    )


def _report_all(registry: Registry, revision: Revision, period: str = "2017-VB") -> None:
    for activity in revision.activities:
        registry.report_follow_up(activity.id, {"period": period, "status": "done"})


def _seed(registry: Registry) -> Revision:
    (plan,) = registry.list_plans(HV)
    return registry.get_revision(plan.revisions[0].id)


def _revision_in(registry: Registry, status: RevisionStatus) -> Revision:
    """The seed plan's revision brought to `status` through the registry's own calls."""
    seed = _seed(registry)
    if status is S.DRAFT:
        return seed
    if status in (S.REJECTED, S.WITHDRAWN):
        return _decide(registry, seed.id, "committee", status.value, "2017-05-18")
    if status is S.AWAITING_BOARD:
        return _decide(registry, seed.id, "committee", "approved", "2017-05-18")
    approved = _approve(registry, seed.id, 2017)
    if status is S.APPROVED:
        return approved
    _report_all(registry, approved)
    newer = registry.create_revision(approved.plan_id, {"label": "Vers. 2", "cycle_year": 2018})
    _approve(registry, newer.id, 2018)
    return registry.get_revision(seed.id)


def _assert_refused(
    registry: Registry, error: type[Exception], call: Callable[[], Any], match: str | None = None
) -> None:
    before = registry.export_json()
    with pytest.raises(error, match=match):
        call()
    assert registry.export_json() == before


@pytest.mark.parametrize("status", list(S))
def test_illegal_decisions_are_refused_and_change_nothing(
    demo_registry: Registry, status: RevisionStatus
) -> None:
    revision = _revision_in(demo_registry, status)
    assert revision.status is status
    for state, body, outcome in DISALLOWED:
        if state is not status:
            continue
        _assert_refused(
            demo_registry,
            IllegalTransition,
            lambda b=body, o=outcome: _decide(
                demo_registry, revision.id, b.value, o.value, "2019-01-10", _conditions(o)
            ),
        )


NOT_DRAFT = [s for s in S if s is not S.DRAFT]
EDITS: dict[str, Callable[[Registry, Revision], Any]] = {
    "put_section": lambda r, rev: r.put_section(
        rev.id, "collaboration", {"heading": "Samverkan", "body": "Ny text."}
    ),
    "put_section (new key)": lambda r, rev: r.put_section(
        rev.id, "forord", {"heading": "Förord", "body": "Text."}
    ),
    "delete_section": lambda r, rev: r.delete_section(rev.id, "training"),
    "put_situation": lambda r, rev: r.put_situation(rev.id, {"summary": "Ny lägesbild."}),
    "add_activity": lambda r, rev: r.add_activity(rev.id, {"title": "Ny", "level": "hindering"}),
    "update_activity": lambda r, rev: r.update_activity(
        rev.activities[0].id, {"responsible": "Någon annan"}
    ),
    "delete_activity": lambda r, rev: r.delete_activity(rev.activities[0].id),
    "update_revision": lambda r, rev: r.update_revision(rev.id, {"label": "Ändrad"}),
    "update_revision (conditions_response)": lambda r, rev: r.update_revision(
        rev.id, {"conditions_response": "Svar."}
    ),
}


@pytest.mark.parametrize("status", NOT_DRAFT)
def test_content_of_a_revision_that_is_not_a_draft_never_changes(
    demo_registry: Registry, status: RevisionStatus
) -> None:
    revision = _revision_in(demo_registry, status)
    for name, edit in EDITS.items():
        before = demo_registry.export_json()
        with pytest.raises(ReadOnly) as info:
            edit(demo_registry, revision)
        assert info.value.current == status.value, name
        assert demo_registry.export_json() == before, name


@pytest.mark.parametrize("status", [S.DRAFT, S.AWAITING_BOARD])
def test_second_open_revision_is_refused(demo_registry: Registry, status: RevisionStatus) -> None:
    revision = _revision_in(demo_registry, status)
    _assert_refused(
        demo_registry,
        Conflict,
        lambda: demo_registry.create_revision(
            revision.plan_id, {"label": "Vers. 2", "cycle_year": 2018}
        ),
        match="öppen revision",
    )


@pytest.mark.parametrize("status", [S.APPROVED, S.SUPERSEDED, S.REJECTED, S.WITHDRAWN])
def test_a_closed_revision_does_not_block_a_new_one(
    demo_registry: Registry, status: RevisionStatus
) -> None:
    revision = _revision_in(demo_registry, status)
    new = demo_registry.create_revision(revision.plan_id, {"label": "Ny", "cycle_year": 2019})
    assert new.status is S.DRAFT


@pytest.mark.parametrize("status", [s for s in S if s is not S.APPROVED])
def test_follow_up_only_on_the_revision_in_force(
    demo_registry: Registry, status: RevisionStatus
) -> None:
    revision = _revision_in(demo_registry, status)
    _assert_refused(
        demo_registry,
        IllegalTransition,
        lambda: demo_registry.report_follow_up(
            revision.activities[0].id, {"period": "2017-VB", "status": "done"}
        ),
    )


def test_decision_dates_are_checked_against_the_clock_and_the_previous_decision(
    demo_registry: Registry,
) -> None:
    seed = _seed(demo_registry)
    _assert_refused(
        demo_registry,
        ValidationError,
        lambda: _decide(demo_registry, seed.id, "committee", "approved", "2026-11-29"),
        match="framtiden",
    )
    _decide(demo_registry, seed.id, "committee", "approved", "2026-11-28")
    _assert_refused(
        demo_registry,
        ValidationError,
        lambda: _decide(demo_registry, seed.id, "city_executive_board", "approved", "2026-11-27"),
        match="före föregående beslut",
    )


def test_committee_approval_waits_for_follow_up_of_every_previous_activity(
    demo_registry: Registry,
) -> None:
    previous = _approve(demo_registry, _seed(demo_registry).id, 2017)
    new = demo_registry.create_revision(previous.plan_id, {"label": "Vers. 2", "cycle_year": 2018})
    first, *rest = previous.activities
    for activity in rest:
        demo_registry.report_follow_up(activity.id, {"period": "2017-VB", "status": "ongoing"})
    # A removed activity of the old plan still has to be accounted for.
    demo_registry.delete_activity(new.activities[0].id)
    _assert_refused(
        demo_registry,
        IllegalTransition,
        lambda: _decide(demo_registry, new.id, "committee", "approved", "2018-03-15"),
        match=first.title.rstrip("."),
    )
    demo_registry.report_follow_up(first.id, {"period": "2017-VB", "status": "postponed"})
    approved = _decide(demo_registry, new.id, "committee", "approved", "2018-03-15")
    assert approved.status is S.AWAITING_BOARD


def test_committee_approval_waits_for_an_answer_to_the_board_conditions(
    demo_registry: Registry,
) -> None:
    conditions = "Komplettera lägesbilden med enkätsiffror."
    previous = _approve(demo_registry, _seed(demo_registry).id, 2017, conditions)
    _report_all(demo_registry, previous)
    new = demo_registry.create_revision(previous.plan_id, {"label": "Vers. 2", "cycle_year": 2018})
    assert new.conditions_response is None  # not copied: each revision answers its own

    def committee_approves() -> Revision:
        return _decide(demo_registry, new.id, "committee", "approved", "2018-03-15")

    _assert_refused(demo_registry, IllegalTransition, committee_approves, "villkor")
    demo_registry.update_revision(new.id, {"conditions_response": "  "})
    _assert_refused(demo_registry, IllegalTransition, committee_approves, "villkor")
    demo_registry.update_revision(
        new.id, {"conditions_response": "Lägesbilden har kompletterats med enkätsiffror."}
    )
    assert committee_approves().status is S.AWAITING_BOARD


def test_board_return_sends_the_revision_back_through_the_committee(
    demo_registry: Registry,
) -> None:
    seed = _seed(demo_registry)
    _decide(demo_registry, seed.id, "committee", "approved", "2017-05-18")
    returned = _decide(demo_registry, seed.id, "city_executive_board", "returned", "2017-06-14")
    assert returned.status is S.DRAFT
    _assert_refused(
        demo_registry,
        IllegalTransition,
        lambda: _decide(demo_registry, seed.id, "city_executive_board", "approved", "2017-06-15"),
    )
    demo_registry.put_section(seed.id, "collaboration", {"heading": "Samverkan", "body": "Ny."})
    _decide(demo_registry, seed.id, "committee", "approved", "2017-08-20")
    final = _decide(demo_registry, seed.id, "city_executive_board", "approved", "2017-09-14")
    assert [(d.status_before, d.status_after) for d in final.decisions] == [
        (S.DRAFT, S.AWAITING_BOARD),
        (S.AWAITING_BOARD, S.DRAFT),
        (S.DRAFT, S.AWAITING_BOARD),
        (S.AWAITING_BOARD, S.APPROVED),
    ]


# --- Worked example: Hässelby-Vällingby 2017 → 2018 -------------------------------

TRAINING = "Utbildning för medarbetare om våldsbejakande extremism."
LEISURE = "Arbeta våldsförebyggande inom fritidsverksamheten."
NEW_ACTIVITY = {
    "title": "Stöd till anhöriga och avhoppare i samverkan med polisen",
    "level": "hindering",
    "themes": ["exit_support", "relatives_support"],
    "responsible": "Avdelningen för individ- och familjeomsorg",
    "partners": ["Polis", "Rädda Barnen"],
    "follow_up_method": "Uppföljning i ILS",
}
NEW_RESPONSIBLE = "Avdelningen för förebyggande arbete"
KS_CONDITIONS = "Redovisa enkätsvaren med antal svarande i nästa revidering."


def _content(revision: Revision) -> tuple[Any, ...]:
    activities = [
        (a.key, a.position, a.title, a.level, a.themes, a.responsible, a.partners)
        for a in revision.activities
    ]
    return (
        revision.sections,
        revision.situation,
        revision.scope_exclusions,
        revision.priority_areas,
        activities,
    )


def test_worked_example_hasselby_vallingby_2017_to_2018(demo_registry: Registry) -> None:
    registry = demo_registry
    rev2017 = _seed(registry)
    assert registry.completeness(rev2017.id) == []
    registry.record_decision(
        rev2017.id,
        {
            "body": "committee",
            "outcome": "approved",
            "decided_on": "2017-05-18",
            "case_number": "HVSN 1.2.3-123/2017",
            "minutes_ref": "§ 12",
        },
    )
    board = registry.record_decision(
        rev2017.id,
        {
            "body": "city_executive_board",
            "outcome": "approved",
            "decided_on": "2017-06-14",
            "case_number": "KS 2017/456",
            "minutes_ref": "§ 8",
        },
    )
    rev2017 = registry.get_revision(rev2017.id)
    assert rev2017.status is S.APPROVED
    assert (board.value.status_after, board.revision_version) == (S.APPROVED, rev2017.version)
    statuses = ["done", "ongoing", "postponed", "not_started", "discontinued"]
    for i, activity in enumerate(rev2017.activities):
        follow_up = registry.report_follow_up(
            activity.id, {"period": "2017-VB", "status": statuses[i % len(statuses)]}
        )
        assert follow_up.activity_key == activity.key

    # The 2018 revision starts as a copy of the one in force, activity keys kept.
    rev2018 = registry.create_revision(
        rev2017.plan_id, {"label": "Vers. 2, reviderad mars 2018", "cycle_year": 2018}
    )
    assert (rev2018.number, rev2018.based_on, rev2018.status) == (2, rev2017.id, S.DRAFT)
    assert _content(rev2018) == _content(rev2017)
    assert {a.id for a in rev2018.activities}.isdisjoint({a.id for a in rev2017.activities})

    by_title = {a.title: a for a in rev2018.activities}
    registry.put_section(
        rev2018.id,
        "collaboration",
        {"heading": "Samverkan", "body": "Samverkan sker i det lokala brottsförebyggande rådet."},
    )
    registry.update_activity(by_title[TRAINING].id, {"responsible": NEW_RESPONSIBLE})
    added = registry.add_activity(rev2018.id, NEW_ACTIVITY)
    registry.delete_activity(by_title[LEISURE].id)
    situation = registry.get_revision(rev2018.id).situation
    assert situation is not None
    police = [
        {"environment": p.environment, "status": p.status.value, "text": p.text}
        for p in situation.police
    ]
    police[0]["status"] = "active"  # white_power
    registry.put_situation(
        rev2018.id,
        {
            "sources": situation.sources,
            "summary": situation.summary,
            "survey": [
                {"question_key": a.question_key, "finding": a.finding} for a in situation.survey
            ],
            "police": police,
        },
    )
    assert registry.completeness(rev2018.id) == []

    _decide(registry, rev2018.id, "committee", "approved", "2018-03-15")
    rev2018 = _decide(
        registry,
        rev2018.id,
        "city_executive_board",
        "approved_with_conditions",
        "2018-04-19",
        KS_CONDITIONS,
    )

    rev2017 = registry.get_revision(rev2017.id)
    assert (rev2017.status, rev2018.status) == (S.SUPERSEDED, S.APPROVED)
    trail = [
        (d.body, d.outcome, d.decided_on.isoformat(), d.status_before, d.status_after)
        for d in (*rev2017.decisions, *rev2018.decisions)
    ]
    assert trail == [
        (B.COMMITTEE, O.APPROVED, "2017-05-18", S.DRAFT, S.AWAITING_BOARD),
        (B.CITY_EXECUTIVE_BOARD, O.APPROVED, "2017-06-14", S.AWAITING_BOARD, S.APPROVED),
        (B.COMMITTEE, O.APPROVED, "2018-03-15", S.DRAFT, S.AWAITING_BOARD),
        (
            B.CITY_EXECUTIVE_BOARD,
            O.APPROVED_WITH_CONDITIONS,
            "2018-04-19",
            S.AWAITING_BOARD,
            S.APPROVED,
        ),
    ]
    assert rev2017.decisions[0].minutes_ref == "§ 12"
    assert rev2018.decisions[-1].conditions == KS_CONDITIONS

    diff = registry.diff_revisions(rev2017.id, rev2018.id)
    assert [s.key for s in diff.sections_changed] == ["collaboration"]
    assert [a.key for a in diff.activities_added] == [added.key]
    assert [a.title for a in diff.activities_removed] == [LEISURE]
    (changed,) = diff.activities_changed
    assert changed.key == by_title[TRAINING].key
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("responsible", "Stadsdelsförvaltningen", NEW_RESPONSIBLE)
    ]
    assert diff.changelog == [
        "Avsnittet Samverkan är omarbetat.",
        "Lägesbilden: polisens bedömning av vit makt-miljön ändrad från Inte aktiv till Aktiv.",
        "Ny aktivitet: Stöd till anhöriga och avhoppare i samverkan med polisen (förhindrande).",
        'Aktiviteten "Arbeta våldsförebyggande inom fritidsverksamheten" utgår.',
        'Aktiviteten "Utbildning för medarbetare om våldsbejakande extremism" har fått ny '
        f"ansvarig aktör: Stadsdelsförvaltningen → {NEW_RESPONSIBLE}.",
    ]

    deadline = registry.plan_deadline(rev2018.plan_id)
    assert deadline.in_force is not None and deadline.in_progress is None
    assert (deadline.in_force.revision_id, deadline.in_force.number) == (rev2018.id, 2)
    assert deadline.in_force.approved_on == dt.date(2018, 4, 19)
    assert (deadline.next_due, deadline.overdue) == (dt.date(2019, 5, 31), True)

    # The next revision must answer the board's conditions before its committee approves.
    rev2019 = registry.create_revision(rev2018.plan_id, {"label": "Vers. 3", "cycle_year": 2019})
    _report_all(registry, rev2018, "2018-VB")
    _assert_refused(
        registry,
        IllegalTransition,
        lambda: _decide(registry, rev2019.id, "committee", "approved", "2019-03-14"),
        match="villkor",
    )
