"""How a domain struct is stored in a table: its fields, read and written by column name.

A field is stored when the table has a column of the same name (or the name given in
`renamed`); everything else about the struct (child lists, derived values) is passed
in by the aggregate's module. So a new optional field needs its struct field, its
command field and its column, and nothing here or in the readers and writers changes.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import msgspec
from msgspec import UNSET
from sqlalchemy import JSON, Boolean, ColumnElement, DateTime

from planregistry.storage.tables import Base

S = TypeVar("S", bound=msgspec.Struct)
R = TypeVar("R", bound=Base)


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def instant(value: dt.datetime | str) -> dt.datetime:
    """A stored instant, as a row or a JSON document gives it, in UTC."""
    return utc(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value))


class RowMap(Generic[S, R]):
    """The fields of `struct` that `table` stores, each under its column's name."""

    def __init__(
        self, struct: type[S], table: type[R], *, renamed: Mapping[str, str] | None = None
    ) -> None:
        self.struct = struct
        self.table = table
        columns = table.__table__.columns
        renamed = renamed or {}
        self.columns: dict[str, str] = {}  # field → column
        for name in struct.__struct_fields__:
            column = renamed.get(name, name)
            if column in columns:
                self.columns[name] = column
        self._instants = tuple(
            f for f, c in self.columns.items() if isinstance(columns[c].type, DateTime)
        )
        # SQLite keeps booleans as 0/1, which a JSON document gives as numbers.
        self._booleans = tuple(
            f for f, c in self.columns.items() if isinstance(columns[c].type, Boolean)
        )
        self._json = frozenset(
            c for c in self.columns.values() if isinstance(columns[c].type, JSON)
        )

    def selected(self, prefix: str = "") -> list[ColumnElement[Any]]:
        """The stored columns, labelled `prefix + field`, for reading rows by name."""
        return [
            getattr(self.table, column).label(prefix + name)
            for name, column in self.columns.items()
        ]

    def json_columns(self) -> list[tuple[str, Any, bool]]:
        """(field, column, is JSON) per stored field, for building JSON documents."""
        return [
            (name, getattr(self.table, column), column in self._json)
            for name, column in self.columns.items()
        ]

    def read(self, row: R, parts: Mapping[str, Any] | None = None) -> S:
        """The struct of an ORM row; `parts` gives the fields stored elsewhere."""
        values = {name: getattr(row, column) for name, column in self.columns.items()}
        return self.build(values, parts)

    def read_labelled(
        self, row: Mapping[Any, Any], prefix: str, parts: Mapping[str, Any] | None = None
    ) -> S:
        """The struct of a Core row selected with `selected(prefix)`."""
        return self.build({name: row[prefix + name] for name in self.columns}, parts)

    def build(self, values: dict[str, Any], parts: Mapping[str, Any] | None = None) -> S:
        """The struct from its stored values by field name (a row's or a JSON document's)."""
        for name in self._instants:
            value = values.get(name)
            if value is not None:
                values[name] = instant(value)
        for name in self._booleans:
            if name in values:
                values[name] = bool(values[name])
        if parts:
            values.update(parts)
        return msgspec.convert(values, self.struct)

    def stored(self, source: msgspec.Struct, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
        """The column values of the stored fields `source` sets (a struct of this type, or
        a command naming some of its fields); fields an update leaves unset are absent."""
        skipped = frozenset(exclude)
        values: dict[str, Any] = {}
        for name, column in self.columns.items():
            value = getattr(source, name, UNSET)
            if value is not UNSET and name not in skipped:
                values[column] = self._stored(column, value)
        return values

    def new_row(self, source: msgspec.Struct | None = None, /, **values: Any) -> R:
        """A row of the stored fields `source` sets, with `values` (by field name, or by
        relationship) over them: what the server owns, such as ids, versions and times."""
        row = {} if source is None else self.stored(source)
        for name, value in values.items():
            column = self.columns.get(name)
            row[column or name] = value if column is None else self._stored(column, value)
        return self.table(**row)

    def _stored(self, column: str, value: Any) -> Any:
        if column in self._json:
            return msgspec.to_builtins(value)
        return value.value if isinstance(value, enum.Enum) else value
