"""Keyset pagination: a page of a collection and an opaque cursor to the next one.

A cursor holds the ordering key of the last item returned (base64 of a small JSON
array), so a walk through a collection neither skips nor repeats rows when others
are inserted meanwhile, and costs the same on page 1000 as on page 1.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

import msgspec
from msgspec import Struct, field

from planregistry_domain.errors import FieldError, ValidationError

T = TypeVar("T")

MAX_LIMIT = 500
CursorKey = tuple[Any, ...]


class Page(Struct, Generic[T], kw_only=True):
    """Items in the collection's order; `next_cursor` is null on the last page.

    A page iterates over its items and has their length, so code that treated the
    former plain lists (`(plan,) = registry.list_plans(org)`) keeps working.
    """

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def check_limit(limit: int | None) -> None:
    """`None` means the whole collection (library callers); otherwise 1…MAX_LIMIT."""
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            f"limit måste vara mellan 1 och {MAX_LIMIT}.",
            [FieldError(path="limit", message=f"Expected 1 <= limit <= {MAX_LIMIT}")],
        )


def utc_instant(value: dt.datetime | None, name: str = "modified_since") -> dt.datetime | None:
    """An aware instant in UTC; a time without a zone is ambiguous and refused."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"{name} måste ange tidszon (RFC 3339, t.ex. 2018-03-01T00:00:00Z).",
            [FieldError(path=name, message="Expected a date-time with a time zone offset")],
        )
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        # Valid RFC 3339 whose instant falls outside years 1–9999 in UTC (such as
        # 0001-01-01T00:00:00+14:00): before or after every stored time, so the ends of
        # the range answer the same.
        return _EARLIEST if value.year == dt.MINYEAR else _LATEST


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)
# Integers both databases can bind (SQLite and PostgreSQL `bigint`); no key of ours is larger.
_KEY_INT_RANGE = range(-(2**63), 2**63)


def encode_cursor(collection: str, key: Sequence[Any]) -> str:
    payload = msgspec.json.encode([collection, *key])
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, collection: str, shape: tuple[type, ...]) -> CursorKey:
    """The key a cursor of `collection` holds, typed as `shape`; anything else is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tag, *key = msgspec.json.decode(raw, type=list[Any])
        if tag != collection:
            raise ValueError(tag)
        values = msgspec.convert(key, tuple.__class_getitem__(shape))
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise ValueError("NUL")  # PostgreSQL text cannot hold it; no key of ours has it.
        if any(isinstance(v, int) and v not in _KEY_INT_RANGE for v in values):
            raise ValueError("out of range")
    except (binascii.Error, ValueError, UnicodeDecodeError, msgspec.MsgspecError):
        raise ValidationError(
            "Ogiltig cursor; använd next_cursor från föregående sida.",
            [FieldError(path="cursor", message="Not a cursor of this collection")],
        ) from None
    return tuple(v.astimezone(dt.UTC) if isinstance(v, dt.datetime) else v for v in values)
