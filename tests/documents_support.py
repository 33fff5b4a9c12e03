"""Small files of each kind the document tests attach (made here, never downloaded)."""

from __future__ import annotations

import io
import zipfile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TEXT_BYTES = (
    "Protokollsutdrag § 12: nämnden godkänner planen. Åtgärder för ökad trygghet.\n".encode()
)


def docx_bytes() -> bytes:
    """A minimal Word package: what makes a ZIP a .docx is its `word/document.xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
