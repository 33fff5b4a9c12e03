"""What every use case shares: sessions with one explicit commit, input checking."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planregistry.domain.programme import Programme
from planregistry.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationError
from planregistry.storage.engine import writer
from planregistry.storage.tables import ProgrammeRow

C = TypeVar("C", bound=msgspec.Struct)

_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.S)


def coerce(command_type: type[C], data: C | Mapping[str, Any]) -> C:
    """Validate a command (a struct or a plain mapping) against its type and constraints.

    A struct built in Python skips msgspec's constraint checks, so it is round-tripped
    through builtins to apply them; every failure becomes `ValidationError`.
    """
    raw = msgspec.to_builtins(data) if isinstance(data, msgspec.Struct) else data
    try:
        return msgspec.convert(raw, command_type)
    except msgspec.ValidationError as exc:
        raise validation_error(exc) from None


def validation_error(exc: msgspec.ValidationError) -> ValidationError:
    match = _PATH.match(str(exc))
    message = match.group("message") if match else str(exc)
    path = (match.group("path") if match else None) or "$"
    return ValidationError(
        f"Ogiltiga uppgifter: {message} ({path}).", [FieldError(path=path, message=message)]
    )


def check_version(entity: str, key: object, expected: int | None, current: int) -> None:
    """Optimistic concurrency: a write carrying a stale version is refused."""
    if expected is not None and expected != current:
        raise StaleVersion(entity, key, expected, current)


class RegistryBase:
    """Owns the engine; each use case runs in one transaction that commits only on success."""

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def now(self) -> dt.datetime:
        return self._clock()

    def today(self) -> dt.date:
        return self.now().date()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError as exc:
            raise Conflict(
                "Uppgifterna krockar med det som redan finns "
                "(en dubblett eller en saknad referens)."
            ) from exc

    @staticmethod
    def _programme(session: Session, programme_id: str) -> Programme:
        row = session.scalars(
            select(ProgrammeRow).where(ProgrammeRow.id == programme_id)
        ).one_or_none()
        if row is None:
            raise NotFound("Programmet", programme_id)
        return msgspec.convert(row.definition, Programme)
