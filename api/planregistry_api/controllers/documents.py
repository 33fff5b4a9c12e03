"""Documents of a revision and its decisions: attach (multipart), list, read, download,
remove.

`POST /revisions/{revision_id}/documents` takes `multipart/form-data`: the `file` (its
part's name and `Content-Type` are the document's file name and media type, checked
against the content), `kind`, and optionally `decision_id`, `title`, `confidential`.
`GET /documents/{document_id}/content` answers the bytes as uploaded, with the original
file name in `Content-Disposition` (RFC 6266, with an RFC 5987 `filename*` for å, ä, ö).
A document never changes; `DELETE` needs its ETag as `If-Match` all the same.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from planregistry import AttachDocument, Document, DocumentKind
from planregistry.settings import DEFAULT_DOCUMENT_MAX_BYTES, document_max_bytes
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_api.parameters import Id
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    IfNoneMatch,
    expected_version,
    tagged,
)
from planregistry_domain.errors import ConfigurationError
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX, DOCUMENT, etag


def _max_upload_bytes() -> int:
    """The library refuses a document over its limit (422); this only stops a body far
    larger. A bad setting is reported by `settings.check` when the server starts."""
    try:
        return document_max_bytes()
    except ConfigurationError:
        return DEFAULT_DOCUMENT_MAX_BYTES


MAX_UPLOAD_BYTES = _max_upload_bytes()


def document_etag(document: Document) -> str:
    return etag(DOCUMENT, document.id, 1)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name as UTF-8 (RFC 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in ascii_name)
    exact = quote(filename, safe="")
    return f"attachment; filename=\"{fallback or 'dokument'}\"; filename*=UTF-8''{exact}"


@dataclass
class DocumentUpload:
    """The upload form: the file, what kind of document it is, what it belongs to."""

    file: UploadFile
    kind: DocumentKind = DocumentKind.OTHER
    decision_id: int | None = None
    title: str | None = None
    confidential: bool = False


class DocumentController(Controller):
    path = "/"
    tags = ("documents",)

    @post(
        "/revisions/{revision_id:int}/documents",
        operation_id="attachDocument",
        opt=requires(Action.RECORD_COMMITTEE_DECISION, Action.RECORD_BOARD_DECISION),
        summary="Attach a document to a revision or one of its decisions",
        description="The adopted plan, a minutes extract, an official report… as "
        "`multipart/form-data`. The media type (the part's `Content-Type`, else the file "
        "name's extension) must be what the content is: PDF, Word (.docx), ZIP, PNG, JPEG, "
        "GIF, WebP or UTF-8 text; a mismatch answers 422 `document-type-mismatch`, other "
        "content 422 `unsupported-document-type`, a file over the limit 422 "
        "`document-too-large`. A kommunstyrelsen decision's documents are the central "
        "role's; the revision's own and a committee decision's also its organisation's "
        "coordinator's.",
        sync_to_thread=True,
        request_max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 403, 404, 413, 422),
    )
    def attach_document(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        data: Annotated[DocumentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[Document]:
        content = data.file.file.read(registry.max_document_bytes + 1)
        document = registry.attach_document(
            revision_id,
            content,
            AttachDocument(
                filename=data.file.filename or "dokument",
                kind=data.kind,
                decision_id=data.decision_id,
                title=data.title or None,
                confidential=data.confidential,
                media_type=data.file.content_type or None,
            ),
            actor=actor,
        )
        return Response(
            document,
            status_code=201,
            headers={
                "Location": f"{API_PREFIX}/documents/{document.id}",
                "ETag": document_etag(document),
            },
        )

    @get(
        "/revisions/{revision_id:int}/documents",
        operation_id="listDocuments",
        opt=requires(Action.READ_PLAN),
        summary="List a revision's documents (its decisions' too), in the order attached",
        description="Confidential documents are listed only to those who may see the "
        "revision's confidential situation picture.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_documents(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        revision_id: Id,
    ) -> Response[Envelope[Document]]:
        # A revision has a handful of documents: all of them in one page.
        return paginated(Page(items=registry.list_documents(revision_id, actor=actor)), request)

    @get(
        "/documents/{document_id:int}",
        operation_id="getDocument",
        opt=requires(Action.READ_PLAN),
        summary="Read a document's description",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses={**problems.responses(400, 404), **problems.NOT_MODIFIED},
    )
    def get_document(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        document_id: Id,
        if_none_match: IfNoneMatch = None,
    ) -> Response[Document]:
        document = registry.get_document(document_id, actor=actor)
        return tagged(document, document_etag(document), if_none_match)

    @get(
        "/documents/{document_id:int}/content",
        operation_id="downloadDocument",
        opt=requires(Action.READ_PLAN),
        summary="Download a document: its bytes as uploaded, under its original name",
        sync_to_thread=True,
        media_type="application/octet-stream",
        responses=problems.responses(400, 404),
    )
    def download_document(
        self, registry: RegistryDep, actor: ActorDep, document_id: Id
    ) -> Response[bytes]:
        document = registry.get_document(document_id, actor=actor)
        return Response(
            registry.download_document(document_id, actor=actor),
            media_type=document.media_type,
            headers={
                "Content-Disposition": content_disposition(document.filename),
                "ETag": document_etag(document),
            },
        )

    @delete(
        "/documents/{document_id:int}",
        operation_id="removeDocument",
        opt=requires(Action.RECORD_COMMITTEE_DECISION, Action.RECORD_BOARD_DECISION),
        summary="Remove a document (its record; the bytes stay in the file store)",
        description="Needs the document's `If-Match`.",
        sync_to_thread=True,
        responses=problems.responses(400, 403, 404, 412, 428),
    )
    def remove_document(
        self, registry: RegistryDep, actor: ActorDep, document_id: Id, if_match: IfMatch = None
    ) -> None:
        expected = expected_version(if_match, DOCUMENT, document_id)
        registry.remove_document(document_id, expected_version=expected, actor=actor)
