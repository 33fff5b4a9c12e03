"""The neutral document model every reader produces: blocks in reading order.

A block is a heading, a paragraph, a list item or a table row, with where it stood in
the source (page and line, both from 1) so that a finding can point back to it. The
recogniser (`planregistry.importing.recognise`) sees only this model, never a format.
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct, field

from planregistry_domain.imports import Location as Location
from planregistry_domain.imports import Restoration as Restoration
from planregistry_domain.imports import SourceFormat as SourceFormat


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


class Block(Struct, kw_only=True):
    kind: BlockKind
    text: str = ""
    # Headings: 1 for the document's top level, 2 below it… (None: not known).
    level: int | None = None
    # Table rows: the cells, left to right; `table` numbers the tables of the document.
    cells: list[str] = field(default_factory=list)
    table: int | None = None
    header: bool = False
    location: Location = field(default_factory=Location)
    restorations: list[Restoration] = field(default_factory=list)


class Document(Struct, kw_only=True):
    format: SourceFormat
    blocks: list[Block]
    pages: int | None = None
    # What a reader could not use, in its own words (found by the reader, not the
    # recogniser): text outside the columns of a table, an unreadable page…
    notes: list[tuple[Location, str]] = field(default_factory=list)
    # OCR text: where restoring Swedish letters stopped for time (`Limits`), if it did.
    unrestored_from: Location | None = None
