"""PDF with a text layer through pdfplumber: headings by font size and weight, tables
by their ruling lines, running heads and page numbers dropped.

pdfplumber (on pdfminer.six) gives each character with its font and position, which is
what telling a heading from body text takes; its table finder reads ruled tables cell
by cell. A table continued on the next page is one table: a repeated header row is
dropped, and the rows join the table above. Encrypted and damaged files are refused as
`UnreadableDocument`; more pages than `Limits.max_pages` as `DocumentTooLarge`.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from statistics import median
from typing import Any

from planregistry.importing.document import Block, BlockKind, Document, Location, SourceFormat
from planregistry.importing.errors import DocumentTooLarge, UnreadableDocument
from planregistry.importing.limits import Limits
from planregistry.importing.text import SENTENCE_END, fold

_LIST_MARK = re.compile(r"^\s*(?:[-•–*▪●]|\d+[.)])\s+")
_PAGE_NUMBER = re.compile(r"^(?:sida\s+)?\d+(?:\s*(?:av|/)\s*\d+)?$", re.I)
_MARGIN = 0.07  # the top and bottom share of a page where running heads and feet stand


def read_pdf(data: bytes, *, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for encrypted or damaged files
        raise UnreadableDocument(_why(exc)) from None
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:
            raise UnreadableDocument(_why(exc)) from None
        if count > limits.max_pages:
            raise DocumentTooLarge(
                f"PDF-filen har {count} sidor; högst {limits.max_pages} kan importeras."
            )
        deadline = time.monotonic() + limits.max_pdf_seconds
        pages = []
        try:
            for number, page in enumerate(pdf.pages, start=1):
                if time.monotonic() > deadline:
                    raise DocumentTooLarge(
                        f"PDF-filen tog för lång tid att läsa (stannade på sida {number} av "
                        f"{count}, efter {limits.max_pdf_seconds:.0f} s)."
                    )
                pages.append(_read_page(page, number))
        except UnreadableDocument:
            raise
        except Exception as exc:
            raise UnreadableDocument(_why(exc)) from None
    if not any(lines or tables for lines, tables in pages):
        raise UnreadableDocument(
            "PDF-filen har inget textlager (en inskannad bild?); "
            "kör OCR först och importera texten."
        )
    repeated = _running_heads(pages)
    body_size = _body_size(pages)
    sizes = sorted(
        {
            round(line["size"])
            for lines, _ in pages
            for line in lines
            if line["size"] > body_size * 1.15
        },
        reverse=True,
    )
    blocks: list[Block] = []
    table_number = 0
    last_columns = 0
    for number, (lines, tables) in enumerate(pages, start=1):
        items: list[tuple[float, str, Any]] = [(line["top"], "line", line) for line in lines]
        items += [(table["top"], "table", table) for table in tables]
        items.sort(key=lambda item: item[0])
        paragraph: list[dict[str, Any]] = []
        for _top, kind, item in items:
            if kind == "line":
                if fold(item["text"]) in repeated or _PAGE_NUMBER.match(item["text"].strip()):
                    continue
                role = _line_role(item, body_size, sizes)
                if role is None and paragraph and _continues(paragraph[-1], item):
                    paragraph.append(item)
                    continue
                _flush(paragraph, blocks, number)
                paragraph = []
                if role is None:
                    paragraph = [item]
                else:
                    blocks.append(
                        Block(
                            kind=BlockKind.HEADING,
                            text=item["text"],
                            level=role,
                            location=Location(page=number, line=item["line"]),
                        )
                    )
                continue
            _flush(paragraph, blocks, number)
            paragraph = []
            rows = item["rows"]
            header = _is_header(rows[0]) if rows else False
            continues = bool(blocks) and blocks[-1].kind is BlockKind.TABLE_ROW
            if header and continues and [fold(c) for c in rows[0]] == _last_header(blocks):
                rows = rows[1:]  # the header repeated on a new page
                header = False
            if header or not continues or len(rows[0] if rows else []) != last_columns:
                table_number += 1
            for index, cells in enumerate(rows):
                if not any(cells):
                    continue
                blocks.append(
                    Block(
                        kind=BlockKind.TABLE_ROW,
                        text=" | ".join(cells),
                        cells=cells,
                        table=table_number,
                        header=header and index == 0,
                        location=Location(page=number, line=item["line"] + index),
                    )
                )
            last_columns = len(rows[0]) if rows else last_columns
        _flush(paragraph, blocks, number)
    return Document(format=SourceFormat.PDF, blocks=blocks, pages=len(pages))


def _why(exc: BaseException) -> str:
    # pdfplumber wraps pdfminer's exception: look at the whole chain.
    chain: list[BaseException] = [exc]
    while len(chain) < 5:
        nested = chain[-1].__cause__ or chain[-1].__context__
        nested = nested or next((a for a in chain[-1].args if isinstance(a, BaseException)), None)
        if nested is None:
            break
        chain.append(nested)
    name = " ".join(type(e).__name__ for e in chain)
    said = " ".join(str(e) for e in chain).casefold()
    if "Password" in name or "Encrypt" in name or "encrypt" in said or "password" in said:
        return (
            "PDF-filen är krypterad eller lösenordsskyddad; spara en olåst kopia och importera den."
        )
    return f"PDF-filen är skadad eller ingen PDF ({type(chain[-1]).__name__})."


def _read_page(page: Any, number: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = page.find_tables()
    boxes = [table.bbox for table in found]
    tables = [
        {
            "top": table.bbox[1],
            "line": 0,
            "rows": [
                [" ".join((c or "").split(" ")).strip() for c in row] for row in table.extract()
            ],
        }
        for table in found
    ]
    lines: list[dict[str, Any]] = []
    for index, line in enumerate(page.extract_text_lines(return_chars=True), start=1):
        middle = (line["top"] + line["bottom"]) / 2
        if any(x0 <= line["x0"] <= x1 and top <= middle <= bottom for x0, top, x1, bottom in boxes):
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        lines.append(
            {
                "text": " ".join(line["text"].split()),
                "top": line["top"],
                "bottom": line["bottom"],
                "x0": line["x0"],
                "size": median(c["size"] for c in chars),
                "bold": all("bold" in c["fontname"].casefold() for c in chars),
                "line": index,
                "page_height": page.height,
            }
        )
    for table in tables:
        table["line"] = 1 + sum(1 for line in lines if line["top"] < table["top"])
    return lines, tables


def _running_heads(pages: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> set[str]:
    """Text in the top or bottom margin that recurs on most pages (digits ignored)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines, _ in pages:
        seen = set()
        for line in lines:
            height = line["page_height"]
            if line["top"] < height * _MARGIN or line["bottom"] > height * (1 - _MARGIN):
                seen.add(re.sub(r"\d+", "#", fold(line["text"])))
        counts.update(seen)
    recurring = {text for text, n in counts.items() if n >= max(3, len(pages) // 2)}
    result = set()
    for lines, _ in pages:
        for line in lines:
            if re.sub(r"\d+", "#", fold(line["text"])) in recurring:
                result.add(fold(line["text"]))
    return result


def _body_size(pages: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> float:
    weights: Counter[float] = Counter()
    for lines, _ in pages:
        for line in lines:
            weights[round(line["size"], 1)] += len(line["text"])
    return weights.most_common(1)[0][0] if weights else 10.0


def _line_role(line: dict[str, Any], body_size: float, sizes: list[int]) -> int | None:
    """The heading level of a line (0 for the largest type on the first page's top),
    or None for body text."""
    text = line["text"]
    if len(text) > 120 or text.endswith((*SENTENCE_END[:1], ",", ";")):
        return None
    if line["size"] > body_size * 1.15:
        return sizes.index(round(line["size"])) + 1 if round(line["size"]) in sizes else 1
    if line["bold"] and not _LIST_MARK.match(text):
        return len(sizes) + 1
    return None


def _continues(previous: dict[str, Any], line: dict[str, Any]) -> bool:
    gap = line["top"] - previous["bottom"]
    height = previous["bottom"] - previous["top"]
    return 0 <= gap <= height * 0.9 and not _LIST_MARK.match(line["text"])


def _flush(lines: list[dict[str, Any]], blocks: list[Block], page: int) -> None:
    if not lines:
        return
    text = ""
    for line in lines:
        part = line["text"]
        if text.endswith("-") and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}".strip()
    kind = BlockKind.LIST_ITEM if _LIST_MARK.match(text) else BlockKind.PARAGRAPH
    if kind is BlockKind.LIST_ITEM:
        text = _LIST_MARK.sub("", text)
    blocks.append(Block(kind=kind, text=text, location=Location(page=page, line=lines[0]["line"])))


def _is_header(cells: list[str]) -> bool:
    folded = " ".join(fold(c) for c in cells).split()
    cues = {
        "aktivitet",
        "aktiviteter",
        "atgard",
        "atgarder",
        "ansvarig",
        "samverkan",
        "uppfoljning",
    }
    return len(cues & set(folded)) >= 2


def _last_header(blocks: list[Block]) -> list[str]:
    for block in reversed(blocks):
        if block.kind is BlockKind.TABLE_ROW and block.header:
            return [fold(c) for c in block.cells]
    return []
