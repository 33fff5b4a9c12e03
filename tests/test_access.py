"""Every use case goes through the policy, per object, on a real database.

The table below is the library's action map: each public method, the policy action it
performs and where its target lives. Each role calls each method on its own
organisation's object, another Stockholm organisation's and one in Göteborg; the
expected outcome is the policy's verdict (`judge`, itself tested as a table in
tests/test_policy.py):

- allowed: the call succeeds or meets a domain rule (Conflict, ValidationError,
  IllegalTransition…); a successful write leaves exactly one audit entry;
- forbidden: `PermissionDenied`; hidden: `NotFound`, the same as for an id that does
  not exist;

and a refused call leaves the data and the audit trail exactly as they were.
"""

from __future__ import annotations

import inspect
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.errors import (
    NotFound,
    PermissionDenied,
    PlanRegistryError,
    ReadOnly,
    StaleVersion,
    ValidationError,
)
from planregistry_domain.policy import Action, Scope, Verdict, judge, judge_organization_plans
from planregistry_domain.vocabulary import Role
from tests.conftest import StatementCounter
from tests.documents_support import PDF_BYTES
from tests.world import (
    ACTIVITY,
    CENTRAL,
    COORDINATOR,
    ELSEWHERE_ORG,
    OTHER_ORG,
    OWN_ORG,
    READER,
    Place,
    World,
    audit_count,
    snapshot,
)

A = Action
# Where a call's target lives, for the policy.
OBJECT, MUNICIPALITY, SHARED = "object", "municipality", "shared"
# An organisation's plans as a whole (list them, create one): the organisation is visible.
ORGANIZATION_PLANS = "organization_plans"

# A call, prepared as the system for one target; it then runs as the given actor.
Prepared = Callable[[Actor], object]


@dataclass(frozen=True)
class Exercise:
    action: Action
    where: str
    writes: bool
    prepare: Callable[[World, Place], Prepared]


def _call(method: str, *args: Any, **kwargs: Any) -> Callable[[World, Place], Prepared]:
    """A call whose arguments come from the target (`place.<field>` names in `args`)."""

    def prepare(world: World, place: Place) -> Prepared:
        values = [
            getattr(place, a[6:]) if isinstance(a, str) and a.startswith("place.") else a
            for a in args
        ]
        bound = getattr(world.registry, method)
        return lambda actor: bound(*values, **kwargs, actor=actor)

    return prepare


def _update(method: str, target: str, field: str, text: str) -> Callable[[World, Place], Prepared]:
    """An update that changes the field at every call (an unchanged one writes nothing)."""
    numbers = itertools.count(1)

    def prepare(world: World, place: Place) -> Prepared:
        bound = getattr(world.registry, method)
        key = getattr(place, target.removeprefix("place."))
        return lambda actor: bound(key, {field: f"{text} {next(numbers)}"}, actor=actor)

    return prepare


def _delete_section(world: World, place: Place) -> Prepared:
    world.registry.put_section(place.draft, "egen", {"heading": "Eget", "body": "Text."})
    return lambda actor: world.registry.delete_section(place.draft, "egen", actor=actor)


def _delete_activity(world: World, place: Place) -> Prepared:
    activity = world.registry.add_activity(place.draft, ACTIVITY)
    return lambda actor: world.registry.delete_activity(activity.id, actor=actor)


def _board_decision(world: World, place: Place) -> Prepared:
    registry = world.registry
    if registry.get_revision(place.draft).status == "draft":
        registry.record_decision(
            place.draft, {"body": "committee", "outcome": "approved", "decided_on": "2026-11-01"}
        )
    decision = {"body": "city_executive_board", "outcome": "approved", "decided_on": "2026-11-02"}
    return lambda actor: registry.record_decision(place.draft, decision, actor=actor)


def _report_period(world: World, place: Place) -> Prepared:
    reports = {place.approved_activity: {"status": "ongoing"}}
    return lambda actor: world.registry.report_period(
        place.approved, "2026-T1", reports, actor=actor
    )


def _joint_board_decision(world: World, place: Place) -> Prepared:
    registry = world.registry
    _board_decision(world, place)  # brings the draft to the board
    decision = {
        "decided_on": "2026-11-02",
        "case_number": "KS 2026/1",
        "items": [{"revision_id": place.draft, "outcome": "approved"}],
    }
    return lambda actor: registry.record_board_decision(decision, actor=actor)


def _new_organization(world: World, place: Place) -> Prepared:
    body = {
        "id": f"ny-{place.organization}",
        "name": "Ny förvaltning",
        "kind": "specialist",
        "committee": "Ny nämnd",
        "municipality": place.municipality,
    }
    return lambda actor: world.registry.create_organization(body, actor=actor)


_serial = itertools.count()


def _fresh_actor(world: World, place: Place) -> int:
    """An actor of the place's register, made by the system for one call."""
    name = f"Aktör {next(_serial)}"
    return world.registry.create_plan_actor(place.municipality, {"kind": "other", "name": name}).id


def _actor_call(method: str, *args: Any) -> Callable[[World, Place], Prepared]:
    def prepare(world: World, place: Place) -> Prepared:
        actor_id = _fresh_actor(world, place)
        bound = getattr(world.registry, method)
        return lambda actor: bound(actor_id, *args, actor=actor)

    return prepare


def _new_plan_actor(world: World, place: Place) -> Prepared:
    body = {"kind": "civil_society", "name": f"Förening {next(_serial)}"}
    return lambda actor: world.registry.create_plan_actor(place.municipality, body, actor=actor)


def _comparison(view: str) -> Callable[[World, Place], Prepared]:
    def prepare(world: World, place: Place) -> Prepared:
        method = getattr(world.registry, view)
        return lambda actor: method({"municipality": place.municipality}, actor=actor)

    return prepare


def _import(world: World, place: Place) -> Prepared:
    document = world.registry.export_json()
    return lambda actor: world.registry.import_json(document, actor=actor)  # not empty: Conflict


def _backup(world: World, place: Place) -> Prepared:
    def call(actor: Actor) -> object:  # a copy of the SQLite file; PostgreSQL: Conflict
        with tempfile.TemporaryDirectory() as folder:
            return world.registry.backup_database(Path(folder) / "copy.sqlite3", actor=actor)

    return call


PLAN_TEXT = "Inledning\n\nPlanen gäller 2026.\n".encode()


def _stored_import(world: World, place: Place) -> int:
    text = PLAN_TEXT + f"{place.organization} {world.registry.now().isoformat()}\n".encode()
    plan_import, _ = world.registry.create_plan_import(place.organization, text, "plan.txt")
    return plan_import.id


def _new_import(world: World, place: Place) -> Prepared:
    # A document not uploaded before (the same one again is found, not written).
    text = PLAN_TEXT + f"{world.registry.now().isoformat()}\n".encode()
    return lambda actor: world.registry.create_plan_import(
        place.organization, text, "plan.txt", actor=actor
    )[0]


def _get_import(world: World, place: Place) -> Prepared:
    import_id = _stored_import(world, place)
    return lambda actor: world.registry.get_plan_import(import_id, actor=actor)


def _apply_import(world: World, place: Place) -> Prepared:
    import_id = _stored_import(world, place)  # the plan has an open draft: Conflict when let in
    return lambda actor: world.registry.apply_plan_import(import_id, cycle_year=2026, actor=actor)


def _board_decision_id(world: World, place: Place) -> int:
    return world.registry.get_revision(place.approved).decisions[-1].id


def _document(world: World, place: Place, board: bool) -> dict[str, Any]:
    decision = _board_decision_id(world, place) if board else None
    return {"filename": "plan.pdf", "decision_id": decision}


def _attach(board: bool) -> Callable[[World, Place], Prepared]:
    def prepare(world: World, place: Place) -> Prepared:
        data = _document(world, place, board)
        return lambda actor: world.registry.attach_document(
            place.approved, PDF_BYTES, data, actor=actor
        )

    return prepare


def _stored_document(world: World, place: Place, *, board: bool = False) -> int:
    data = _document(world, place, board)
    return world.registry.attach_document(place.approved, PDF_BYTES, data).id


def _document_call(method: str, board: bool = False) -> Callable[[World, Place], Prepared]:
    def prepare(world: World, place: Place) -> Prepared:
        document_id = _stored_document(world, place, board=board)
        return lambda actor: getattr(world.registry, method)(document_id, actor=actor)

    return prepare


SECTION = {"heading": "Samverkan", "body": "Med polisen."}
COMMITTEE = {"body": "committee", "outcome": "approved", "decided_on": "2026-11-01"}
WITHDRAWAL = {"body": "committee", "outcome": "withdrawn", "decided_on": "2026-11-01"}

# method → (action, where the target lives, whether it writes, how to call it)
EXERCISES: dict[str, Exercise] = {
    # Importing a plan document.
    "propose_plan_import": Exercise(
        A.EDIT_DRAFT,
        ORGANIZATION_PLANS,
        False,
        _call("propose_plan_import", "place.organization", PLAN_TEXT, "plan.txt"),
    ),
    "create_plan_import": Exercise(A.EDIT_DRAFT, ORGANIZATION_PLANS, True, _new_import),
    "list_plan_imports": Exercise(
        A.READ_PLAN, ORGANIZATION_PLANS, False, _call("list_plan_imports", "place.organization")
    ),
    "get_plan_import": Exercise(A.READ_PLAN, OBJECT, False, _get_import),
    "apply_plan_import": Exercise(A.EDIT_DRAFT, OBJECT, True, _apply_import),
    # Reading a plan and its parts.
    "get_plan": Exercise(A.READ_PLAN, OBJECT, False, _call("get_plan", "place.plan")),
    "list_plans": Exercise(
        A.READ_PLAN, ORGANIZATION_PLANS, False, _call("list_plans", "place.organization")
    ),
    "list_revisions": Exercise(A.READ_PLAN, OBJECT, False, _call("list_revisions", "place.plan")),
    "get_revision": Exercise(A.READ_PLAN, OBJECT, False, _call("get_revision", "place.draft")),
    "list_activities": Exercise(
        A.READ_PLAN, OBJECT, False, _call("list_activities", "place.draft")
    ),
    "get_activity": Exercise(
        A.READ_PLAN, OBJECT, False, _call("get_activity", "place.draft_activity")
    ),
    "list_follow_ups": Exercise(
        A.READ_PLAN, OBJECT, False, _call("list_follow_ups", "place.approved_activity")
    ),
    "list_decisions": Exercise(
        A.READ_PLAN, OBJECT, False, _call("list_decisions", "place.approved")
    ),
    "list_reviews": Exercise(A.READ_PLAN, OBJECT, False, _call("list_reviews", "place.draft")),
    "completeness": Exercise(A.READ_PLAN, OBJECT, False, _call("completeness", "place.draft")),
    "diff_revisions": Exercise(
        A.READ_PLAN, OBJECT, False, _call("diff_revisions", "place.approved", "place.draft")
    ),
    "plan_deadline": Exercise(A.READ_PLAN, OBJECT, False, _call("plan_deadline", "place.plan")),
    # Plans, revisions and a draft's content.
    "create_plan": Exercise(
        A.EDIT_DRAFT,
        ORGANIZATION_PLANS,
        True,
        _call("create_plan", "place.organization", {"programme_id": "vbe"}),
    ),
    "create_revision": Exercise(
        A.EDIT_DRAFT,
        OBJECT,
        True,
        _call("create_revision", "place.plan", {"label": "Vers. 3", "cycle_year": 2027}),
    ),
    "update_revision": Exercise(
        A.EDIT_DRAFT, OBJECT, True, _update("update_revision", "place.draft", "label", "Ändrad")
    ),
    "put_section": Exercise(
        A.EDIT_DRAFT, OBJECT, True, _call("put_section", "place.draft", "collaboration", SECTION)
    ),
    "delete_section": Exercise(A.EDIT_DRAFT, OBJECT, True, _delete_section),
    "put_situation": Exercise(
        A.EDIT_DRAFT, OBJECT, True, _call("put_situation", "place.draft", {"summary": "Ny."})
    ),
    "add_activity": Exercise(
        A.EDIT_DRAFT, OBJECT, True, _call("add_activity", "place.draft", ACTIVITY)
    ),
    "update_activity": Exercise(
        A.EDIT_DRAFT,
        OBJECT,
        True,
        _update("update_activity", "place.draft_activity", "title", "Ny titel"),
    ),
    "delete_activity": Exercise(A.EDIT_DRAFT, OBJECT, True, _delete_activity),
    # Decisions, follow-up, reviews.
    "record_decision (committee)": Exercise(
        A.RECORD_COMMITTEE_DECISION,
        OBJECT,
        True,
        _call("record_decision", "place.draft", COMMITTEE),
    ),
    "record_decision (withdrawal)": Exercise(
        A.RECORD_COMMITTEE_DECISION,
        OBJECT,
        True,
        _call("record_decision", "place.draft", WITHDRAWAL),
    ),
    "record_decision (board)": Exercise(A.RECORD_BOARD_DECISION, OBJECT, True, _board_decision),
    "record_board_decision": Exercise(A.RECORD_BOARD_DECISION, OBJECT, True, _joint_board_decision),
    "conditions_to_answer": Exercise(
        A.READ_PLAN, OBJECT, False, _call("conditions_to_answer", "place.draft")
    ),
    "report_follow_up": Exercise(
        A.REPORT_FOLLOW_UP,
        OBJECT,
        True,
        _call(
            "report_follow_up",
            "place.approved_activity",
            {"period": "2026-T1", "status": "ongoing"},
        ),
    ),
    "report_period": Exercise(A.REPORT_FOLLOW_UP, OBJECT, True, _report_period),
    "period_version": Exercise(
        A.READ_PLAN, OBJECT, False, _call("period_version", "place.approved", "2025-VB")
    ),
    "add_review": Exercise(
        A.REVIEW, OBJECT, True, _call("add_review", "place.draft", {"feedback": "Tydlig plan."})
    ),
    # Documents of a revision and its decisions.
    "attach_document": Exercise(A.RECORD_COMMITTEE_DECISION, OBJECT, True, _attach(False)),
    "attach_document (board)": Exercise(A.RECORD_BOARD_DECISION, OBJECT, True, _attach(True)),
    "list_documents": Exercise(
        A.READ_PLAN, OBJECT, False, _call("list_documents", "place.approved")
    ),
    "get_document": Exercise(A.READ_PLAN, OBJECT, False, _document_call("get_document")),
    "download_document": Exercise(A.READ_PLAN, OBJECT, False, _document_call("download_document")),
    "remove_document": Exercise(
        A.RECORD_COMMITTEE_DECISION, OBJECT, True, _document_call("remove_document")
    ),
    "remove_document (board)": Exercise(
        A.RECORD_BOARD_DECISION, OBJECT, True, _document_call("remove_document", board=True)
    ),
    # Organisations.
    "get_organization": Exercise(
        A.READ_ORGANIZATION, OBJECT, False, _call("get_organization", "place.organization")
    ),
    "update_organization": Exercise(
        A.MANAGE_ORGANIZATION,
        OBJECT,
        True,
        _update("update_organization", "place.organization", "committee", "Ändrad nämnd"),
    ),
    "create_organization": Exercise(A.MANAGE_ORGANIZATION, MUNICIPALITY, True, _new_organization),
    # The actors register, by municipality.
    "list_plan_actors": Exercise(
        A.READ_ORGANIZATION, MUNICIPALITY, False, _call("list_plan_actors", "place.municipality")
    ),
    "unmatched_actor_names": Exercise(
        A.READ_ORGANIZATION,
        MUNICIPALITY,
        False,
        _call("unmatched_actor_names", "place.municipality"),
    ),
    "get_plan_actor": Exercise(
        A.READ_ORGANIZATION, MUNICIPALITY, False, _actor_call("get_plan_actor")
    ),
    "create_plan_actor": Exercise(A.MANAGE_ORGANIZATION, MUNICIPALITY, True, _new_plan_actor),
    "update_plan_actor": Exercise(
        A.MANAGE_ORGANIZATION,
        MUNICIPALITY,
        True,
        _actor_call("update_plan_actor", {"kind": "civil_society"}),
    ),
    "map_actor_name": Exercise(
        A.MANAGE_ORGANIZATION,
        MUNICIPALITY,
        True,
        _actor_call("map_actor_name", {"name": "Ett annat namn"}),
    ),
    # API keys and comparisons, by municipality.
    "create_api_key": Exercise(
        A.MANAGE_API_KEYS,
        MUNICIPALITY,
        True,
        lambda w, p: (
            lambda actor: w.registry.create_api_key(
                {"name": "Ärendesystemet", "role": "reader", "municipality": p.municipality},
                actor=actor,
            )
        ),
    ),
    "status_board": Exercise(A.READ_COMPARISONS, MUNICIPALITY, False, _comparison("status_board")),
    "activity_coverage": Exercise(
        A.READ_COMPARISONS, MUNICIPALITY, False, _comparison("activity_coverage")
    ),
    "partner_matrix": Exercise(
        A.READ_COMPARISONS, MUNICIPALITY, False, _comparison("partner_matrix")
    ),
    "situation_comparison": Exercise(
        A.READ_COMPARISONS, MUNICIPALITY, False, _comparison("situation_comparison")
    ),
    "follow_up_progress": Exercise(
        A.READ_COMPARISONS, MUNICIPALITY, False, _comparison("follow_up_progress")
    ),
    # Reference data and the whole registry.
    "get_programme": Exercise(A.READ_REFERENCE, SHARED, False, _call("get_programme", "vbe")),
    "list_programmes": Exercise(A.READ_REFERENCE, SHARED, False, _call("list_programmes")),
    "put_programme": Exercise(A.MANAGE_PROGRAMMES, SHARED, True, _call("put_programme", VBE)),
    "create_municipality": Exercise(
        A.MANAGE_REGISTRY,
        SHARED,
        True,
        _call("create_municipality", {"id": "malmo", "name": "Malmö stad"}),
    ),
    "export_json": Exercise(A.MANAGE_REGISTRY, SHARED, False, _call("export_json")),
    "import_json": Exercise(A.MANAGE_REGISTRY, SHARED, True, _import),
    "backup_database": Exercise(A.MANAGE_REGISTRY, SHARED, False, _backup),
}


def _scope(where: str, place: Place) -> Scope:
    if where in (OBJECT, ORGANIZATION_PLANS):
        return Scope(municipality=place.municipality, organization=place.organization)
    if where == MUNICIPALITY:
        return Scope(municipality=place.municipality)
    return Scope()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_use_case_enforces_the_policy(world: World, name: str) -> None:
    exercise = EXERCISES[name]
    registry = world.registry
    mismatches: list[str] = []
    # Refusals first, so that none depends on what an allowed call changed.
    for actor in (READER, COORDINATOR, CENTRAL, SYSTEM):
        for target, place in (
            ("own", world.own),
            ("other", world.other),
            ("elsewhere", world.elsewhere),
        ):
            judged = judge_organization_plans if exercise.where == ORGANIZATION_PLANS else judge
            verdict = judged(actor, exercise.action, _scope(exercise.where, place))
            call = exercise.prepare(world, place)
            before = snapshot(registry)
            where = f"{actor.role.value} → {target}"
            try:
                call(actor)
            except (NotFound, PermissionDenied) as exc:
                expected = NotFound if verdict is Verdict.HIDDEN else PermissionDenied
                if verdict is Verdict.ALLOW or not isinstance(exc, expected):
                    mismatches.append(f"{where}: {type(exc).__name__} ({exc}), expected {verdict}")
                elif snapshot(registry) != before:
                    mismatches.append(f"{where}: refused, but something changed")
                continue
            except PlanRegistryError as exc:  # a domain rule: the call was let through
                if verdict is not Verdict.ALLOW:
                    mismatches.append(f"{where}: {type(exc).__name__} ({exc}), expected {verdict}")
                elif snapshot(registry) != before:
                    mismatches.append(f"{where}: refused by a rule, but something changed")
                continue
            if verdict is not Verdict.ALLOW:
                mismatches.append(f"{where}: allowed, expected {verdict}")
            elif audit_count(registry) - before[1] != (1 if exercise.writes else 0):
                entries = audit_count(registry) - before[1]
                mismatches.append(f"{where}: {entries} audit entries for one call")
    assert not mismatches, "\n".join(mismatches)


def test_a_hidden_object_is_not_found_exactly_like_a_missing_one(world: World) -> None:
    registry = world.registry
    hidden = world.other.draft
    with pytest.raises(NotFound) as refused:
        registry.get_revision(hidden, actor=COORDINATOR)
    with pytest.raises(NotFound) as missing:
        registry.get_revision(999_999, actor=COORDINATOR)
    assert str(refused.value) == str(missing.value).replace("999999", str(hidden))


def test_not_found_comes_before_every_other_refusal(world: World) -> None:
    """Another district's approved revision: read-only and at another version, but all a
    coordinator may learn is that it does not exist."""
    registry, other = world.registry, world.other
    before = snapshot(registry)
    calls: list[Callable[[], object]] = [
        lambda: registry.put_section(
            other.approved, "collaboration", SECTION, expected_version=99, actor=COORDINATOR
        ),
        lambda: registry.update_activity(
            other.approved_activity, {"title": "X"}, expected_version=99, actor=COORDINATOR
        ),
        lambda: registry.record_decision(other.approved, COMMITTEE, actor=COORDINATOR),
        lambda: registry.diff_revisions(world.own.draft, other.draft, actor=COORDINATOR),
        lambda: registry.diff_revisions(world.own.draft, world.elsewhere.draft, actor=CENTRAL),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    # Another district (which it sees) refuses a plan before looking at the programme.
    with pytest.raises(PermissionDenied):
        registry.create_plan(OTHER_ORG, {"programme_id": "finns-inte"}, actor=COORDINATOR)
    assert snapshot(registry) == before
    # The same calls on the coordinator's own objects meet the real rule.
    with pytest.raises(ReadOnly):
        registry.put_section(world.own.approved, "collaboration", SECTION, actor=COORDINATOR)
    with pytest.raises(StaleVersion):
        registry.update_revision(
            world.own.draft, {"label": "X"}, expected_version=99, actor=COORDINATOR
        )
    with pytest.raises(ValidationError, match="olika planer"):
        registry.diff_revisions(world.own.draft, other.draft, actor=CENTRAL)


def test_lists_show_only_the_actors_municipality(world: World) -> None:
    registry = world.registry

    def organizations(actor: Actor, **filters: Any) -> set[str]:
        return {o.id for o in registry.list_organizations(actor=actor, **filters).items}

    stockholm = {OWN_ORG, OTHER_ORG}
    for actor in (CENTRAL, COORDINATOR, READER):
        assert organizations(actor) == stockholm
        assert organizations(actor, municipality="goteborg") == set()
        assert [m.id for m in registry.list_municipalities(actor=actor)] == ["stockholm"]
        status = registry.status_board(actor=actor)
        assert {row.organization_id for row in status.rows} == stockholm
        assert status.filters.municipality == "stockholm"
        with pytest.raises(NotFound):
            registry.status_board({"municipality": "goteborg"}, actor=actor)
    assert organizations(SYSTEM) == {*stockholm, ELSEWHERE_ORG}
    assert len(registry.list_municipalities()) == 2
    assert {row.organization_id for row in registry.status_board().rows} == {
        *stockholm,
        ELSEWHERE_ORG,
    }


def test_a_coordinator_reads_its_own_plans_and_no_other_districts(world: World) -> None:
    registry = world.registry
    (plan,) = registry.list_plans(OWN_ORG, actor=COORDINATOR).items
    assert plan.id == world.own.plan
    # It sees the other district among the organisations, so it is told the plans are not
    # its own (forbidden), never that the organisation does not exist.
    assert OTHER_ORG in {o.id for o in registry.list_organizations(actor=COORDINATOR).items}
    with pytest.raises(PermissionDenied, match=f"ser organisationen '{OTHER_ORG}' men inte"):
        registry.list_plans(OTHER_ORG, actor=COORDINATOR)
    with pytest.raises(PermissionDenied, match="inte dess planer"):
        registry.create_plan(OTHER_ORG, {"programme_id": "vbe"}, actor=COORDINATOR)
    # The other district's plan itself stays hidden: its id reveals nothing.
    with pytest.raises(NotFound, match="Planen"):
        registry.get_plan(world.other.plan, actor=COORDINATOR)
    # An organisation of another municipality is not seen at all.
    with pytest.raises(NotFound, match="Organisationen"):
        registry.list_plans(ELSEWHERE_ORG, actor=COORDINATOR)
    # A reader reads every plan of its municipality, and none elsewhere.
    assert registry.list_plans(OTHER_ORG, actor=READER).items
    with pytest.raises(NotFound):
        registry.list_plans(ELSEWHERE_ORG, actor=READER)


def test_the_committee_withdraws_its_own_draft(world: World) -> None:
    registry = world.registry
    with pytest.raises(PermissionDenied):
        registry.record_decision(world.own.draft, WITHDRAWAL, actor=READER)
    decision = registry.record_decision(world.own.draft, WITHDRAWAL, actor=COORDINATOR).value
    assert decision.status_after == "withdrawn"
    assert decision.recorded_by == COORDINATOR.name
    assert registry.get_revision(world.own.draft).status == "withdrawn"


def test_only_the_central_role_records_the_boards_decision(world: World) -> None:
    registry = world.registry
    registry.record_decision(world.own.draft, COMMITTEE, actor=COORDINATOR)
    board = {"body": "city_executive_board", "outcome": "approved", "decided_on": "2026-11-02"}
    with pytest.raises(PermissionDenied):
        registry.record_decision(world.own.draft, board, actor=COORDINATOR)
    registry.record_decision(world.own.draft, board, actor=CENTRAL)
    assert registry.get_revision(world.own.draft).status == "approved"


@pytest.mark.parametrize("role", [Role.CENTRAL, Role.COORDINATOR, Role.READER])
def test_an_actor_bound_to_no_municipality_sees_nothing(world: World, role: Role) -> None:
    unbound = Actor(subject="x", name="Utan kommun", role=role, organization=OWN_ORG)
    registry = world.registry
    for call in (
        lambda: registry.get_revision(world.own.draft, actor=unbound),
        lambda: registry.get_organization(OWN_ORG, actor=unbound),
        lambda: registry.list_organizations(actor=unbound),
        lambda: registry.status_board(actor=unbound),
        lambda: registry.list_audit(actor=unbound),
    ):
        with pytest.raises(NotFound):
            call()
    assert registry.list_municipalities(actor=unbound) == []
    assert registry.get_programme("vbe", actor=unbound).id == "vbe"


def test_authorising_costs_no_extra_statement(world: World) -> None:
    """The scope comes with the object; a refused read stops after the first statement."""
    registry = world.registry
    counts: dict[str, int] = {}
    for label, actor in (("system", SYSTEM), ("coordinator", COORDINATOR)):
        with StatementCounter(registry.engine) as counter:
            registry.get_revision(world.own.draft, actor=actor)
        counts[label] = counter.count
    assert counts["coordinator"] == counts["system"] == 3
    with StatementCounter(registry.engine) as counter, pytest.raises(NotFound):
        registry.get_revision(world.other.draft, actor=COORDINATOR)
    assert counter.count == 1


# The steps that find out who is acting: an API key, a sign-in link, a browser session.
AUTHENTICATION = {
    "authenticate_api_key",
    "redeem_sign_in_link",
    "start_web_session",
    "web_session",
    "end_web_session",
    # A form kept across an expired session belongs to that session, whoever it was
    # (tests/test_kept_forms.py).
    "keep_expired_form",
    "kept_form",
    "take_kept_form",
}


def test_every_use_case_takes_the_actor() -> None:
    """A new public method of `Registry` joins the policy by taking `actor=`; the
    exceptions are the steps that find out who the actor is (API keys, web sign-in)."""
    lacking = []
    for name, method in inspect.getmembers(Registry, inspect.isfunction):
        if name.startswith("_") or name in {"now", "today", "close", *AUTHENTICATION}:
            continue
        actor = inspect.signature(method).parameters.get("actor")
        if actor is None or actor.kind is not actor.KEYWORD_ONLY or actor.default is not SYSTEM:
            lacking.append(name)
    assert not lacking
    assert set(EXERCISES) >= {
        name
        for name, _ in inspect.getmembers(Registry, inspect.isfunction)
        if not name.startswith("_")
    } - {
        "now",
        "today",
        "close",
        *AUTHENTICATION,
        # Exercised in tests/web/test_sessions.py.
        "issue_sign_in_link",
        # Exercised in tests/test_access.py's list tests and tests/test_api_keys.py.
        "list_organizations",
        "list_municipalities",
        "list_api_keys",
        "revoke_api_key",
        "list_audit",
        "export_document",
        "import_document",
        "record_decision",
        # Exercised in tests/test_board_decision.py (they need a board's conditions, or
        # show a coordinator its own part of a decision rather than refusing it).
        "answer_condition",
        "get_board_decision",
        "list_board_decisions",
    }
