"""The audit trail: one entry per successful write, in the write's own transaction.

Each entry names who (subject, name, role), what (entity, id, action and the applied
change), where (municipality, organisation) and in which request. A refused write
leaves none; the backup carries the trail and a restore gives it back unchanged.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from planregistry import Registry
from planregistry.defaults.demo import SEED_FILES, load_demo, read_seed
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import ORGANIZATIONS, STOCKHOLM
from planregistry.defaults.stockholm_actors import ACTORS
from planregistry.storage import migrations
from planregistry.usecases import organizations
from planregistry.usecases.base import request_context
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.audit import AuditEntry
from planregistry_domain.errors import (
    Conflict,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    PlanRegistryError,
    ReadOnly,
    StaleVersion,
    ValidationError,
)
from tests.conftest import PostgresServer
from tests.importing import documents
from tests.world import (
    ACTIVITY,
    CENTRAL,
    CONFIDENTIAL_SITUATION,
    COORDINATOR,
    OWN_ORG,
    READER,
    World,
    audit_count,
    snapshot,
)


def entries(registry: Registry) -> list[AuditEntry]:
    return registry.list_audit().items


def one_entry(registry: Registry, call: Callable[[], object]) -> AuditEntry:
    """Run a write and return the single entry it left."""
    before = len(entries(registry))
    call()
    new = entries(registry)[before:]
    assert len(new) == 1, new
    return new[0]


def expect(
    entry: AuditEntry,
    actor: Actor,
    entity: str,
    entity_id: object,
    action: str,
    organization: str | None = OWN_ORG,
    municipality: str | None = "stockholm",
) -> dict[str, Any]:
    assert (entry.actor_subject, entry.actor_name, entry.actor_role) == (
        actor.subject,
        actor.display,
        actor.role,
    )
    assert (entry.entity, entry.entity_id, entry.action) == (entity, str(entity_id), action)
    assert (entry.municipality_id, entry.organization_id) == (municipality, organization)
    return entry.change


def test_every_write_leaves_one_entry_saying_who_what_and_where(registry: Registry) -> None:
    r = registry
    change = expect(
        one_entry(r, lambda: r.put_programme(VBE)), SYSTEM, "programme", "vbe", "create", None, None
    )
    assert change["id"] == "vbe" and change["levels"]
    expect(
        one_entry(r, lambda: r.put_programme(VBE)), SYSTEM, "programme", "vbe", "update", None, None
    )
    expect(
        one_entry(r, lambda: r.create_municipality(STOCKHOLM)),
        SYSTEM,
        "municipality",
        "stockholm",
        "create",
        None,
        None,
    )
    organization = {
        "id": OWN_ORG,
        "name": "Hässelby-Vällingby stadsdelsförvaltning",
        "kind": "district",
        "committee": "Hässelby-Vällingby stadsdelsnämnd",
        "municipality": "stockholm",
        "coordinators": [{"name": "Karin Karlsson", "email": "karin@example.se"}],
    }
    with request_context("req-org"):
        entry = one_entry(r, lambda: r.create_organization(organization, actor=CENTRAL))
    assert entry.request_id == "req-org"
    assert expect(entry, CENTRAL, "organization", OWN_ORG, "create")["coordinators"] == [
        {"name": "Karin Karlsson", "email": "karin@example.se", "phone": None, "title": None}
    ]
    change = expect(
        one_entry(
            r, lambda: r.update_organization(OWN_ORG, {"committee": "Ny nämnd"}, actor=CENTRAL)
        ),
        CENTRAL,
        "organization",
        OWN_ORG,
        "update",
    )
    assert change == {
        "committee": "Ny nämnd",
        "before": {"committee": "Hässelby-Vällingby stadsdelsnämnd"},
    }

    plan = r.create_plan(OWN_ORG, {"programme_id": "vbe"}, actor=COORDINATOR)
    assert expect(entries(r)[-1], COORDINATOR, "plan", plan.id, "create") == {
        "programme_id": "vbe",
        "organization_id": OWN_ORG,
    }
    revision = r.create_revision(
        plan.id, {"label": "Vers. 1", "cycle_year": 2026}, actor=COORDINATOR
    )
    change = expect(entries(r)[-1], COORDINATOR, "revision", revision.id, "create")
    assert change["plan_id"] == plan.id and change["number"] == 1 and change["based_on"] is None
    rid = revision.id
    change = expect(
        one_entry(r, lambda: r.update_revision(rid, {"label": "Vers. 1 b"}, actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "update",
    )
    assert change == {"label": "Vers. 1 b", "before": {"label": "Vers. 1"}}
    section = {"heading": "Samverkan", "body": "Med polisen."}
    change = expect(
        one_entry(r, lambda: r.put_section(rid, "collaboration", section, actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "put_section",
    )
    assert change == {**section, "key": "collaboration", "before": None}
    rewritten = {"heading": "Samverkan", "body": "Med polisen och skolan."}
    change = expect(
        one_entry(r, lambda: r.put_section(rid, "collaboration", rewritten, actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "put_section",
    )
    assert change["before"] == section
    change = expect(
        one_entry(r, lambda: r.delete_section(rid, "collaboration", actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "delete_section",
    )
    assert change == {"key": "collaboration", "before": rewritten}
    change = expect(
        one_entry(r, lambda: r.put_situation(rid, CONFIDENTIAL_SITUATION, actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "put_situation",
    )
    assert change["confidential"] is True and change["replaced"] is False

    activity = r.add_activity(rid, ACTIVITY, actor=COORDINATOR)
    change = expect(entries(r)[-1], COORDINATOR, "activity", activity.id, "create")
    assert change["title"] == ACTIVITY["title"] and change["revision_id"] == rid
    change = expect(
        one_entry(r, lambda: r.update_activity(activity.id, {"title": "Ny"}, actor=COORDINATOR)),
        COORDINATOR,
        "activity",
        activity.id,
        "update",
    )
    assert change == {"title": "Ny", "before": {"title": ACTIVITY["title"]}}
    extra = r.add_activity(rid, {**ACTIVITY, "title": "Tillfällig"}, actor=COORDINATOR)
    change = expect(
        one_entry(r, lambda: r.delete_activity(extra.id, actor=COORDINATOR)),
        COORDINATOR,
        "activity",
        extra.id,
        "delete",
    )
    assert change["before"]["title"] == "Tillfällig"

    committee = {"body": "committee", "outcome": "approved", "decided_on": "2026-05-01"}
    change = expect(
        one_entry(r, lambda: r.record_decision(rid, committee, actor=COORDINATOR)),
        COORDINATOR,
        "revision",
        rid,
        "decide",
    )
    assert (change["body"], change["status_before"], change["status_after"]) == (
        "committee",
        "draft",
        "awaiting_board",
    )
    board = {"body": "city_executive_board", "outcome": "approved", "decided_on": "2026-06-01"}
    change = expect(
        one_entry(r, lambda: r.record_decision(rid, board, actor=CENTRAL)),
        CENTRAL,
        "revision",
        rid,
        "decide",
    )
    assert change["status_after"] == "approved" and change["superseded"] == []
    follow_up = r.report_follow_up(
        activity.id, {"period": "2026-T2", "status": "ongoing"}, actor=COORDINATOR
    )
    change = expect(entries(r)[-1], COORDINATOR, "follow_up", follow_up.id, "create")
    assert change["activity_id"] == activity.id and change["status"] == "ongoing"
    review = r.add_review(rid, {"feedback": "Tydligt."}, actor=CENTRAL)
    assert expect(entries(r)[-1], CENTRAL, "review", review.id, "create") == {
        "feedback": "Tydligt.",
        "outcome": "comments",
        "remarks": [],
        "requests": [],
        "expert_body": None,
        "revision_id": rid,
    }
    issued = r.create_api_key({"name": "Ärendesystemet", "role": "reader"}, actor=CENTRAL)
    expect(entries(r)[-1], CENTRAL, "api_key", issued.key.id, "create", None)
    revoke = one_entry(r, lambda: r.revoke_api_key(issued.key.id, actor=CENTRAL))
    expect(revoke, CENTRAL, "api_key", issued.key.id, "revoke", None)
    # Revoking it again changes nothing, so it writes nothing.
    count = audit_count(r)
    r.revoke_api_key(issued.key.id, actor=CENTRAL)
    assert audit_count(r) == count

    trail = entries(r)
    assert [e.occurred_at for e in trail] == sorted(e.occurred_at for e in trail)
    assert [e.request_id for e in trail].count("req-org") == 1
    assert all(
        e.request_id is None for e in trail if e.entity != "organization" or e.action != "create"
    )


def test_refused_writes_leave_no_entry(world: World) -> None:
    r, own = world.registry, world.own
    board = {"body": "city_executive_board", "outcome": "approved", "decided_on": "2026-11-02"}
    refused: list[tuple[type[PlanRegistryError], Callable[[], object]]] = [
        (ValidationError, lambda: r.add_activity(own.draft, {**ACTIVITY, "level": "okänd"})),
        (ValidationError, lambda: r.update_revision(own.draft, {"status": "approved"})),
        (NotFound, lambda: r.update_activity(999_999, {"title": "X"})),
        (NotFound, lambda: r.get_revision(world.other.draft, actor=COORDINATOR)),
        (
            NotFound,
            lambda: r.put_section(
                world.other.draft, "x", {"heading": "X", "body": "Y"}, actor=COORDINATOR
            ),
        ),
        (
            PermissionDenied,
            lambda: r.put_section(own.draft, "x", {"heading": "X", "body": "Y"}, actor=READER),
        ),
        (PermissionDenied, lambda: r.record_decision(own.draft, board, actor=COORDINATOR)),
        (
            StaleVersion,
            lambda: r.update_revision(
                own.draft, {"label": "X"}, expected_version=99, actor=COORDINATOR
            ),
        ),
        (
            ReadOnly,
            lambda: r.put_section(
                own.approved, "x", {"heading": "X", "body": "Y"}, actor=COORDINATOR
            ),
        ),
        (IllegalTransition, lambda: r.record_decision(own.draft, board, actor=CENTRAL)),
        (
            IllegalTransition,
            lambda: r.report_follow_up(own.draft_activity, {"period": "2026-T1", "status": "done"}),
        ),
        (Conflict, lambda: r.create_plan(OWN_ORG, {"programme_id": "vbe"}, actor=COORDINATOR)),
        (Conflict, lambda: r.create_revision(own.plan, {"label": "X", "cycle_year": 2027})),
        (Conflict, lambda: r.import_json(r.export_json())),
    ]
    for error, call in refused:
        before = snapshot(r)
        with pytest.raises(error):
            call()
        assert snapshot(r) == before, error


def test_the_entry_commits_with_the_write_or_not_at_all(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the entry was added (here: building the answer) rolls back both."""
    registry.create_municipality(STOCKHOLM)
    before = snapshot(registry)

    def broken(*_args: object) -> None:
        raise RuntimeError("svaret kunde inte byggas")

    monkeypatch.setattr(organizations, "shown_organization", broken)
    with pytest.raises(RuntimeError):
        registry.create_organization(msgspec.to_builtins(ORGANIZATIONS[0]), actor=CENTRAL)
    assert snapshot(registry) == before


def test_the_request_id_is_the_innermost_context(world: World) -> None:
    r = world.registry
    section = {"heading": "Samverkan", "body": "Text."}
    with request_context("yttre"):
        with request_context("inre"):
            inner = one_entry(r, lambda: r.put_section(world.own.draft, "a", section))
        outer = one_entry(r, lambda: r.put_section(world.own.draft, "b", section))
    outside = one_entry(r, lambda: r.put_section(world.own.draft, "c", section))
    assert [inner.request_id, outer.request_id, outside.request_id] == ["inre", "yttre", None]


@pytest.fixture
def empty_registry(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Registry:
    """A second migrated, empty database of the same kind as `registry`'s."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "target.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
        migrations.upgrade(url)
    target = Registry.open(url)
    request.addfinalizer(target.close)
    return target


def whole_trail(registry: Registry) -> list[AuditEntry]:
    trail: list[AuditEntry] = []
    cursor: str | None = None
    while True:
        page = registry.list_audit(limit=500, cursor=cursor)
        trail.extend(page.items)
        if page.next_cursor is None:
            return trail
        cursor = page.next_cursor


def test_a_restore_is_exact_trail_and_keys_included(world: World, empty_registry: Registry) -> None:
    source, target = world.registry, empty_registry
    issued = source.create_api_key(
        {"name": "Ärendesystemet", "role": "reader", "municipality": "stockholm"}
    )
    revoked = source.create_api_key(
        {"name": "Gamla systemet", "role": "reader", "municipality": "stockholm"}
    )
    source.revoke_api_key(revoked.key.id)
    plan_document = documents.committee_plan_docx()
    plan_import, _ = source.create_plan_import(OWN_ORG, plan_document, "plan.docx")
    trail = whole_trail(source)
    assert len(trail) > 10
    document = source.export_json()
    decoded = msgspec.json.decode(document)
    assert {"audit", "api_keys", "plan_imports"} <= set(decoded)
    assert [k["id"] for k in decoded["api_keys"]] == sorted([issued.key.id, revoked.key.id])
    assert issued.token not in document.decode()  # the hash, never the secret
    target.import_json(document)
    assert target.export_json() == document
    assert whole_trail(target) == trail  # no entry of the import's own
    assert target.list_api_keys() == source.list_api_keys()
    assert target.authenticate_api_key(issued.token) == source.authenticate_api_key(issued.token)
    assert target.authenticate_api_key(revoked.token) is None
    # Writing goes on after a restore, its entry after the restored ones.
    target.put_section(world.own.draft, "egen", {"heading": "Eget", "body": "Text."})
    (entry,) = whole_trail(target)[len(trail) :]
    assert entry.id > trail[-1].id and entry.entity_id == str(world.own.draft)
    # A second restore is refused and leaves nothing.
    before = snapshot(target)
    with pytest.raises(Conflict):
        target.import_json(document)
    assert snapshot(target) == before
    # The stored plan import came along and still recognises its document.
    assert target.get_plan_import(plan_import.id) == plan_import
    _, created = target.create_plan_import(OWN_ORG, plan_document, "igen.docx")
    assert not created


def test_a_document_without_trail_restores_with_one_summary_entry(
    world: World, empty_registry: Registry
) -> None:
    source, target = world.registry, empty_registry
    decoded = msgspec.json.decode(source.export_json())
    del decoded["audit"], decoded["api_keys"]
    decoded["format_version"] = 1  # as written before the trail was part of the backup
    target.import_json(msgspec.json.encode(decoded))
    (entry,) = entries(target)
    change = expect(entry, SYSTEM, "registry", "import", "import", None, None)
    assert change["municipalities"] == ["goteborg", "stockholm"]
    assert (change["organizations"], change["plans"], change["revisions"]) == (3, 3, 6)
    assert target.list_api_keys() == []


def test_the_demo_is_written_like_any_other_use_of_the_library(registry: Registry) -> None:
    assert load_demo(registry)
    trail = entries(registry)
    seed = read_seed(SEED_FILES[0])
    writes = (
        2 + len(ORGANIZATIONS) + len(ACTORS) + 3 + len(seed.sections) + 1 + len(seed.activities)
    )
    assert len(trail) == writes
    assert {(e.actor_subject, e.actor_role) for e in trail} == {("system", SYSTEM.role)}
    assert not load_demo(registry)  # already there: nothing written
    assert len(entries(registry)) == writes
