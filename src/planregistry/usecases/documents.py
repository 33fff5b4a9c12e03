"""Documents attached to a revision or to one of its decisions.

Who may do what follows the revision's own rules, and the step the document records:
- attaching or removing a document of the revision itself (the adopted plan, say) or of
  a committee decision is `RECORD_COMMITTEE_DECISION` (the organisation's coordinator
  and the central role); of kommunstyrelsen's decision, `RECORD_BOARD_DECISION` (the
  central role). Documents are records about a revision, not its content, so they may be
  attached in any status and leave the revision's version (its ETag) as it is;
- reading them is `READ_PLAN`, and a document marked `confidential` (a situation
  picture's underlying report, say) is seen only by those who may see a confidential
  situation picture: to anyone else it does not exist.

Removing a document deletes its record (audited) and leaves its bytes in the file store,
where other documents may share them; no collector removes unreferenced files yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.settings import document_max_bytes, files_dir
from planregistry.storage import queries
from planregistry.storage.documents import DOCUMENT
from planregistry.storage.files import FileStore, LocalFileStore, sha256_of
from planregistry.storage.tables import (
    DecisionRow,
    DocumentRow,
    OrganizationRow,
    PlanRow,
    RevisionRow,
)
from planregistry.usecases.base import RegistryBase, audit_change, check_version
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.documents import (
    AttachDocument,
    Document,
    checked_media_type,
)
from planregistry_domain.errors import FieldError, NotFound, ValidationError
from planregistry_domain.policy import Action, Scope, sees_confidential_situation
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import DecisionBody


class StoredFile(Struct, kw_only=True):
    """A document's bytes in the backup, once per SHA-256 (base64 in JSON)."""

    sha256: str
    content: bytes


class _Placed(NamedTuple):
    row: DocumentRow
    scope: Scope


class DocumentUseCases(RegistryBase):
    _file_store: FileStore | None = None
    _max_document_bytes: int | None = None

    @property
    def file_store(self) -> FileStore:
        """Where documents' bytes are kept: set it, or a local folder (see `settings`)."""
        if self._file_store is None:
            url = self.engine.url.render_as_string(hide_password=False)
            self._file_store = LocalFileStore(files_dir(url))
        return self._file_store

    @file_store.setter
    def file_store(self, store: FileStore) -> None:
        self._file_store = store

    @property
    def max_document_bytes(self) -> int:
        """The largest document kept: set it, or `PLANREGISTRY_DOCUMENT_MAX_BYTES`."""
        return self._max_document_bytes or document_max_bytes()

    @max_document_bytes.setter
    def max_document_bytes(self, size: int) -> None:
        self._max_document_bytes = size

    def attach_document(
        self,
        revision_id: int,
        content: bytes,
        data: AttachDocument | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> Document:
        """Store the file (once per SHA-256) and attach it to the revision or its decision."""
        command = coerce(AttachDocument, data)
        with self._write() as session:
            scope = queries.placed_revision(session, revision_id).scope
            self._authorize(actor, Action.READ_PLAN, scope, entity="Revisionen", key=revision_id)
            action = _action_for(session, revision_id, command.decision_id)
            self._authorize(actor, action, scope, entity="Revisionen", key=revision_id)
            # Checked once the caller may attach: a refusal says nothing of a hidden revision.
            media_type = checked_media_type(content, command, self.max_document_bytes)
            digest = self.file_store.put(content)
            row = DOCUMENT.new_row(
                command,
                revision_id=revision_id,
                media_type=media_type,
                size=len(content),
                sha256=digest,
                uploaded_by=actor.display,
                uploaded_at=self.now(),
            )
            session.add(row)
            session.flush()
            document = DOCUMENT.read(row)
            self._audit(
                session,
                actor,
                entity="document",
                entity_id=row.id,
                action="create",
                change=audit_change(
                    command, media_type=media_type, size=len(content), sha256=digest
                ),
                scope=scope,
            )
            return document

    def list_documents(self, revision_id: int, *, actor: Actor = SYSTEM) -> list[Document]:
        """A revision's documents (its decisions' too) in the order attached."""
        with self._read() as session:
            scope = queries.placed_revision(session, revision_id).scope
            self._authorize(actor, Action.READ_PLAN, scope, entity="Revisionen", key=revision_id)
            stmt = select(DocumentRow).where(DocumentRow.revision_id == revision_id)
            if not _sees_confidential(actor, scope):
                stmt = stmt.where(DocumentRow.confidential.is_(False))
            return [DOCUMENT.read(r) for r in session.scalars(stmt.order_by(DocumentRow.id))]

    def get_document(self, document_id: int, *, actor: Actor = SYSTEM) -> Document:
        with self._read() as session:
            return DOCUMENT.read(self._readable_document(session, document_id, actor).row)

    def download_document(self, document_id: int, *, actor: Actor = SYSTEM) -> bytes:
        """The document's bytes, exactly as uploaded (`get_document` describes them)."""
        with self._read() as session:
            sha256 = self._readable_document(session, document_id, actor).row.sha256
        return self.file_store.get(sha256)

    def remove_document(
        self, document_id: int, *, expected_version: int | None = None, actor: Actor = SYSTEM
    ) -> None:
        """Detach the document (its record goes; its bytes stay in the file store)."""
        with self._write() as session:
            placed = self._readable_document(session, document_id, actor)
            row = placed.row
            action = _action_for(session, row.revision_id, row.decision_id)
            self._authorize(actor, action, placed.scope, entity="Dokumentet", key=document_id)
            check_version("Dokumentet", document_id, expected_version, 1)
            before = DOCUMENT.read(row)
            session.delete(row)
            self._audit(
                session,
                actor,
                entity="document",
                entity_id=document_id,
                action="delete",
                change=audit_change(before=before),
                scope=placed.scope,
            )

    def _readable_document(self, session: Session, document_id: int, actor: Actor) -> _Placed:
        found = session.execute(
            select(DocumentRow, PlanRow.organization_id, OrganizationRow.municipality_id)
            .join(RevisionRow, RevisionRow.id == DocumentRow.revision_id)
            .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
            .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
            .where(DocumentRow.id == document_id)
        ).one_or_none()
        if found is None:
            raise NotFound("Dokumentet", document_id)
        row, organization, municipality = found
        scope = Scope(municipality=municipality, organization=organization)
        self._authorize(actor, Action.READ_PLAN, scope, entity="Dokumentet", key=document_id)
        if row.confidential and not _sees_confidential(actor, scope):
            raise NotFound("Dokumentet", document_id)
        return _Placed(row, scope)

    # --- The backup (`usecases.backup`) -------------------------------------------------

    def _export_documents(self, session: Session) -> tuple[list[Document], list[StoredFile]]:
        documents = [
            DOCUMENT.read(r) for r in session.scalars(select(DocumentRow).order_by(DocumentRow.id))
        ]
        digests = sorted({d.sha256 for d in documents})
        return documents, [StoredFile(sha256=d, content=self.file_store.get(d)) for d in digests]

    def _import_documents(
        self, session: Session, documents: list[Document], files: list[StoredFile]
    ) -> None:
        for index, stored in enumerate(files):
            if sha256_of(stored.content) != stored.sha256:
                raise ValidationError(
                    f"Filen {stored.sha256} i dokumentet har ett annat innehåll än sin SHA-256.",
                    [FieldError(path=f"$.files[{index}]", message="Fel SHA-256.")],
                )
        present = {f.sha256 for f in files}
        missing = sorted({d.sha256 for d in documents} - present)
        if missing:
            raise ValidationError(f"Dokumentet saknar filerna {', '.join(missing)}.")
        for stored in files:
            self.file_store.put(stored.content)
        session.add_all(DOCUMENT.new_row(d) for d in documents)


def _action_for(session: Session, revision_id: int, decision_id: int | None) -> Action:
    """The step a document records decides who may attach or remove it."""
    if decision_id is None:
        return Action.RECORD_COMMITTEE_DECISION
    body = session.scalar(
        select(DecisionRow.body).where(
            DecisionRow.id == decision_id, DecisionRow.revision_id == revision_id
        )
    )
    if body is None:
        raise ValidationError(
            f"Revisionen {revision_id} har inget beslut {decision_id}.",
            [FieldError(path="$.decision_id", message="Beslutet hör inte till revisionen.")],
        )
    if body == DecisionBody.CITY_EXECUTIVE_BOARD:
        return Action.RECORD_BOARD_DECISION
    return Action.RECORD_COMMITTEE_DECISION


def _sees_confidential(actor: Actor, scope: Scope) -> bool:
    return sees_confidential_situation(actor, scope.organization or "", scope.municipality or "")
