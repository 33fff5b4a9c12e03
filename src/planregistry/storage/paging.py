"""Keyset pagination in SQL: one statement per page, whatever the page number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from planregistry_domain.paging import CursorKey, check_limit, decode_cursor, encode_cursor

R = TypeVar("R")


class Keyset:
    """A collection's ordering: its columns (ascending, unique together) and cursor tag."""

    def __init__(self, collection: str, *columns: InstrumentedAttribute[Any]) -> None:
        self.collection = collection
        self.columns = columns
        self.shape = tuple(_python_type(c) for c in columns)

    def after(self, key: CursorKey) -> ColumnElement[bool]:
        """Rows strictly after `key`.

        Spelled out as `a > x OR (a = x AND b > y)` rather than a row-value comparison,
        so that every value binds with its own column's type on SQLite too.
        """
        clause: ColumnElement[bool] = self.columns[-1] > key[-1]
        for column, value in zip(reversed(self.columns[:-1]), reversed(key[:-1]), strict=True):
            clause = or_(column > value, and_(column == value, clause))
        return clause

    def fetch(
        self,
        session: Session,
        stmt: Select[R],
        *,
        key_of: Callable[[R], Sequence[Any]],
        limit: int | None,
        cursor: str | None,
    ) -> tuple[list[R], str | None]:
        """One page of `stmt`'s rows and the cursor to the next page (None on the last)."""
        check_limit(limit)
        if cursor is not None:
            stmt = stmt.where(self.after(decode_cursor(cursor, self.collection, self.shape)))
        stmt = stmt.order_by(*self.columns)
        if limit is not None:
            # One row more than asked tells whether another page follows.
            stmt = stmt.limit(limit + 1)
        rows = list(session.scalars(stmt))
        if limit is None or len(rows) <= limit:
            return rows, None
        rows = rows[:limit]
        return rows, encode_cursor(self.collection, key_of(rows[-1]))


def _python_type(column: InstrumentedAttribute[Any]) -> type:
    python_type: type = column.type.python_type
    return dt.datetime if issubclass(python_type, dt.datetime) else python_type
