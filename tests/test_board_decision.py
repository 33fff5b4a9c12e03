"""The central review as a step, kommunstyrelsen's joint decision over many plans, and
the conditions answered in the next revision: a whole 2017 → 2018 cycle, on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec
import pytest

from planregistry import (
    IllegalTransition,
    NotFound,
    PermissionDenied,
    Registry,
    ReviewOutcome,
    RevisionStatus,
    StaleVersion,
    ValidationError,
)
from planregistry.storage import migrations
from planregistry_domain.actor import Actor
from planregistry_domain.vocabulary import Role

HV, BROMMA, TENSTA = "hasselby-vallingby", "bromma", "spanga-tensta"
CENTRAL = Actor(subject="anna", name="Anna A", role=Role.CENTRAL, municipality="stockholm")
HV_COORDINATOR = Actor(
    subject="karin",
    name="Karin K",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization=HV,
)
BROMMA_COORDINATOR = Actor(
    subject="bo",
    name="Bo B",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization=BROMMA,
)
CONDITIONS = [
    "Lägesbilden ska kompletteras med enkätsiffror.",
    "Ansvaret för avhopparverksamheten ska förtydligas.",
]
ACTIVITY = {
    "title": "Utbildning för medarbetare om våldsbejakande extremism",
    "level": "preventing",
    "themes": ["staff_training"],
    "responsible": "Stadsdelsförvaltningen",
    "partners": ["Polis"],
    "follow_up_method": "Uppföljning i ILS",
}


@dataclass
class Round:
    revisions: dict[str, int]  # organisation → its 2017 revision, awaiting the board


def _awaiting_board(registry: Registry) -> Round:
    """Three plans through their committees: the seed plan and two small ones."""
    (seed_plan,) = registry.list_plans(HV)
    revisions = {HV: seed_plan.revisions[0].id}
    for org in (BROMMA, TENSTA):
        plan = registry.create_plan(org, {"programme_id": "vbe"})
        revision = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2017})
        registry.add_activity(revision.id, ACTIVITY)
        revisions[org] = revision.id
    for rid in revisions.values():
        registry.record_decision(
            rid, {"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"}
        )
    return Round(revisions)


def _joint(round_: Round, **overrides: object) -> dict[str, object]:
    return {
        "decided_on": "2017-09-13",
        "case_number": "KS 2017/123",
        "minutes_ref": "§ 21",
        "items": [
            {
                "revision_id": round_.revisions[HV],
                "outcome": "approved_with_conditions",
                "conditions": CONDITIONS,
            },
            {"revision_id": round_.revisions[BROMMA], "outcome": "approved"},
            {
                "revision_id": round_.revisions[TENSTA],
                "outcome": "returned",
                "conditions": ["Planen saknar förhindrande åtgärder."],
            },
        ],
        **overrides,
    }


def test_a_whole_cycle_with_one_joint_board_decision(demo_registry: Registry) -> None:
    registry = demo_registry
    round_ = _awaiting_board(registry)
    hv = round_.revisions[HV]
    seed = registry.get_revision(hv)
    section = seed.sections[0].key
    review = registry.add_review(
        hv,
        {
            "feedback": "Granskad tillsammans med Försvarshögskolan.",
            "outcome": "ready_for_board",
            "remarks": [
                {"section_key": section, "text": "Avsnittet är tydligt."},
                {"activity_key": seed.activities[0].key, "text": "Ange mätbara mål."},
            ],
            "requests": ["Komplettera lägesbilden med enkätsiffror."],
            "expert_body": "Försvarshögskolan",
        },
        actor=CENTRAL,
    )
    assert review.outcome is ReviewOutcome.READY_FOR_BOARD
    assert [r.section_key for r in review.remarks] == [section, None]
    assert review.expert_body == "Försvarshögskolan"
    registry.add_review(
        round_.revisions[TENSTA],
        {"feedback": "Saknar förhindrande nivå.", "outcome": "needs_changes"},
        actor=CENTRAL,
    )
    board = registry.status_board(actor=CENTRAL)
    by_org = {r.organization_id: r for r in board.rows}
    assert by_org[HV].review_outcome is ReviewOutcome.READY_FOR_BOARD
    assert by_org[TENSTA].review_outcome is ReviewOutcome.NEEDS_CHANGES
    assert by_org[BROMMA].review_outcome is None
    assert by_org[HV].in_progress is not None
    assert by_org[HV].in_progress.status is RevisionStatus.AWAITING_BOARD

    versions = {rid: registry.get_revision(rid).version for rid in round_.revisions.values()}
    recorded = registry.record_board_decision(
        _joint(round_), expected_versions=versions, actor=CENTRAL
    )
    joint = recorded.board_decision
    assert (joint.case_number, joint.minutes_ref, str(joint.decided_on)) == (
        "KS 2017/123",
        "§ 21",
        "2017-09-13",
    )
    statuses = {i.revision_id: i.status_after for i in joint.items}
    assert statuses == {
        hv: RevisionStatus.APPROVED,
        round_.revisions[BROMMA]: RevisionStatus.APPROVED,
        round_.revisions[TENSTA]: RevisionStatus.DRAFT,
    }
    (hv_item,) = [i for i in joint.items if i.revision_id == hv]
    assert [c.text for c in hv_item.conditions] == CONDITIONS
    for written in recorded.revisions:
        assert registry.get_revision(written.revision_id).version == written.revision_version
    # Each revision carries its own decision, pointing at the joint one.
    (decision,) = [d for d in registry.get_revision(hv).decisions if d.body.value != "committee"]
    assert decision.board_decision_id == joint.id
    assert decision.case_number == "KS 2017/123"
    trail = registry.list_audit(actor=CENTRAL).items
    decided = [e for e in trail if "board_decision_id" in e.change]
    assert {e.change["board_decision_id"] for e in decided} == {joint.id}
    assert {int(e.entity_id) for e in decided} == set(round_.revisions.values())
    assert all(e.change["case_number"] == "KS 2017/123" for e in decided)

    by_org = {r.organization_id: r for r in registry.status_board(actor=CENTRAL).rows}
    assert by_org[HV].open_conditions == 2
    assert by_org[BROMMA].open_conditions == 0

    # 2018: the next revision answers each condition before its committee may approve it.
    seed_now = registry.get_revision(hv)
    for activity in seed_now.activities:
        registry.report_follow_up(activity.id, {"period": "2017-VB", "status": "done"})
    new = registry.create_revision(seed_now.plan_id, {"label": "Vers. 2", "cycle_year": 2018})
    findings = registry.completeness(new.id)
    unanswered = [f for f in findings if f.code == "condition_unanswered"]
    assert [f.message.split(": ", 1)[1] for f in unanswered] == CONDITIONS
    with pytest.raises(IllegalTransition, match="villkor"):
        registry.record_decision(
            new.id, {"body": "committee", "outcome": "approved", "decided_on": "2018-03-15"}
        )
    to_answer = registry.conditions_to_answer(new.id, actor=HV_COORDINATOR)
    assert [c.condition.text for c in to_answer] == CONDITIONS
    assert all(c.response is None for c in to_answer)
    version = registry.get_revision(new.id).version
    first = registry.answer_condition(
        new.id,
        to_answer[0].condition.id,
        {"response": "Enkäten är genomförd, se lägesbilden."},
        expected_version=version,
        actor=HV_COORDINATOR,
    )
    assert first.revision_version == version + 1
    findings = registry.completeness(new.id)
    assert [f.subject for f in findings if f.code == "condition_unanswered"] == [
        f"condition:{to_answer[1].condition.id}"
    ]
    assert {r.organization_id: r for r in registry.status_board().rows}[HV].open_conditions == 1
    registry.answer_condition(
        new.id,
        to_answer[1].condition.id,
        {"response": "Socialtjänsten ansvarar."},
        expected_version=first.revision_version,
        actor=HV_COORDINATOR,
    )
    assert not [f for f in registry.completeness(new.id) if f.code == "condition_unanswered"]
    assert {r.organization_id: r for r in registry.status_board().rows}[HV].open_conditions == 0
    approved = registry.record_decision(
        new.id,
        {"body": "committee", "outcome": "approved", "decided_on": "2018-03-15"},
        actor=HV_COORDINATOR,
    )
    assert approved.value.status_after is RevisionStatus.AWAITING_BOARD
    # Approved content never changes: the answers of a revision past its draft stay.
    with pytest.raises(Exception, match="utkast"):
        registry.answer_condition(new.id, to_answer[0].condition.id, {"response": "Nytt svar."})


def test_the_joint_decision_is_all_or_nothing(demo_registry: Registry) -> None:
    registry = demo_registry
    round_ = _awaiting_board(registry)
    versions = {rid: registry.get_revision(rid).version for rid in round_.revisions.values()}
    before = registry.export_json()
    stale = {**versions, round_.revisions[TENSTA]: versions[round_.revisions[TENSTA]] - 1}
    with pytest.raises(StaleVersion, match=str(round_.revisions[TENSTA])):
        registry.record_board_decision(_joint(round_), expected_versions=stale, actor=CENTRAL)
    assert registry.export_json() == before
    # One covered revision in the wrong state (still a draft) refuses the whole decision.
    draft = registry.create_revision(
        registry.create_plan("kungsholmen", {"programme_id": "vbe"}).id,
        {"label": "Vers. 1", "cycle_year": 2017},
    )
    before = registry.export_json()
    data = _joint(round_)
    data["items"] = [*data["items"], {"revision_id": draft.id, "outcome": "approved"}]  # type: ignore[list-item]
    with pytest.raises(IllegalTransition, match=f"Revision {draft.id}"):
        registry.record_board_decision(data, expected_versions=versions, actor=CENTRAL)
    assert registry.export_json() == before
    with pytest.raises(ValidationError) as refused:
        registry.record_board_decision(
            _joint(
                round_,
                items=[
                    {"revision_id": round_.revisions[HV], "outcome": "approved_with_conditions"},
                    {"revision_id": round_.revisions[HV], "outcome": "approved"},
                ],
            ),
            actor=CENTRAL,
        )
    assert {e.path for e in refused.value.errors} == {
        "$.items[0].conditions",
        "$.items[1].revision_id",
    }
    assert registry.export_json() == before


def test_only_central_reviews_and_records_and_coordinators_see_their_own(
    demo_registry: Registry,
) -> None:
    registry = demo_registry
    round_ = _awaiting_board(registry)
    hv = round_.revisions[HV]
    with pytest.raises(PermissionDenied):
        registry.add_review(
            hv, {"feedback": "Bra.", "outcome": "ready_for_board"}, actor=HV_COORDINATOR
        )
    with pytest.raises(PermissionDenied):
        registry.record_board_decision(
            {
                "decided_on": "2017-09-13",
                "case_number": "KS 2017/1",
                "items": [{"revision_id": hv, "outcome": "approved"}],
            },
            actor=HV_COORDINATOR,
        )
    with pytest.raises(NotFound):  # another organisation's plan is not even seen
        registry.record_board_decision(
            {
                "decided_on": "2017-09-13",
                "case_number": "KS 2017/1",
                "items": [{"revision_id": round_.revisions[BROMMA], "outcome": "approved"}],
            },
            actor=HV_COORDINATOR,
        )
    registry.add_review(hv, {"feedback": "Klar.", "outcome": "ready_for_board"}, actor=CENTRAL)
    joint = registry.record_board_decision(_joint(round_), actor=CENTRAL).board_decision

    own = registry.get_board_decision(joint.id, actor=HV_COORDINATOR)
    assert [i.organization_id for i in own.items] == [HV]
    assert [d.id for d in registry.list_board_decisions(actor=HV_COORDINATOR)] == [joint.id]
    assert len(registry.get_board_decision(joint.id, actor=CENTRAL).items) == 3
    kungsholmen = Actor(
        subject="k",
        name="K",
        role=Role.COORDINATOR,
        municipality="stockholm",
        organization="kungsholmen",
    )
    with pytest.raises(NotFound):
        registry.get_board_decision(joint.id, actor=kungsholmen)
    assert registry.list_board_decisions(actor=kungsholmen) == []
    goteborg = Actor(subject="g", name="G", role=Role.CENTRAL, municipality="goteborg")
    with pytest.raises(NotFound):
        registry.get_board_decision(joint.id, actor=goteborg)
    # The status board shows a coordinator the review outcome of its own plan only.
    rows = {r.organization_id: r for r in registry.status_board(actor=BROMMA_COORDINATOR).rows}
    assert rows[HV].review_outcome is None
    assert {r.organization_id: r for r in registry.status_board(actor=HV_COORDINATOR).rows}[
        HV
    ].review_outcome is None  # in force now; nothing in progress
    with pytest.raises(NotFound):
        registry.conditions_to_answer(hv, actor=BROMMA_COORDINATOR)


def test_review_findings_must_name_what_the_revision_has(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans(HV)
    rid = plan.revisions[0].id
    with pytest.raises(ValidationError) as refused:
        demo_registry.add_review(
            rid,
            {
                "feedback": "x",
                "remarks": [
                    {"section_key": "nope", "text": "?"},
                    {"activity_key": "nope", "text": "?"},
                ],
            },
        )
    assert {e.path for e in refused.value.errors} == {
        "$.remarks[0].section_key",
        "$.remarks[1].activity_key",
    }
    plain = demo_registry.add_review(rid, {"feedback": "Fritext som förut."})
    assert plain.outcome is ReviewOutcome.COMMENTS and plain.remarks == []


def test_a_single_board_decision_keeps_working_and_its_conditions_are_one(
    demo_registry: Registry,
) -> None:
    (plan,) = demo_registry.list_plans(HV)
    rid = plan.revisions[0].id
    demo_registry.record_decision(
        rid, {"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"}
    )
    written = demo_registry.record_decision(
        rid,
        {
            "body": "city_executive_board",
            "outcome": "approved_with_conditions",
            "decided_on": "2017-06-14",
            "conditions": "Komplettera lägesbilden.",
        },
    )
    assert written.value.board_decision_id is None
    for activity in demo_registry.get_revision(rid).activities:
        demo_registry.report_follow_up(activity.id, {"period": "2017-VB", "status": "done"})
    new = demo_registry.create_revision(plan.id, {"label": "Vers. 2", "cycle_year": 2018})
    (condition,) = demo_registry.conditions_to_answer(new.id)
    assert condition.condition.text == "Komplettera lägesbilden."


def _empty_registry(
    registry: Registry, tmp_path: Path, request: pytest.FixtureRequest, name: str
) -> Registry:
    if registry.engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / name}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    migrations.upgrade(url)
    return Registry.open(url)


def test_the_backup_carries_reviews_joint_decisions_and_answers(
    demo_registry: Registry, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    registry = demo_registry
    round_ = _awaiting_board(registry)
    hv = round_.revisions[HV]
    registry.add_review(
        hv,
        {
            "feedback": "Klar.",
            "outcome": "ready_for_board",
            "requests": ["Ange mål."],
            "expert_body": "Försvarshögskolan",
        },
    )
    registry.record_board_decision(_joint(round_))
    for activity in registry.get_revision(hv).activities:
        registry.report_follow_up(activity.id, {"period": "2017-VB", "status": "done"})
    plan_id = registry.get_revision(hv).plan_id
    new = registry.create_revision(plan_id, {"label": "Vers. 2", "cycle_year": 2018})
    first = registry.conditions_to_answer(new.id)[0].condition.id
    registry.answer_condition(new.id, first, {"response": "Gjort."})
    document = registry.export_json()
    assert msgspec.json.decode(document)["format_version"] == 4

    with _empty_registry(registry, tmp_path, request, "restored.sqlite3") as restored:
        restored.import_json(document)
        assert restored.export_json() == document
        answers = restored.conditions_to_answer(new.id)
        assert [a.response.response if a.response else None for a in answers] == ["Gjort.", None]

    # A format 3 document (conditions as one text) still imports: each board decision's
    # text becomes its one condition.
    older = msgspec.json.decode(document)
    older["format_version"] = 3
    for key in ("board_decisions", "decision_conditions", "condition_responses"):
        del older[key]
    for revision in older["revisions"]:
        for decision in revision["decisions"]:
            decision.pop("board_decision_id")
    for review in older["reviews"]:
        for key in ("outcome", "remarks", "requests", "expert_body"):
            review.pop(key)
    with _empty_registry(registry, tmp_path, request, "older.sqlite3") as restored:
        restored.import_json(msgspec.json.encode(older))
        (answer,) = restored.conditions_to_answer(new.id)
        assert answer.condition.text == "\n".join(CONDITIONS) and answer.response is None
        assert restored.list_reviews(hv)[0].outcome is ReviewOutcome.COMMENTS
