"""Word (.docx) through python-docx: headings by style and numbering, tables as tables.

A .docx is a zip, so its members are checked before python-docx unpacks anything: their
number, each one's unpacked size and the total (a zip bomb is refused, not inflated).
A .docx has no pages until Word lays it out, so a block's `line` counts the body's
paragraphs and table rows from 1 and `page` stays empty.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from planregistry.importing.document import Block, BlockKind, Document, Location, SourceFormat
from planregistry.importing.errors import DocumentTooLarge, UnreadableDocument
from planregistry.importing.limits import Limits

_HEADING_STYLE = re.compile(r"^(?:heading|rubrik)\s*(\d)$", re.I)
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")
_LIST_MARK = re.compile(r"^\s*[-•–*]\s+")


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a Word document or would unpack beyond the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableDocument(f"Word-filen är skadad: {exc}.") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise DocumentTooLarge(
                f"Word-filen har {len(members)} delar; högst {limits.max_members}."
            )
        total = 0
        for member in members:
            if member.file_size > limits.max_member_bytes:
                raise DocumentTooLarge(
                    f"Word-filens del {member.filename!r} packas upp till {member.file_size} "
                    f"byte; högst {limits.max_member_bytes} (en zip-bomb?)."
                )
            total += member.file_size
        if total > limits.max_unpacked_bytes:
            raise DocumentTooLarge(
                f"Word-filen packas upp till {total} byte; högst {limits.max_unpacked_bytes}."
            )
        if "word/document.xml" not in archive.namelist():
            raise UnreadableDocument("Zip-filen är inget Word-dokument (word/document.xml saknas).")


def read_docx(data: bytes, *, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    check_zip(data, limits)
    import docx

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        raise UnreadableDocument(f"Word-filen kan inte läsas: {exc}.") from None
    try:
        return _read_body(word, limits)
    except DocumentTooLarge:
        raise
    except Exception as exc:  # a damaged part found while reading the body
        raise UnreadableDocument(f"Word-filen kan inte läsas: {exc}.") from None


def _read_body(word: Any, limits: Limits) -> Document:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    tables = 0
    chars = 0
    line = 0
    for item in word.iter_inner_content():
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            line += 1
            if not text:
                continue
            chars += len(text)
            blocks.append(_paragraph_block(item, text, Location(line=line)))
        elif isinstance(item, Table):
            tables += 1
            for index, row in enumerate(item.rows):
                line += 1
                cells = _cells(row)
                if not any(cells):
                    continue
                chars += sum(len(c) for c in cells)
                blocks.append(
                    Block(
                        kind=BlockKind.TABLE_ROW,
                        text=" | ".join(cells),
                        cells=cells,
                        table=tables,
                        header=index == 0,
                        location=Location(line=line),
                    )
                )
        if chars > limits.max_text_chars:
            raise DocumentTooLarge(
                f"Word-filen har mer än {limits.max_text_chars} tecken text; det är för mycket."
            )
    return Document(format=SourceFormat.DOCX, blocks=blocks, pages=None)


def _cells(row: Any) -> list[str]:
    """A row's cells, a cell merged across columns once."""
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append("\n".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
    return cells


def _paragraph_block(paragraph: Any, text: str, location: Location) -> Block:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.casefold() in ("title", "rubrik"):
        return Block(kind=BlockKind.HEADING, text=text, level=0, location=location)
    match = _HEADING_STYLE.match(style)
    if match:
        return Block(
            kind=BlockKind.HEADING, text=text, level=int(match.group(1)), location=location
        )
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if "list" in style.casefold() or "lista" in style.casefold() or numbered:
        return Block(kind=BlockKind.LIST_ITEM, text=_LIST_MARK.sub("", text), location=location)
    if _LIST_MARK.match(text):
        return Block(kind=BlockKind.LIST_ITEM, text=_LIST_MARK.sub("", text), location=location)
    runs = [r for r in paragraph.runs if r.text.strip()]
    if (
        runs
        and all(r.bold for r in runs)
        and len(text) <= 100
        and not text.endswith((".", ":", ","))
    ):
        # A bold line of its own is a heading; a numbered one ("3. Lokalt BRÅ") says its level.
        level = text.split()[0].count(".") if _NUMBERED.match(text) else None
        return Block(kind=BlockKind.HEADING, text=text, level=level or None, location=location)
    return Block(kind=BlockKind.PARAGRAPH, text=text, location=location)
