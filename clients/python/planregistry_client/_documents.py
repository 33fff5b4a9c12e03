"""The documents' operations of both clients: attach (multipart), list, read, download,
remove; named and typed as the `Registry`'s."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import msgspec

from planregistry_client._core import (
    Call,
    Resource,
    Session,
    decode,
    operation,
    revision_path,
)
from planregistry_domain.documents import AttachDocument, Document
from planregistry_domain.paging import Page
from planregistry_domain.wire import API_PREFIX, DOCUMENT, etag


def document_path(document_id: int) -> str:
    return f"{API_PREFIX}/documents/{int(document_id)}"


def _resource(document_id: int) -> Resource:
    return Resource(document_path(document_id), DOCUMENT, document_id, Document)


class DocumentOperations:
    _session: Session

    def _learn_document(self, document: Document, tag: str | None = None) -> None:
        self._session.etags.remember(
            document_path(document.id), tag or etag(DOCUMENT, document.id, 1)
        )

    @operation
    def attach_document(
        self, revision_id: int, content: bytes, data: AttachDocument | Mapping[str, Any]
    ) -> Call[Document]:
        """Attach a file to a revision or one of its decisions (`data.decision_id`); its
        media type (given, or the file name's) must be what the content is."""
        command = msgspec.convert(
            msgspec.to_builtins(data) if isinstance(data, msgspec.Struct) else data,
            AttachDocument,
        )
        form = {
            name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in (
                ("kind", command.kind.value),
                ("decision_id", command.decision_id),
                ("title", command.title),
                ("confidential", command.confidential),
            )
            if value is not None
        }
        media_type = command.media_type or "application/octet-stream"
        request = httpx.Request(
            "POST",
            "http://upload",
            files={"file": (command.filename, content, media_type)},
            data=form,
        )
        learn = self._learn_document

        def read(response: httpx.Response) -> Document:
            document = decode(response.content, Document)
            learn(document, response.headers.get("etag"))
            return document

        return Call(
            method="POST",
            path=f"{revision_path(revision_id)}/documents",
            read=read,
            content=request.read(),
            headers={"Content-Type": request.headers["content-type"]},
        )

    @operation
    def list_documents(self, revision_id: int) -> Call[list[Document]]:
        """A revision's documents (its decisions' too), in the order attached."""

        def read(response: httpx.Response) -> list[Document]:
            return decode(response.content, Page[Document]).items

        return Call(method="GET", path=f"{revision_path(revision_id)}/documents", read=read)

    @operation
    def get_document(self, document_id: int) -> Call[Document]:
        """A document's description; its ETag is remembered for `remove_document`."""
        return self._session.get(document_path(document_id), Document, learn=self._learn_document)

    @operation
    def download_document(self, document_id: int) -> Call[bytes]:
        """The document's bytes, exactly as uploaded."""
        return Call(
            method="GET",
            path=f"{document_path(document_id)}/content",
            read=lambda response: response.content,
        )

    @operation
    def remove_document(
        self,
        document_id: int,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[None]:
        """Remove a document (its bytes stay in the server's file store); needs its ETag."""
        session = self._session
        path = document_path(document_id)
        guard = session.guard(
            _resource(document_id), if_match=if_match, expected_version=expected_version
        )

        def forget(_nothing: None, _tag: str | None) -> None:
            session.etags.forget(path)

        return session.send("DELETE", path, None, learn=forget, precondition=guard)
