"""Applying an import: the same use cases as a draft made by hand, all or nothing."""

from __future__ import annotations

from importlib.resources import files

import pytest
from sqlalchemy import func, select, update

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import ORGANIZATIONS, STOCKHOLM
from planregistry.storage.tables import AuditRow, PlanImportRow, PlanRow, RevisionRow
from planregistry_domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from tests.importing import documents
from tests.world import COORDINATOR, OTHER_COORDINATOR, OWN_ORG, READER, World

SEED = files("planregistry.defaults").joinpath("hasselby_vallingby_2017.ocr.txt").read_bytes()


@pytest.fixture
def stockholm(registry: Registry) -> Registry:
    """The programme, Stockholm and its organisations; no plans yet."""
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    for organization in ORGANIZATIONS:
        registry.create_organization(organization)
    return registry


def _count(registry: Registry, table: type) -> int:
    with registry.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_the_seed_applied_becomes_a_draft_with_every_part(stockholm: Registry):
    plan_import, created = stockholm.create_plan_import(
        "hasselby-vallingby", SEED, "hasselby.ocr.txt", cycle_year=2017
    )
    assert created
    assert plan_import.source.format == "ocr_text"
    revision = stockholm.apply_plan_import(plan_import.id)
    assert revision.status == "draft"
    assert revision.cycle_year == 2017
    assert [s.key for s in revision.sections][:3] == ["introduction", "definitions", "scope"]
    assert len(revision.sections) == 11
    assert len(revision.activities) == 14
    assert revision.situation is not None and len(revision.situation.police) == 3
    assert revision.priority_areas[0] == "Grimsta"
    stored = stockholm.get_plan_import(plan_import.id)
    assert stored.applied_revision_id == revision.id
    trail = stockholm.list_audit(entity="revision", limit=500).items
    imported = [e for e in trail if e.action == "import"]
    assert len(imported) == 1
    assert imported[0].change["source"]["sha256"] == plan_import.source.sha256
    assert imported[0].change["source"]["filename"] == "hasselby.ocr.txt"


def test_the_same_document_twice_is_recognised_by_its_sha256(stockholm: Registry):
    data = documents.committee_plan_docx()
    first, created = stockholm.create_plan_import("hasselby-vallingby", data, "plan.docx")
    again, created_again = stockholm.create_plan_import("hasselby-vallingby", data, "kopia.docx")
    assert created and not created_again
    assert again.id == first.id and again.source.filename == "plan.docx"
    assert _count(stockholm, PlanImportRow) == 1


def test_an_import_is_refused_while_the_plan_has_an_open_draft(world: World):
    registry = world.registry
    plan_import, _ = registry.create_plan_import(OWN_ORG, SEED, "seed.txt", cycle_year=2018)
    revisions, audit = _count(registry, RevisionRow), _count(registry, AuditRow)
    with pytest.raises(Conflict, match="öppen revision"):
        registry.apply_plan_import(plan_import.id)
    assert (_count(registry, RevisionRow), _count(registry, AuditRow)) == (revisions, audit)
    assert registry.get_plan_import(plan_import.id).applied_revision_id is None


def test_a_proposal_that_fails_half_way_leaves_no_partial_draft(stockholm: Registry):
    plan_import, _ = stockholm.create_plan_import(
        "hasselby-vallingby", SEED, "s.txt", cycle_year=2017
    )
    with stockholm.engine.begin() as conn:
        proposal = conn.scalar(select(PlanImportRow.proposal))
        proposal["activities"][-1]["level"] = "no_such_level"
        conn.execute(update(PlanImportRow).values(proposal=proposal))
    audit = _count(stockholm, AuditRow)
    with pytest.raises(ValidationError):
        stockholm.apply_plan_import(plan_import.id)
    assert _count(stockholm, PlanRow) == 0
    assert _count(stockholm, RevisionRow) == 0
    assert _count(stockholm, AuditRow) == audit


def test_an_import_is_applied_once(stockholm: Registry):
    plan_import, _ = stockholm.create_plan_import(
        "hasselby-vallingby", SEED, "s.txt", cycle_year=2017
    )
    stockholm.apply_plan_import(plan_import.id)
    with pytest.raises(Conflict, match="redan tillämpad"):
        stockholm.apply_plan_import(plan_import.id)


def test_a_missing_cycle_year_is_asked_for(stockholm: Registry):
    plan_import, _ = stockholm.create_plan_import("hasselby-vallingby", SEED, "s.txt")
    with pytest.raises(ValidationError, match="cykelåret"):
        stockholm.apply_plan_import(plan_import.id)
    revision = stockholm.apply_plan_import(plan_import.id, cycle_year=2017)
    assert revision.cycle_year == 2017


def test_who_may_import(world: World):
    registry = world.registry
    data = documents.council_plan_docx()
    own, _ = registry.create_plan_import(OWN_ORG, data, "råd.docx", actor=COORDINATOR)
    assert registry.get_plan_import(own.id, actor=COORDINATOR).id == own.id
    with pytest.raises(NotFound):
        registry.get_plan_import(own.id, actor=OTHER_COORDINATOR)
    # Another district is visible to a coordinator, its plans are not its to import into.
    with pytest.raises(PermissionDenied):
        registry.create_plan_import(OWN_ORG, data, "råd.docx", actor=OTHER_COORDINATOR)
    with pytest.raises(PermissionDenied):
        registry.create_plan_import(OWN_ORG, data, "råd.docx", actor=READER)
    with pytest.raises(PermissionDenied):
        registry.apply_plan_import(own.id, actor=READER)
