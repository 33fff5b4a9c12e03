"""A revision's documents on its page: rows for the list, and the download itself."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Response

from planregistry import Document, Registry, Revision
from planregistry_api.controllers.documents import content_disposition
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    size: str
    belongs_to: str  # the decision it documents, in words; empty for the revision's own


def size_sv(size: int) -> str:
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} kB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def document_rows(documents: list[Document], revision: Revision) -> list[DocumentRow]:
    decisions = {d.id: d for d in revision.decisions}
    rows = []
    for document in documents:
        decision = decisions.get(document.decision_id) if document.decision_id else None
        belongs_to = (
            f"till {decision.body.label.lower()}s beslut {decision.decided_on.isoformat()}"
            if decision
            else ""
        )
        rows.append(DocumentRow(document, size_sv(document.size), belongs_to))
    return rows


def document_download(
    registry: Registry, actor: Actor, revision_id: int, document_id: int
) -> Response[bytes]:
    document = registry.get_document(document_id, actor=actor)
    if document.revision_id != revision_id:
        raise NotFound("Dokumentet", document_id)
    return Response(
        registry.download_document(document_id, actor=actor),
        media_type=document.media_type,
        headers={"Content-Disposition": content_disposition(document.filename)},
    )
