"""Documents attached to revisions and decisions: stored by SHA-256, checked against
their content, readable as the revision is, audited, and carried by the backup."""

from __future__ import annotations

from pathlib import Path

import pytest

from planregistry import (
    AttachmentTooLarge,
    DocumentKind,
    DocumentTypeMismatch,
    NotFound,
    PermissionDenied,
    Registry,
    UnsupportedDocumentType,
)
from planregistry.storage import migrations
from planregistry.storage.files import LocalFileStore, sha256_of
from tests.documents_support import PDF_BYTES, PNG_BYTES, TEXT_BYTES, docx_bytes
from tests.world import CENTRAL, COORDINATOR, OTHER_COORDINATOR, READER, World, snapshot


@pytest.fixture
def files(world: World, tmp_path: Path) -> LocalFileStore:
    store = LocalFileStore(tmp_path / "files")
    world.registry.file_store = store
    world.registry.max_document_bytes = 1024
    return store


def _minutes(registry: Registry, revision_id: int) -> int:
    (decision, *_) = registry.get_revision(revision_id).decisions
    return decision.id


def test_attach_list_download_and_remove(world: World, files: LocalFileStore) -> None:
    registry, approved = world.registry, world.own.approved
    plan = registry.attach_document(
        approved,
        PDF_BYTES,
        {"filename": "Handlingsplan 2025 – antagen.pdf", "kind": "adopted_plan"},
        actor=COORDINATOR,
    )
    assert (plan.media_type, plan.size, plan.sha256) == (
        "application/pdf",
        len(PDF_BYTES),
        sha256_of(PDF_BYTES),
    )
    assert plan.kind is DocumentKind.ADOPTED_PLAN and plan.uploaded_by == "Karin Karlsson"
    minutes = registry.attach_document(
        approved,
        TEXT_BYTES,
        {
            "filename": "protokollsutdrag.txt",
            "kind": "minutes_extract",
            "decision_id": _minutes(registry, approved),
            "media_type": "text/plain; charset=utf-8",
        },
        actor=COORDINATOR,
    )
    assert registry.list_documents(approved, actor=READER) == [plan, minutes]
    assert registry.download_document(plan.id, actor=READER) == PDF_BYTES
    assert files.get(plan.sha256) == PDF_BYTES
    entries = registry.list_audit(entity="document", actor=CENTRAL).items
    assert {(e.action, e.entity_id) for e in entries} == {
        ("create", str(plan.id)),
        ("create", str(minutes.id)),
    }
    registry.remove_document(plan.id, expected_version=1, actor=COORDINATOR)
    assert registry.list_documents(approved) == [minutes]
    with pytest.raises(NotFound):
        registry.get_document(plan.id)
    assert files.has(plan.sha256)  # the bytes stay: the store is content-addressed
    entries = registry.list_audit(entity="document", actor=CENTRAL).items
    (removed,) = [e for e in entries if e.action == "delete"]
    assert removed.entity_id == str(plan.id) and removed.change["before"]["sha256"] == plan.sha256


def test_same_bytes_are_stored_once(world: World, files: LocalFileStore) -> None:
    registry = world.registry
    first = registry.attach_document(world.own.approved, PDF_BYTES, {"filename": "a.pdf"})
    second = registry.attach_document(world.own.draft, PDF_BYTES, {"filename": "b.pdf"})
    assert first.sha256 == second.sha256
    assert [p.name for p in files.root.rglob("*") if p.is_file()] == [first.sha256]


@pytest.mark.parametrize(
    ("content", "filename", "media_type", "error"),
    [
        (PDF_BYTES, "plan.txt", None, DocumentTypeMismatch),
        (PDF_BYTES, "plan.pdf", "image/png", DocumentTypeMismatch),
        (PNG_BYTES, "bild.pdf", None, DocumentTypeMismatch),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "plan.pdf", None, UnsupportedDocumentType),
        (b"%PDF-1.4\n" + b"x" * 2000, "stor.pdf", None, AttachmentTooLarge),
    ],
    ids=["pdf-named-text", "pdf-said-png", "png-named-pdf", "executable", "too-large"],
)
def test_mismatched_unsupported_and_too_large_files_are_refused(
    world: World,
    files: LocalFileStore,
    content: bytes,
    filename: str,
    media_type: str | None,
    error: type[Exception],
) -> None:
    before = snapshot(world.registry)
    with pytest.raises(error):
        world.registry.attach_document(
            world.own.approved, content, {"filename": filename, "media_type": media_type}
        )
    assert snapshot(world.registry) == before
    assert not files.root.exists() or not any(files.root.rglob("*"))


def test_a_word_document_is_recognised_by_its_content(world: World, files: LocalFileStore) -> None:
    document = world.registry.attach_document(
        world.own.approved, docx_bytes(), {"filename": "Tjänsteutlåtande.docx"}
    )
    assert document.media_type.endswith("wordprocessingml.document")


def test_access_follows_the_revision(world: World, files: LocalFileStore) -> None:
    registry, approved = world.registry, world.own.approved
    public = registry.attach_document(approved, PDF_BYTES, {"filename": "plan.pdf"})
    secret = registry.attach_document(
        approved, TEXT_BYTES, {"filename": "lägesbild.txt", "confidential": True}
    )
    # Another organisation's coordinator: the revision and its documents do not exist.
    for call in (
        lambda: registry.list_documents(approved, actor=OTHER_COORDINATOR),
        lambda: registry.download_document(public.id, actor=OTHER_COORDINATOR),
        lambda: registry.attach_document(
            approved, PDF_BYTES, {"filename": "x.pdf"}, actor=OTHER_COORDINATOR
        ),
    ):
        with pytest.raises(NotFound):
            call()
    # A reader reads what is not confidential, and attaches nothing.
    assert registry.list_documents(approved, actor=READER) == [public]
    with pytest.raises(NotFound):
        registry.download_document(secret.id, actor=READER)
    with pytest.raises(PermissionDenied):
        registry.attach_document(approved, PDF_BYTES, {"filename": "x.pdf"}, actor=READER)
    assert registry.download_document(secret.id, actor=COORDINATOR) == TEXT_BYTES
    # Kommunstyrelsen's decision is the central role's to document.
    board = registry.get_revision(approved).decisions[-1]
    with pytest.raises(PermissionDenied):
        registry.attach_document(
            approved, PDF_BYTES, {"filename": "ks.pdf", "decision_id": board.id}, actor=COORDINATOR
        )
    registry.attach_document(
        approved, PDF_BYTES, {"filename": "ks.pdf", "decision_id": board.id}, actor=CENTRAL
    )


def test_export_import_carries_the_documents_bytes(
    world: World, files: LocalFileStore, tmp_path: Path
) -> None:
    registry = world.registry
    registry.attach_document(world.own.approved, PDF_BYTES, {"filename": "Plan för Hässelby.pdf"})
    registry.attach_document(
        world.own.approved, docx_bytes(), {"filename": "utlåtande.docx", "confidential": True}
    )
    document = registry.export_json()
    url = f"sqlite:///{tmp_path}/copy.sqlite3"
    migrations.upgrade(url)
    with Registry.open(url, files=LocalFileStore(tmp_path / "copy-files")) as copy:
        copy.import_json(document)
        assert copy.export_json() == document
        for original in registry.list_documents(world.own.approved):
            assert copy.get_document(original.id) == original
            content = copy.download_document(original.id)
            assert content == registry.download_document(original.id)
