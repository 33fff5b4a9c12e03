"""An activity table flattened by OCR, read back row by row.

OCR gives the table's cells line by line, left to right, with the columns' words run
together: "Stärka tilliten till Stadsdelsförvaltningen Uppföljning i". Each line is
split into the columns title → responsible and partners → follow-up (→ text beside
the table) by what the words are: a title is sentence case, actors are capitalised
organisation names, a follow-up cell opens with "Uppföljning"/"Enligt" and runs on
with words that recur at the same place in other rows. A row starts where a new
capitalised title starts after the previous row has its actors.

Two passes: the first reads the follow-up cells by these rules; the follow-up texts
that recur are then known phrases, and the second pass uses them to take a follow-up's
continuation off the end of a line of lower-case title text ("polisen vid misstankar
om samverkansavtal") and to tell the follow-up from text printed beside the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec import Struct, field

from planregistry.importing.document import Block, BlockKind, Location, Restoration
from planregistry.importing.swedish import frequencies
from planregistry.importing.text import (
    FOLLOW_UP_STARTS,
    OPEN_WORDS,
    SENTENCE_END,
    fold,
    is_acronym,
    is_actor_word,
    starts_upper,
)

if TYPE_CHECKING:
    from planregistry.importing.ocr import Line

_HEADER_CUES = frozenset(
    {"aktivitet", "aktiviteter", "atgard", "atgarder", "ansvarig", "samverkan", "uppfoljning"}
)
_PARAGRAPH_WIDTH = 50


def is_table_header(text: str) -> bool:
    """A line that opens with a column heading and names another one."""
    folded = fold(text).split()
    return (
        bool(folded)
        and folded[0] in _HEADER_CUES
        and len(_HEADER_CUES & set(folded)) >= 2
        and not text.rstrip().endswith(SENTENCE_END)
    )


class _Row(Struct, kw_only=True):
    location: Location
    title: list[str] = field(default_factory=list)
    actors: list[list[str]] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def has_cells(self) -> bool:
        return bool(self.actors or self.follow)


def read_table(
    lines: Sequence[Line], start: int, table: int, known_before: Sequence[list[str]] = ()
) -> tuple[list[Block], int, list[tuple[Location, str]], list[list[str]]]:
    """The table whose header is at `start`: its header and rows as blocks, the index
    of the first line after it, notes on text that stood beside it, and the follow-up
    phrases known so far (those of earlier tables of the document included)."""
    header_lines, body_start = _header(lines, start)
    end = _table_end(lines, body_start)
    body = [line for line in lines[body_start:end] if not line.blank]
    known = _known_follow_ups(_read_rows(body, ()), known_before)
    rows = _merge_orphans(_read_rows(body, known))
    header_text = " ".join(line.text for line in header_lines)
    blocks = [
        Block(
            kind=BlockKind.TABLE_ROW,
            header=True,
            table=table,
            text=header_text,
            cells=[header_text],
            location=header_lines[0].location,
        )
    ]
    notes: list[tuple[Location, str]] = []
    for row in rows:
        title = _join(row.title)
        actors = [_join(a) for a in row.actors if _plausible_actor(a)]
        rejected = [_join(a) for a in row.actors if not _plausible_actor(a)]
        cells = [title, actors[0] if actors else "", "; ".join(actors[1:]), _join(row.follow)]
        originals = " / ".join(line.original for line in row.lines)
        restored = " / ".join(line.text for line in row.lines)
        blocks.append(
            Block(
                kind=BlockKind.TABLE_ROW,
                table=table,
                text=" | ".join(cells),
                cells=cells,
                location=row.location,
                restorations=(
                    [Restoration(location=row.location, original=originals, restored=restored)]
                    if originals != restored
                    else []
                ),
            )
        )
        beside = " ".join(rejected + row.overflow).strip(" .")
        if beside:
            notes.append((row.location, f"Text bredvid tabellen: {beside}"))
    return blocks, end, notes, known


def _header(lines: Sequence[Line], start: int) -> tuple[list[Line], int]:
    header = [lines[start]]
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if line.blank:
            index += 1
            continue
        first = line.text.split()[0]
        if first[:1].islower() or fold(line.text) in _HEADER_CUES:
            header.append(line)
            index += 1
            continue
        break
    return header, index


def _table_end(lines: Sequence[Line], start: int) -> int:
    """Where running text takes over: a heading followed by a paragraph, or three
    full-width lines in a row that name no actor."""
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.blank and _starts_paragraph_run(lines, index):
            return index
        if not line.blank and _is_heading_before_text(lines, index):
            return index
        index += 1
    return index


def _plain_long(line: Line) -> bool:
    tokens = line.text.split()
    return (
        len(line.text) >= _PARAGRAPH_WIDTH
        and "|" not in tokens
        and not any(starts_upper(t) and is_actor_word(t) for t in tokens)
    )


def _starts_paragraph_run(lines: Sequence[Line], index: int) -> bool:
    run = lines[index : index + 3]
    return len(run) == 3 and all(not line.blank and _plain_long(line) for line in run)


def _is_heading_before_text(lines: Sequence[Line], index: int) -> bool:
    line = lines[index]
    tokens = line.text.split()
    if not tokens or not starts_upper(tokens[0]) or len(tokens) > 8:
        return False
    if any(is_actor_word(t) or is_acronym(t) for t in tokens) or line.text.endswith(SENTENCE_END):
        return False
    following = [candidate for candidate in lines[index + 1 : index + 3] if not candidate.blank]
    return bool(following) and _plain_long(following[0]) and lines[index + 1].blank


def _read_rows(body: Sequence[Line], known: Sequence[list[str]]) -> list[_Row]:
    rows: list[_Row] = []
    for line in body:
        tokens = line.text.split()
        current = rows[-1] if rows else None
        if current is None or (
            _starts_row(tokens, current, known)
            and (current.has_cells or any(is_actor_word(t) for t in tokens[1:]))
        ):
            current = _Row(location=line.location)
            rows.append(current)
        current.lines.append(line)
        _split_line(tokens, current, known)
    return rows


def _starts_row(tokens: list[str], row: _Row, known: Sequence[list[str]]) -> bool:
    first = tokens[0]
    if not starts_upper(first) or first == "|":
        return False
    if is_actor_word(first) or _is_follow_start(first):
        return False
    if is_acronym(first) and _follow_open(row, known):
        return False
    return not (len(tokens) > 1 and is_actor_word(tokens[1]) and not tokens[1][:1].isupper())


def _is_follow_start(token: str) -> bool:
    return fold(token) in {fold(word) for word in FOLLOW_UP_STARTS}


def _expected(row: _Row, known: Sequence[list[str]]) -> list[str] | None:
    """The rest of the known follow-up phrase the row's follow-up has begun, if any."""
    have = [fold(t) for t in row.follow]
    if not have:
        return None
    for phrase in known:
        folded = [fold(t) for t in phrase]
        if folded[: len(have)] == have and len(folded) > len(have):
            return phrase[len(have) :]
    return None


def _follow_open(row: _Row, known: Sequence[list[str]]) -> bool:
    """Whether the row's follow-up cell may run on: with known phrases, while it is one
    of them begun; before they are known, whenever it has begun (the follow-up column
    is the rightmost, so lower-case words after the other columns are its own)."""
    if not row.follow:
        return False
    if known:
        return _expected(row, known) is not None
    return True


def _split_line(tokens: list[str], row: _Row, known: Sequence[list[str]]) -> None:
    """Assign one line's words to the row's columns, left to right."""
    expected = _expected(row, known) if known else None
    if expected:
        found = _find(tokens, expected)
        if found is not None:
            start, length = found
            _split_line(tokens[:start], row, ())
            row.follow.extend(tokens[start : start + length])
            row.overflow.extend(t for t in tokens[start + length :] if t != "|")
            return
    stage = 0  # 0 title, 1 actors, 2 follow-up, 3 beside the table
    for k, token in enumerate(tokens):
        following = tokens[k + 1] if k + 1 < len(tokens) else ""
        if token == "|":
            stage = max(stage, 1)
            continue
        if stage == 3:
            row.overflow.append(token)
            continue
        if _is_follow_start(token) and not (stage == 0 and k == 0 and not row.has_cells):
            if row.follow and known and _expected(row, known) is None:
                stage = 3
                row.overflow.append(token)
            else:
                stage = 2
                row.follow.append(token)
            continue
        if stage == 2:
            if (known and _expected(row, known) is None) or (
                known and fold(token) != fold((_expected(row, known) or [""])[0])
            ):
                stage = 3
                row.overflow.append(token)
            else:
                row.follow.append(token)
            continue
        upper = starts_upper(token)
        if upper and is_acronym(token) and _follow_open(row, known):
            stage = 2
            row.follow.append(token)
            continue
        if stage == 0:
            sentence_over = bool(row.title) and row.title[-1].endswith(SENTENCE_END) and k > 0
            if upper and (is_actor_word(token) or (k > 0 and is_actor_word(following))):
                stage = 1
                row.actors.append([token])
            elif upper and k > 0 and row.overflow:
                stage = 3
                row.overflow.append(token)
            elif sentence_over and not upper:
                stage = 2 if _follow_open(row, known) else 3
                (row.follow if stage == 2 else row.overflow).append(token)
            else:
                row.title.append(token)
            continue
        # stage 1: actors
        phrase = row.actors[-1] if row.actors else None
        if upper:
            if phrase is not None and not is_actor_word(phrase[-1]) and starts_upper(phrase[-1]):
                phrase.append(token)
            else:
                row.actors.append([token])
        elif (
            phrase is not None
            and not is_actor_word(phrase[-1])
            and (is_actor_word(token) or token.casefold() in OPEN_WORDS)
        ):
            phrase.append(token)
        elif _follow_open(row, known):
            stage = 2
            row.follow.append(token)
        else:
            stage = 3
            row.overflow.append(token)


def _find(tokens: list[str], expected: list[str]) -> tuple[int, int] | None:
    """The first place (not the line's start) where a prefix of `expected` stands."""
    folded = [fold(t) for t in tokens]
    want = [fold(t) for t in expected]
    for start in range(1, len(tokens)):
        length = 0
        while (
            start + length < len(tokens)
            and length < len(want)
            and folded[start + length] == want[length]
        ):
            length += 1
        if length:
            return start, length
    return None


def _known_follow_ups(rows: Sequence[_Row], before: Sequence[list[str]]) -> list[list[str]]:
    """Follow-up texts that recur in the table, and those of earlier tables; longest first."""
    counts = Counter(tuple(row.follow) for row in rows if len(row.follow) >= 2)
    phrases = [list(p) for p, n in counts.items() if n >= 2]
    phrases += [list(p) for p in before if list(p) not in phrases]
    return sorted(phrases, key=len, reverse=True)


def _merge_orphans(rows: list[_Row]) -> list[_Row]:
    """A "row" with neither actors nor follow-up is the previous row's title running on."""
    merged: list[_Row] = []
    for row in rows:
        if merged and not row.has_cells:
            previous = merged[-1]
            title = list(row.title)
            if title and starts_upper(title[0]) and not is_acronym(title[0]):
                lowered = title[0].lower()
                if lowered in frequencies():
                    title[0] = lowered
            previous.title.extend(title)
            previous.overflow.extend(row.overflow)
            previous.lines.extend(row.lines)
            continue
        merged.append(row)
    return merged


def _plausible_actor(phrase: list[str]) -> bool:
    last = phrase[-1].strip(".,;:").casefold()
    return bool(last) and last not in OPEN_WORDS and not phrase[-1].endswith("-")


def _join(tokens: list[str]) -> str:
    text = ""
    for token in tokens:
        if text.endswith("-") and token[:1].islower():
            text = text[:-1] + token
        else:
            text = f"{text} {token}" if text else token
    return text.strip()
