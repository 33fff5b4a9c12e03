"""Documents attached to a revision or to one of its decisions: the adopted plan as a PDF,
the minutes extract (protokollsutdrag), the official report (tjänsteutlåtande).

A document is its metadata here; its bytes are stored once per SHA-256 in a file store.
The media type a caller gives (or the file name implies) must be the one the content
itself shows (`detect_media_type`), so a renamed executable is never served as a PDF.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from msgspec import Meta, Struct

from planregistry_domain.constraints import Name
from planregistry_domain.errors import FieldError, ValidationError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TEXT = "text/plain"
MEDIA_TYPES = (PDF, DOCX, ZIP, PNG, JPEG, GIF, WEBP, TEXT)
"""The media types a document may have; each is recognised by its content."""

# A decision's id, bounded as every id is (PostgreSQL `integer`).
DecisionId = Annotated[int, Meta(ge=1, le=2**31 - 1)]

_GENERIC = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class DocumentKind(StrEnum):
    ADOPTED_PLAN = "adopted_plan"
    MINUTES_EXTRACT = "minutes_extract"
    OFFICIAL_REPORT = "official_report"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    DocumentKind.ADOPTED_PLAN: "Antagen plan",
    DocumentKind.MINUTES_EXTRACT: "Protokollsutdrag",
    DocumentKind.OFFICIAL_REPORT: "Tjänsteutlåtande",
    DocumentKind.OTHER: "Övrigt",
}


class Document(Struct, kw_only=True):
    """A document as read. `confidential` ones are seen only by those who may see the
    revision's confidential situation picture; to anyone else they do not exist."""

    id: int
    revision_id: int
    decision_id: int | None = None
    kind: DocumentKind
    title: str | None = None
    filename: str
    media_type: str
    size: int
    sha256: str
    confidential: bool = False
    uploaded_by: str
    uploaded_at: dt.datetime


class AttachDocument(Struct, kw_only=True, forbid_unknown_fields=True):
    """What is said about a file besides its bytes. `media_type` may be left out; then the
    file name's extension names it (and it is still checked against the content)."""

    filename: Name
    kind: DocumentKind = DocumentKind.OTHER
    decision_id: DecisionId | None = None
    title: Name | None = None
    confidential: bool = False
    media_type: Annotated[str, Meta(max_length=255)] | None = None


class UnsupportedDocumentType(ValidationError):
    """The content is none of the media types a document may have."""

    type_slug = "unsupported-document-type"
    title = "Filtypen stöds inte"


class DocumentTypeMismatch(ValidationError):
    """The media type given (or implied by the name) is not what the content is."""

    type_slug = "document-type-mismatch"
    title = "Filtypen stämmer inte med innehållet"


class AttachmentTooLarge(ValidationError):
    """More bytes than the registry keeps for one document."""

    type_slug = "document-too-large"
    title = "Dokumentet är för stort"


def detect_media_type(content: bytes) -> str | None:
    """The media type the bytes themselves show, or None for anything else.

    Magic bytes for PDF and images; a ZIP archive is a Word document when it holds
    `word/document.xml` (only the archive's directory is read, nothing is unpacked);
    plain text is UTF-8 without control characters other than tab, line and page breaks.
    """
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        # Imported here: the client imports this module and never checks content.
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        return DOCX if "word/document.xml" in names else ZIP
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    allowed = {"\t", "\n", "\r", "\f"}
    if any((ord(c) < 32 and c not in allowed) or c == "\x7f" for c in text):
        return None
    return TEXT


def checked_media_type(content: bytes, command: AttachDocument, max_bytes: int) -> str:
    """The document's media type once size and content agree with what was said."""
    if len(content) > max_bytes:
        raise AttachmentTooLarge(
            f"Filen är {len(content)} byte; ett dokument får vara högst {max_bytes} byte.",
            [FieldError(path="$.file", message=f"Högst {max_bytes} byte.")],
        )
    if not content:
        raise UnsupportedDocumentType(
            "Filen är tom.", [FieldError(path="$.file", message="Filen är tom.")]
        )
    detected = detect_media_type(content)
    if detected is None:
        allowed = "PDF, Word (.docx), ZIP, PNG, JPEG, GIF, WebP och vanlig text (UTF-8)"
        raise UnsupportedDocumentType(
            f"Filens innehåll är ingen av de filtyper som tas emot: {allowed}.",
            [FieldError(path="$.file", message="Filtypen stöds inte.")],
        )
    declared = (command.media_type or "").split(";")[0].strip().lower()
    if declared in _GENERIC:
        import mimetypes

        declared = (mimetypes.guess_type(command.filename)[0] or "").lower()
    if declared and declared not in _same(detected):
        raise DocumentTypeMismatch(
            f"Filen anges vara {declared} men innehållet är {detected}.",
            [FieldError(path="$.media_type", message=f"Innehållet är {detected}.")],
        )
    return detected


def _same(detected: str) -> frozenset[str]:
    """The names a detected type also goes by (a .docx is a ZIP archive, text has dialects)."""
    aliases = {
        ZIP: {"application/x-zip-compressed"},
        DOCX: {ZIP, "application/x-zip-compressed"},
        JPEG: {"image/jpg", "image/pjpeg"},
        TEXT: {"text/markdown", "text/csv"},
    }
    return frozenset({detected, *aliases.get(detected, set())})
