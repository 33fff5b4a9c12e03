"""Why a file could not be imported: each a `ValidationError`, so the API answers 422."""

from __future__ import annotations

from planregistry_domain.errors import ValidationError


class UnreadableDocument(ValidationError):
    """The file is not a document of a supported format, or it is damaged or encrypted."""

    type_slug = "unreadable-document"
    title = "Dokumentet kan inte läsas"


class DocumentTooLarge(UnreadableDocument):
    """More bytes, pages or unpacked content than an import reads."""

    type_slug = "document-too-large"
    title = "Dokumentet är för stort"
