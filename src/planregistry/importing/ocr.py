"""Plain text from OCR: blocks recovered from layout, Swedish letters restored.

What the layout tells: a blank line ends a block; a line that starts with a space after
text opens a new page (as OCR tools lay out pages); a short line that ends a block
without a full stop, or whose break came before the next word would have filled it, is
a heading; "- " or "• " starts a list item; a line naming two or more column headings
("Aktiviteter…", "Ansvarig", "Samverkan", "Uppföljning") starts an activity table, read
row by row by `planregistry.importing.ocr_table` until running text takes over again.
"""

from __future__ import annotations

import re
import time

from msgspec import Struct

from planregistry.importing.document import (
    Block,
    BlockKind,
    Document,
    Location,
    Restoration,
    SourceFormat,
)
from planregistry.importing.limits import Limits, check_text_size
from planregistry.importing.ocr_table import is_table_header, read_table
from planregistry.importing.swedish import restore_text
from planregistry.importing.text import OPEN_WORDS, SENTENCE_END, fold, is_actor_word

_LIST_MARK = re.compile(r"^\s*(?:[-•–*]|\d+[.)])\s+")
_MAX_HEADING = 80


class Line(Struct, kw_only=True):
    text: str  # restored
    original: str
    location: Location

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def read_ocr_text(data: bytes | str, *, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    text = data if isinstance(data, str) else _decode(data, limits)
    check_text_size(text, limits)
    lines, unrestored = _lines(text, limits)
    blocks: list[Block] = []
    notes: list[tuple[Location, str]] = []
    table_count = 0
    known: list[list[str]] = []
    index = 0
    pending: list[Line] = []

    def flush() -> None:
        blocks.extend(_text_blocks(pending))
        pending.clear()

    while index < len(lines):
        line = lines[index]
        if is_table_header(line.text):
            flush()
            table_count += 1
            rows, index, table_notes, known = read_table(lines, index, table_count, known)
            blocks.extend(rows)
            notes.extend(table_notes)
            continue
        if line.blank:
            flush()
        elif pending and _page_break_starts_block(pending[-1], line):
            flush()
            pending.append(line)
        else:
            pending.append(line)
        index += 1
    flush()
    pages = max((line.location.page or 1 for line in lines), default=1)
    return Document(
        format=SourceFormat.OCR_TEXT,
        blocks=_join_broken_headings(blocks),
        pages=pages,
        notes=notes,
        unrestored_from=unrestored,
    )


def _decode(data: bytes, limits: Limits) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _lines(text: str, limits: Limits) -> tuple[list[Line], Location | None]:
    """The lines with their page, restored; and where restoring stopped, if it did."""
    result: list[Line] = []
    deadline = time.monotonic() + limits.max_restore_seconds
    stopped: Location | None = None
    page = 1
    seen_text = False
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        elif raw[:1] == " " and raw.strip() and seen_text:
            page += 1  # OCR tools start each page's text with a space
        seen_text = seen_text or bool(raw.strip())
        if page > limits.max_pages:
            break
        stripped = raw.strip()
        location = Location(page=page, line=number)
        if stopped is None and stripped and time.monotonic() > deadline:
            stopped = location
        restored = stripped if stopped is not None else restore_text(stripped)
        result.append(Line(text=restored, original=stripped, location=location))
    return result, stopped


def _page_break_starts_block(previous: Line, line: Line) -> bool:
    new_page = (line.location.page or 0) > (previous.location.page or 0)
    return (
        new_page and previous.text.rstrip().endswith(SENTENCE_END) and line.text[:1].isupper()
    ) or (
        bool(_LIST_MARK.match(line.original))
        and not bool(_LIST_MARK.match(previous.original))
        and previous.text.rstrip().endswith((*SENTENCE_END, ":"))
    )


def _text_blocks(lines: list[Line]) -> list[Block]:
    """One run of lines between blank lines: a heading, list items, paragraphs."""
    if not lines:
        return []
    width = max(len(line.text) for line in lines)
    blocks: list[Block] = []
    current: list[Line] = []
    kind = BlockKind.PARAGRAPH

    def emit() -> None:
        if current:
            blocks.append(_block(kind, current))
            current.clear()

    for position, line in enumerate(lines):
        if _LIST_MARK.match(line.original):
            emit()
            kind = BlockKind.LIST_ITEM
            current.append(line)
            continue
        if position == 0 and _is_heading_line(lines, width):
            blocks.append(_block(BlockKind.HEADING, [line]))
            continue
        if (
            position == 1
            and blocks
            and blocks[-1].kind is BlockKind.HEADING
            and (lines[0].text.split()[-1].casefold() in OPEN_WORDS and _heading_like(line.text))
        ):
            heading = blocks.pop()
            blocks.append(_block(BlockKind.HEADING, [lines[0], line]))
            del heading
            continue
        if kind is BlockKind.LIST_ITEM and not current:
            kind = BlockKind.PARAGRAPH
        current.append(line)
    emit()
    if len(lines) <= 2 and len(blocks) == 1 and blocks[0].kind is BlockKind.PARAGRAPH:
        only = blocks[0]
        if _heading_like(only.text) and len(only.text) <= _MAX_HEADING:
            only.kind = BlockKind.HEADING
    return blocks


def _is_heading_line(lines: list[Line], width: int) -> bool:
    first = lines[0].text
    if not _heading_like(first):
        return False
    if len(lines) == 1:
        return True
    following = lines[1].text
    if not following[:1].isupper() or first.split()[-1].casefold() in OPEN_WORDS:
        return False
    # The break came early: the next word would have fitted on the line.
    return len(first) + 1 + len(following.split()[0]) <= width


def _heading_like(text: str) -> bool:
    stripped = text.strip()
    tokens = stripped.split()
    return (
        bool(tokens)
        and stripped[:1].isupper()
        and not stripped.endswith((*SENTENCE_END, ",", ";"))
        and len(tokens) <= 10
        and len(stripped) <= _MAX_HEADING
        and not (len(tokens) == 1 and is_actor_word(tokens[0]) and False)
    )


def _block(kind: BlockKind, lines: list[Line]) -> Block:
    texts = [
        _LIST_MARK.sub("", line.text) if kind is BlockKind.LIST_ITEM else line.text
        for line in lines
    ]
    originals = [line.original for line in lines]
    text = _join(texts)
    original = _join(originals)
    restorations = (
        [Restoration(location=lines[0].location, original=original, restored=text)]
        if any(line.text != line.original for line in lines)
        else []
    )
    return Block(kind=kind, text=text, location=lines[0].location, restorations=restorations)


def _join(parts: list[str]) -> str:
    """Lines joined into one text; a word hyphenated across a line break is mended."""
    text = ""
    for part in parts:
        part = part.strip()
        if not text:
            text = part
        elif text.endswith("-") and part[:1].islower() and not text.endswith(" -"):
            text = text[:-1] + part
        else:
            text = f"{text} {part}"
    return text


def _join_broken_headings(blocks: list[Block]) -> list[Block]:
    """A heading broken after an open word ("… extremistmiljöer i" / "Sverige")."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.kind is BlockKind.HEADING
            and block.kind is BlockKind.HEADING
            and previous.text.split()[-1].casefold() in OPEN_WORDS
        ):
            previous.text = f"{previous.text} {block.text}"
            previous.restorations.extend(block.restorations)
            continue
        result.append(block)
    return result


__all__ = ["fold", "read_ocr_text"]
