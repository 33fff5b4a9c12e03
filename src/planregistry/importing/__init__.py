"""Bringing existing plans in: Word (.docx), PDF with a text layer, and OCR text.

`propose(data, filename, programme)` reads a file into the neutral document model
(`planregistry.importing.document`) and recognises a plan in it
(`planregistry.importing.recognise`), giving an `ImportProposal`: pure functions of the
bytes, with no database. Only applying a proposal (`Registry.apply_import`) writes.

The readers need the `import` extra (python-docx, pdfplumber, wordfreq).
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from planregistry.importing.document import Block, BlockKind, Document, Location, SourceFormat
from planregistry.importing.errors import DocumentTooLarge, UnreadableDocument
from planregistry.importing.limits import Limits, check_size
from planregistry_domain.imports import (
    Finding,
    FindingCode,
    ImportProposal,
    ImportSource,
    ProposedActivity,
    ProposedSection,
)
from planregistry_domain.programme import Programme

_TEXT_SUFFIXES = (".txt", ".text", ".ocr")


def sniff_format(data: bytes, filename: str = "") -> SourceFormat:
    """The format by content (the name only breaks no ties): PDF, a Word zip, or text."""
    if data.startswith(b"%PDF-"):
        return SourceFormat.PDF
    if data.startswith(b"PK\x03\x04"):
        return SourceFormat.DOCX
    head = data[:4096]
    if b"\x00" in head:
        raise UnreadableDocument(
            f"Filen {filename or ''} är varken Word (.docx), PDF eller text.".replace("  ", " ")
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the end of the sample is fine
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise UnreadableDocument("Filen är inte text i UTF-8 eller Windows-1252.") from None
    return SourceFormat.OCR_TEXT


def read_document(data: bytes, filename: str = "", *, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    check_size(data, limits)
    kind = sniff_format(data, filename)
    if kind is SourceFormat.PDF:
        from planregistry.importing.pdf import read_pdf

        return read_pdf(data, limits=limits)
    if kind is SourceFormat.DOCX:
        from planregistry.importing.docx import read_docx

        return read_docx(data, limits=limits)
    from planregistry.importing.ocr import read_ocr_text

    return read_ocr_text(data, limits=limits)


def source_of(data: bytes, filename: str, document: Document) -> ImportSource:
    return ImportSource(
        filename=PurePath(filename).name or "dokument",
        format=document.format,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=document.pages,
    )


def propose(
    data: bytes,
    filename: str,
    programme: Programme,
    *,
    cycle_year: int | None = None,
    limits: Limits | None = None,
) -> ImportProposal:
    """Read a file and propose the plan it holds; raises `UnreadableDocument` (or
    `DocumentTooLarge`) for a file that cannot be read at all."""
    from planregistry.importing.recognise import recognise

    document = read_document(data, filename, limits=limits)
    return recognise(
        document, programme, source_of(data, filename, document), cycle_year=cycle_year
    )


__all__ = [
    "Block",
    "BlockKind",
    "Document",
    "DocumentTooLarge",
    "Finding",
    "FindingCode",
    "ImportProposal",
    "ImportSource",
    "Limits",
    "Location",
    "ProposedActivity",
    "ProposedSection",
    "SourceFormat",
    "UnreadableDocument",
    "propose",
    "read_document",
    "sniff_format",
]
