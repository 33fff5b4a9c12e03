"""Bounds on what an import reads, so that no file can exhaust time or memory."""

from __future__ import annotations

from msgspec import Struct

from planregistry.importing.errors import DocumentTooLarge


class Limits(Struct, frozen=True, kw_only=True):
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 150
    # Text read from a file; plans run to some 100 000 characters (the seed: 24 000).
    max_text_chars: int = 500_000
    # A .docx is a zip: no member may unpack beyond this, nor all of them together.
    max_member_bytes: int = 50 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_members: int = 2000
    # Restoring Swedish letters in OCR text stops after this long (the seed: 2–3 s); the
    # rest stays as read, and a finding says from which line.
    max_restore_seconds: float = 20.0
    # Reading a PDF's pages stops with DocumentTooLarge after this long (checked per page).
    max_pdf_seconds: float = 60.0


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(
            f"Filen är {len(data)} byte; högst {limits.max_bytes} byte kan importeras."
        )


def check_text_size(text: str, limits: Limits) -> None:
    if len(text) > limits.max_text_chars:
        raise DocumentTooLarge(
            f"Texten har {len(text)} tecken; högst {limits.max_text_chars} kan importeras."
        )
