"""Reusable field constraints for wire and domain types."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

Slug = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=63,
        pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$",
        description="Lowercase identifier: letters a–z, digits, '-' or '_' between them.",
    ),
]
# Text holds no U+0000 (PostgreSQL text cannot store it), and a name or short text some
# character that is not white space. Spelled so that Python's `re` (which checks it) and
# JSON Schema's ECMA-262 regexes (which clients read in the OpenAPI document) agree: their
# `\s` differ in U+001C–U+001F and U+0085 (space to Python) and U+FEFF (space to ECMA).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85\ufeff][^\x00]*$"
Name = Annotated[str, Meta(min_length=1, max_length=300, pattern=NOT_BLANK)]
ShortText = Annotated[str, Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]
LongText = Annotated[str, Meta(max_length=200_000, pattern=NO_NUL)]
FilledLongText = Annotated[str, Meta(min_length=1, max_length=200_000, pattern=NOT_BLANK)]
Year = Annotated[int, Meta(ge=2000, le=2100)]
Count = Annotated[int, Meta(ge=0, le=1_000_000)]
Period = Annotated[
    str,
    Meta(
        pattern=r"^\d{4}-(T1|T2|VB)$",
        description="Reporting period: year and T1 (tertialrapport 1), T2 or VB "
        "(verksamhetsberättelse), e.g. '2018-T1'.",
    ),
]

# Item caps of the lists a command carries: far above any real plan (Stockholm's plans
# name at most a dozen partners per activity), low enough that one body cannot make
# every read of a revision slow or a comparison export unwritable.
MAX_LIST_ITEMS = 50
MAX_CASE_NUMBERS = 20
MAX_SECTIONS = 100
MAX_SURVEY_ANSWERS = 200
MAX_POLICE_ASSESSMENTS = 100
MAX_COORDINATORS = 20

NameList = Annotated[list[Name], Meta(max_length=MAX_LIST_ITEMS)]
SlugList = Annotated[list[Slug], Meta(max_length=MAX_LIST_ITEMS)]
TextList = Annotated[list[ShortText], Meta(max_length=MAX_LIST_ITEMS)]
CaseNumbers = Annotated[list[ShortText], Meta(max_length=MAX_CASE_NUMBERS)]
SectionOrder = Annotated[list[Slug], Meta(max_length=MAX_SECTIONS)]
