"""The authorisation matrix, generated from the app's own route table.

For every route (every HTTP handler the app serves) and every action it declares in
`opt`, each role (central, coordinator of Hässelby-Vällingby, reader; all Stockholm)
calls it on three targets: its own organisation's object, another Stockholm
organisation's, and an object in another municipality (Göteborg, Angered).

The expected outcome is the policy's verdict (`planregistry_domain.policy.judge`, itself
tested as a table in tests/test_policy.py) for the route's declared action and where
the target lives, which this test knows for each route:

- allow: anything but 401, 403, 404 and 5xx (a 409 or 422 means the request passed
  authorisation and met a domain rule);
- forbidden: 403 `forbidden`;
- hidden: 404 `not-found`, so that existence is not revealed;

and a refused write leaves the database and the audit trail as they were.

A route the matrix has no exercise for, or one without a declared policy, fails.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar import Controller, Litestar, get
from litestar.exceptions import ImproperlyConfiguredException
from litestar.testing import TestClient
from sqlalchemy import create_engine

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry_api import app as app_module
from planregistry_api import create_app
from planregistry_api.access import (
    check_route_policies,
    declared_actions,
    is_public,
    route_handlers,
)
from planregistry_domain.actor import Actor
from planregistry_domain.policy import Action, Scope, Verdict, judge, judge_organization_plans
from planregistry_domain.vocabulary import Role
from tests.api.conftest import app_over
from tests.api.support import ACTIVITY, KEYS, PROBLEM_BASE, bearer
from tests.conftest import Clock, DatabaseCopy, seeded_data, seeded_fixture
from tests.documents_support import PDF_BYTES
from tests.world import snapshot

A = Action
ROLES = ("central", "coordinator", "reader")
OWN_ORG = "hasselby-vallingby"
# Target → (municipality, organisation) of the object the call is about.
PLACES: dict[str, tuple[str, str]] = {
    "own": ("stockholm", OWN_ORG),
    "other_org": ("stockholm", "bromma"),
    "other_municipality": ("goteborg", "angered"),
}
ACTORS = {
    "central": Actor(subject="c", name="C", role=Role.CENTRAL, municipality="stockholm"),
    "coordinator": Actor(
        subject="k", name="K", role=Role.COORDINATOR, municipality="stockholm", organization=OWN_ORG
    ),
    "reader": Actor(subject="r", name="R", role=Role.READER, municipality="stockholm"),
}
HEADERS = {
    "central": bearer("central"),
    "coordinator": bearer("coordinator", organization=OWN_ORG),
    "reader": bearer("reader"),
}


# --- The data every route is exercised on --------------------------------------------


@dataclass
class Place:
    municipality: str
    organization: str
    plan: int
    approved: int  # revision 1, in force
    draft: int  # revision 2, a draft copied from it
    approved_activity: int
    draft_activity: int
    api_key: str


@dataclass
class World:
    registry: Registry
    places: dict[str, Place]
    serial: Iterator[int] = field(default_factory=itertools.count)

    def revision_tag(self, revision_id: int) -> dict[str, str]:
        version = self.registry.get_revision(revision_id).version
        return {"If-Match": f'"revision-{revision_id}-v{version}"'}

    def activity_tag(self, activity_id: int) -> dict[str, str]:
        version = self.registry.get_activity(activity_id).version
        return {"If-Match": f'"activity-{activity_id}-v{version}"'}

    def organization_tag(self, org_id: str) -> dict[str, str]:
        version = self.registry.get_organization(org_id).version
        return {"If-Match": f'"organization-{org_id}-v{version}"'}


def build_world(registry: Registry) -> World:
    """As the system: two municipalities, three organisations, each with a plan in force
    (revision 1, followed up) and a draft revision 2."""
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    places: dict[str, Place] = {}
    for target, (municipality, org) in PLACES.items():
        registry.create_organization(
            {
                "id": org,
                "name": f"{org.title()} förvaltning",
                "kind": "district",
                "committee": f"{org.title()} nämnd",
                "municipality": municipality,
            }
        )
        plan = registry.create_plan(org, {"programme_id": "vbe"})
        first = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2025})
        activity = registry.add_activity(first.id, ACTIVITY)
        registry.record_decision(
            first.id, {"body": "committee", "outcome": "approved", "decided_on": "2025-05-01"}
        )
        registry.record_decision(
            first.id,
            {"body": "city_executive_board", "outcome": "approved", "decided_on": "2025-06-01"},
        )
        registry.report_follow_up(activity.id, {"period": "2025-VB", "status": "done"})
        draft = registry.create_revision(plan.id, {"label": "Vers. 2", "cycle_year": 2026})
        key = registry.create_api_key(
            {"name": f"System {org}", "role": "reader", "municipality": municipality}
        )
        places[target] = Place(
            municipality=municipality,
            organization=org,
            plan=plan.id,
            approved=first.id,
            draft=draft.id,
            approved_activity=activity.id,
            draft_activity=draft.activities[0].id,
            api_key=key.key.id,
        )
    return World(registry=registry, places=places)


# Built once per test process and database kind, copied into each test's database.
seeded_fixture("matrix_world", build_world)


@pytest.fixture
def matrix_world(registry: Registry, database: DatabaseCopy, clock: Clock) -> World:
    """This test's own copy of the world `build_world` makes."""
    built: World = seeded_data(database, clock)
    return dataclasses.replace(built, registry=registry, serial=itertools.count())


# --- How each route is exercised -----------------------------------------------------


@dataclass
class Call:
    url: str
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] | None = None


# Where the target of a call lives, for the policy: the object's organisation, only its
# municipality, nothing (shared reference data), or the caller's own municipality (a
# collection with no target in the request).
OBJECT, MUNICIPALITY, SHARED, CALLER = "object", "municipality", "shared", "caller"
# An organisation's plans as a whole: the organisation itself is visible (403, not 404).
ORGANIZATION_PLANS = "organization_plans"

Exercise = Callable[[World, Place], Call]
V1 = "/api/v1"


def _board_ready(world: World, place: Place) -> Call:
    """A board decision needs a revision awaiting the board: bring it there as the system."""
    if world.registry.get_revision(place.draft).status == "draft":
        world.registry.record_decision(
            place.draft, {"body": "committee", "outcome": "approved", "decided_on": "2026-11-01"}
        )
    return Call(
        f"{V1}/revisions/{place.draft}/decisions",
        {"body": "city_executive_board", "outcome": "approved", "decided_on": "2026-11-02"},
        world.revision_tag(place.draft),
    )


def _joint_board_ready(world: World, place: Place) -> Call:
    _board_ready(world, place)
    body = {
        "decided_on": "2026-11-02",
        "case_number": "KS 2026/1",
        "items": [{"revision_id": place.draft, "outcome": "approved"}],
    }
    return Call(f"{V1}/board-decisions", body, world.revision_tag(place.draft))


def _joint_board_decision(world: World, place: Place) -> Call:
    """The board's joint decision over the place's draft (recorded once, as the system)."""
    registry = world.registry
    for decision in registry.list_board_decisions():
        if any(item.revision_id == place.draft for item in decision.items):
            return Call(f"{V1}/board-decisions/{decision.id}")
    _board_ready(world, place)
    recorded = registry.record_board_decision(
        {
            "decided_on": "2026-11-02",
            "case_number": "KS 2026/1",
            "items": [
                {
                    "revision_id": place.draft,
                    "outcome": "approved_with_conditions",
                    "conditions": ["Förtydliga ansvaret."],
                }
            ],
        }
    )
    return Call(f"{V1}/board-decisions/{recorded.board_decision.id}")


def _condition_to_answer(world: World, place: Place) -> Call:
    """Revision 3, answering the condition the board set when it approved revision 2."""
    registry = world.registry
    _joint_board_decision(world, place)
    latest = registry.get_plan(place.plan).revisions[-1]
    if latest.number == 2:
        for activity in registry.get_revision(place.draft).activities:
            registry.report_follow_up(activity.id, {"period": "2026-T2", "status": "done"})
        latest = registry.create_revision(place.plan, {"label": "Vers. 3", "cycle_year": 2027})
    (condition,) = registry.conditions_to_answer(latest.id)
    return Call(
        f"{V1}/revisions/{latest.id}/conditions/{condition.condition.id}/response",
        {"response": "Ansvaret ligger hos socialtjänsten."},
        world.revision_tag(latest.id),
    )


def _fresh_activity(world: World, place: Place) -> Call:
    activity = world.registry.add_activity(place.draft, ACTIVITY)
    return Call(f"{V1}/activities/{activity.id}", headers=world.activity_tag(activity.id))


def _new_organization(world: World, place: Place) -> Call:
    slug = f"ny-{next(world.serial)}"
    body = {
        "id": slug,
        "name": "Ny förvaltning",
        "kind": "specialist",
        "committee": "Ny nämnd",
        "municipality": place.municipality,
    }
    return Call(f"{V1}/organizations", body)


PLAN_TEXT = b"Inledning\n\nPlanen g\xc3\xa4ller 2026.\n"


def _upload(world: World, place: Place) -> Call:
    return Call(
        f"{V1}/organizations/{place.organization}/plan-imports",
        files={"file": ("plan.txt", PLAN_TEXT, "text/plain")},
    )


def _stored_import(world: World, place: Place) -> int:
    text = PLAN_TEXT + f"Version {next(world.serial)}.\n".encode()
    plan_import, _ = world.registry.create_plan_import(place.organization, text, "plan.txt")
    return plan_import.id


def _board_decision(world: World, place: Place) -> int:
    return world.registry.get_revision(place.approved).decisions[-1].id


def _attach(decision: bool) -> Exercise:
    def call(world: World, place: Place) -> Call:
        files: dict[str, Any] = {"file": ("plan.pdf", PDF_BYTES, "application/pdf")}
        if decision:
            files["decision_id"] = (None, str(_board_decision(world, place)))
        return Call(f"{V1}/revisions/{place.approved}/documents", files=files)

    return call


def _stored_document(world: World, place: Place, *, decision: bool = False) -> int:
    data = {
        "filename": "plan.pdf",
        "decision_id": _board_decision(world, place) if decision else None,
    }
    return world.registry.attach_document(place.approved, PDF_BYTES, data).id


def _remove_document(decision: bool) -> Exercise:
    def call(world: World, place: Place) -> Call:
        document_id = _stored_document(world, place, decision=decision)
        return Call(
            f"{V1}/documents/{document_id}", headers={"If-Match": f'"document-{document_id}-v1"'}
        )

    return call


def _fresh_actor(world: World, place: Place) -> int:
    """An actor of the place's register, made by the system for this call."""
    name = f"Aktör {next(world.serial)}"
    return world.registry.create_plan_actor(place.municipality, {"kind": "other", "name": name}).id


def _actor_call(suffix: str, json: Any = None) -> Exercise:
    def call(world: World, place: Place) -> Call:
        actor_id = _fresh_actor(world, place)
        headers = {"If-Match": f'"actor-{actor_id}-v1"'} if json is not None else {}
        return Call(f"{V1}/actors/{actor_id}{suffix}", json, headers)

    return call


def _comparison(view: str) -> tuple[str, Exercise]:
    return MUNICIPALITY, lambda w, p: Call(f"{V1}/comparisons/{view}?municipality={p.municipality}")


# (method, route path, action) → (where the target lives, how to call it)
EXERCISES: dict[tuple[str, str, Action], tuple[str, Exercise]] = {
    ("GET", "/api/v1/programmes", A.READ_REFERENCE): (
        SHARED,
        lambda w, p: Call(f"{V1}/programmes"),
    ),
    ("GET", "/api/v1/programmes/{programme_id:str}", A.READ_REFERENCE): (
        SHARED,
        lambda w, p: Call(f"{V1}/programmes/vbe"),
    ),
    ("GET", "/api/v1/organizations", A.READ_ORGANIZATION): (
        CALLER,
        lambda w, p: Call(f"{V1}/organizations"),
    ),
    ("POST", "/api/v1/organizations", A.MANAGE_ORGANIZATION): (MUNICIPALITY, _new_organization),
    ("GET", "/api/v1/organizations/{org_id:str}", A.READ_ORGANIZATION): (
        OBJECT,
        lambda w, p: Call(f"{V1}/organizations/{p.organization}"),
    ),
    ("PATCH", "/api/v1/organizations/{org_id:str}", A.MANAGE_ORGANIZATION): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/organizations/{p.organization}",
            {"committee": "Ändrad nämnd"},
            w.organization_tag(p.organization),
        ),
    ),
    ("GET", "/api/v1/organizations/{org_id:str}/plans", A.READ_PLAN): (
        ORGANIZATION_PLANS,
        lambda w, p: Call(f"{V1}/organizations/{p.organization}/plans"),
    ),
    ("POST", "/api/v1/organizations/{org_id:str}/plans", A.EDIT_DRAFT): (
        ORGANIZATION_PLANS,
        lambda w, p: Call(f"{V1}/organizations/{p.organization}/plans", {"programme_id": "vbe"}),
    ),
    ("GET", "/api/v1/plans/{plan_id:int}", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/plans/{p.plan}"),
    ),
    ("GET", "/api/v1/plans/{plan_id:int}/revisions", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/plans/{p.plan}/revisions"),
    ),
    ("POST", "/api/v1/plans/{plan_id:int}/revisions", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/plans/{p.plan}/revisions", {"label": "Vers. 3", "cycle_year": 2027}
        ),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}"),
    ),
    ("PATCH", "/api/v1/revisions/{revision_id:int}", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/revisions/{p.draft}", {"label": "Vers. 2, ändrad"}, w.revision_tag(p.draft)
        ),
    ),
    ("PUT", "/api/v1/revisions/{revision_id:int}/sections/{section_key:str}", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/revisions/{p.draft}/sections/collaboration",
            {"heading": "Samverkan", "body": "Med polisen."},
            w.revision_tag(p.draft),
        ),
    ),
    ("PUT", "/api/v1/revisions/{revision_id:int}/situation", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/revisions/{p.draft}/situation",
            {"summary": "Lägesbild."},
            w.revision_tag(p.draft),
        ),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/activities", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/activities"),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/activities", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/activities", ACTIVITY),
    ),
    ("GET", "/api/v1/activities/{activity_id:int}", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/activities/{p.draft_activity}"),
    ),
    ("PATCH", "/api/v1/activities/{activity_id:int}", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/activities/{p.draft_activity}",
            {"title": "Ny titel"},
            w.activity_tag(p.draft_activity),
        ),
    ),
    ("DELETE", "/api/v1/activities/{activity_id:int}", A.EDIT_DRAFT): (OBJECT, _fresh_activity),
    ("GET", "/api/v1/activities/{activity_id:int}/follow-ups", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/activities/{p.approved_activity}/follow-ups"),
    ),
    ("POST", "/api/v1/activities/{activity_id:int}/follow-ups", A.REPORT_FOLLOW_UP): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/activities/{p.approved_activity}/follow-ups",
            {"period": "2026-T1", "status": "ongoing"},
        ),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/decisions", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.approved}/decisions"),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/decisions", A.RECORD_COMMITTEE_DECISION): (
        OBJECT,
        lambda w, p: Call(
            f"{V1}/revisions/{p.draft}/decisions",
            {"body": "committee", "outcome": "approved", "decided_on": "2026-11-01"},
            w.revision_tag(p.draft),
        ),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/decisions", A.RECORD_BOARD_DECISION): (
        OBJECT,
        _board_ready,
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/completeness", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/completeness"),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/reviews", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/reviews"),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/reviews", A.REVIEW): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/reviews", {"feedback": "Tydlig plan."}),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/diff", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/diff?against={p.approved}"),
    ),
    ("POST", "/api/v1/organizations/{org_id:str}/plan-imports", A.EDIT_DRAFT): (
        ORGANIZATION_PLANS,
        _upload,
    ),
    ("GET", "/api/v1/organizations/{org_id:str}/plan-imports", A.READ_PLAN): (
        ORGANIZATION_PLANS,
        lambda w, p: Call(f"{V1}/organizations/{p.organization}/plan-imports"),
    ),
    ("GET", "/api/v1/plan-imports/{import_id:int}", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/plan-imports/{_stored_import(w, p)}"),
    ),
    ("POST", "/api/v1/plan-imports/{import_id:int}/apply", A.EDIT_DRAFT): (
        OBJECT,
        lambda w, p: Call(f"{V1}/plan-imports/{_stored_import(w, p)}/apply?cycle_year=2026"),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/documents", A.RECORD_COMMITTEE_DECISION): (
        OBJECT,
        _attach(decision=False),
    ),
    ("POST", "/api/v1/revisions/{revision_id:int}/documents", A.RECORD_BOARD_DECISION): (
        OBJECT,
        _attach(decision=True),
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/documents", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.approved}/documents"),
    ),
    ("GET", "/api/v1/documents/{document_id:int}", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/documents/{_stored_document(w, p)}"),
    ),
    ("GET", "/api/v1/documents/{document_id:int}/content", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/documents/{_stored_document(w, p)}/content"),
    ),
    ("DELETE", "/api/v1/documents/{document_id:int}", A.RECORD_COMMITTEE_DECISION): (
        OBJECT,
        _remove_document(decision=False),
    ),
    ("DELETE", "/api/v1/documents/{document_id:int}", A.RECORD_BOARD_DECISION): (
        OBJECT,
        _remove_document(decision=True),
    ),
    ("GET", "/api/v1/audit", A.READ_AUDIT): (CALLER, lambda w, p: Call(f"{V1}/audit")),
    ("POST", "/api/v1/board-decisions", A.RECORD_BOARD_DECISION): (OBJECT, _joint_board_ready),
    ("GET", "/api/v1/board-decisions", A.READ_COMPARISONS): (
        CALLER,
        lambda w, p: Call(f"{V1}/board-decisions"),
    ),
    ("GET", "/api/v1/board-decisions/{board_decision_id:int}", A.READ_PLAN): (
        OBJECT,
        _joint_board_decision,
    ),
    ("GET", "/api/v1/revisions/{revision_id:int}/conditions", A.READ_PLAN): (
        OBJECT,
        lambda w, p: Call(f"{V1}/revisions/{p.draft}/conditions"),
    ),
    (
        "PUT",
        "/api/v1/revisions/{revision_id:int}/conditions/{condition_id:int}/response",
        A.EDIT_DRAFT,
    ): (OBJECT, _condition_to_answer),
    ("GET", "/api/v1/api-keys", A.MANAGE_API_KEYS): (CALLER, lambda w, p: Call(f"{V1}/api-keys")),
    ("POST", "/api/v1/api-keys", A.MANAGE_API_KEYS): (
        MUNICIPALITY,
        lambda w, p: Call(
            f"{V1}/api-keys",
            {"name": "Ärendesystemet", "role": "reader", "municipality": p.municipality},
        ),
    ),
    ("DELETE", "/api/v1/api-keys/{key_id:str}", A.MANAGE_API_KEYS): (
        MUNICIPALITY,
        lambda w, p: Call(f"{V1}/api-keys/{p.api_key}"),
    ),
    ("GET", "/api/v1/municipalities/{municipality_id:str}/actors", A.READ_ORGANIZATION): (
        MUNICIPALITY,
        lambda w, p: Call(f"{V1}/municipalities/{p.municipality}/actors"),
    ),
    ("POST", "/api/v1/municipalities/{municipality_id:str}/actors", A.MANAGE_ORGANIZATION): (
        MUNICIPALITY,
        lambda w, p: Call(
            f"{V1}/municipalities/{p.municipality}/actors",
            {"kind": "civil_society", "name": f"Förening {next(w.serial)}"},
        ),
    ),
    (
        "GET",
        "/api/v1/municipalities/{municipality_id:str}/unmatched-actor-names",
        A.READ_ORGANIZATION,
    ): (
        MUNICIPALITY,
        lambda w, p: Call(f"{V1}/municipalities/{p.municipality}/unmatched-actor-names"),
    ),
    ("GET", "/api/v1/actors/{actor_id:int}", A.READ_ORGANIZATION): (MUNICIPALITY, _actor_call("")),
    ("PATCH", "/api/v1/actors/{actor_id:int}", A.MANAGE_ORGANIZATION): (
        MUNICIPALITY,
        _actor_call("", {"kind": "civil_society"}),
    ),
    ("POST", "/api/v1/actors/{actor_id:int}/aliases", A.MANAGE_ORGANIZATION): (
        MUNICIPALITY,
        _actor_call("/aliases", {"name": "Ett annat namn"}),
    ),
    ("GET", "/api/v1/comparisons/status", A.READ_COMPARISONS): _comparison("status"),
    ("GET", "/api/v1/comparisons/coverage", A.READ_COMPARISONS): _comparison("coverage"),
    ("GET", "/api/v1/comparisons/partners", A.READ_COMPARISONS): _comparison("partners"),
    ("GET", "/api/v1/comparisons/situation", A.READ_COMPARISONS): _comparison("situation"),
    ("GET", "/api/v1/comparisons/follow-up", A.READ_COMPARISONS): _comparison("follow-up"),
}

# Public routes: reachable without credentials (the URL to call, and the status).
PUBLIC_EXERCISES: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "/api/v1/health"): ("/api/v1/health", 200),
    ("GET", "/api/v1/schema"): ("/api/v1/schema", 200),
    ("GET", "/api/v1/schema/swagger"): ("/api/v1/schema/swagger", 200),
    ("GET", "/api/v1/schema/openapi.json"): ("/api/v1/schema/openapi.json", 200),
    ("GET", "/api/v1/schema/assets/{name:str}"): ("/api/v1/schema/assets/docs.js", 200),
    ("GET", "/api/v1/schema/{path:str}"): ("/api/v1/schema/nothing-here", 404),
}


# --- The route table -----------------------------------------------------------------


def _route_table() -> tuple[set[tuple[str, str, Action]], set[tuple[str, str]]]:
    """(method, path, action) of every protected route, and (method, path) of public ones."""
    with Registry(create_engine("sqlite://")) as unused:  # never queried
        app = create_app(unused, keys=KEYS)
    protected: set[tuple[str, str, Action]] = set()
    public: set[tuple[str, str]] = set()
    for path, handler in route_handlers(app):
        if not path.startswith("/api/"):
            continue  # the web views' pages: tests/web/test_page_access.py
        for method in handler.http_methods:
            if is_public(handler):
                public.add((method, path))
            for action in declared_actions(handler):
                protected.add((method, path, action))
    return protected, public


PROTECTED, PUBLIC_ROUTES = _route_table()


def test_every_route_is_exercised_by_the_matrix() -> None:
    assert PROTECTED, "no protected route found"
    unknown = sorted(f"{m} {p} {a.value}" for m, p, a in PROTECTED - set(EXERCISES))
    assert not unknown, f"routes the matrix cannot exercise (add them to EXERCISES): {unknown}"
    stale = sorted(f"{m} {p} {a.value}" for m, p, a in set(EXERCISES) - PROTECTED)
    assert not stale, f"exercises for routes or actions the app no longer has: {stale}"
    assert set(PUBLIC_EXERCISES) == PUBLIC_ROUTES


def test_a_route_without_a_declared_policy_stops_the_app(monkeypatch) -> None:
    class Undeclared(Controller):
        path = "/undeclared"

        @get("/", sync_to_thread=False)
        def handler(self) -> str:
            return "?"

    with pytest.raises(ImproperlyConfiguredException, match="GET /undeclared"):
        check_route_policies(Litestar(route_handlers=[Undeclared]))
    monkeypatch.setattr(app_module, "CONTROLLERS", [*app_module.CONTROLLERS, Undeclared])
    with (
        Registry(create_engine("sqlite://")) as unused,
        pytest.raises(ImproperlyConfiguredException, match="/api/v1/undeclared"),
    ):
        create_app(unused, keys=KEYS)


def _scope(kind: str, place: Place, role: str) -> Scope:
    if kind in (OBJECT, ORGANIZATION_PLANS):
        return Scope(municipality=place.municipality, organization=place.organization)
    if kind == MUNICIPALITY:
        return Scope(municipality=place.municipality)
    if kind == CALLER:
        return Scope(municipality=ACTORS[role].municipality)
    return Scope()


@pytest.mark.parametrize(
    "route",
    sorted(EXERCISES, key=lambda r: (r[1], r[0], r[2])),
    ids=lambda r: " ".join((r[0], r[1], r[2].value)),
)
def test_route_enforces_the_policy(
    matrix_world: World, shared_app: Litestar, route: tuple[str, str, Action]
) -> None:
    method, _path, action = route
    kind, exercise = EXERCISES[route]
    world, registry = matrix_world, matrix_world.registry
    mismatches: list[str] = []
    with app_over(shared_app, registry) as app, TestClient(app) as client:
        # Readers and coordinators first: their refusals must not depend on what an
        # allowed call of the central role changed.
        for role in ("reader", "coordinator", "central"):
            for target, place in world.places.items():
                judged = judge_organization_plans if kind == ORGANIZATION_PLANS else judge
                verdict = judged(ACTORS[role], action, _scope(kind, place, role))
                call = exercise(world, place)
                # What a refusal must leave as it was (an allowed call may change it).
                before = None if verdict is Verdict.ALLOW else snapshot(registry)
                response = client.request(
                    method,
                    call.url,
                    json=call.json,
                    files=call.files,
                    headers={**call.headers, **HEADERS[role]},
                )
                status = response.status_code
                where = f"{role} → {target}: {method} {call.url} answered {status}"
                if verdict is Verdict.ALLOW:
                    if status in (401, 403, 404) or status >= 500:
                        mismatches.append(f"{where}, expected it allowed: {response.text[:200]}")
                    continue
                expected = 403 if verdict is Verdict.FORBIDDEN else 404
                slug = "forbidden" if verdict is Verdict.FORBIDDEN else "not-found"
                if status != expected or response.json().get("type") != PROBLEM_BASE + slug:
                    mismatches.append(f"{where}, expected {expected}: {response.text[:200]}")
                elif snapshot(registry) != before:
                    mismatches.append(f"{where}, but the refused call changed something")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("route", sorted(PUBLIC_EXERCISES), ids=" ".join)
def test_public_route_needs_no_credentials(
    registry: Registry, shared_app: Litestar, route: tuple[str, str]
) -> None:
    url, status = PUBLIC_EXERCISES[route]
    with app_over(shared_app, registry) as app, TestClient(app) as client:
        assert client.get(url).status_code == status
        # Credentials, even bad ones, change nothing on a public route.
        assert client.get(url, headers={"Authorization": "Bearer nonsense"}).status_code == status
