"""What every use case shares: sessions with one explicit commit, input checking."""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planregistry.domain.actor import Actor
from planregistry.domain.policy import Action, Scope, Verdict, judge
from planregistry.domain.programme import Programme
from planregistry.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from planregistry.storage.engine import writer
from planregistry.storage.tables import AuditRow, ProgrammeRow

C = TypeVar("C", bound=msgspec.Struct)

_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.S)


def coerce(command_type: type[C], data: C | Mapping[str, Any]) -> C:
    """Validate a command (a struct or a plain mapping) against its type and constraints.

    A struct built in Python skips msgspec's constraint checks, so it is round-tripped
    through builtins to apply them; every failure becomes `ValidationError`.
    """
    raw = msgspec.to_builtins(data) if isinstance(data, msgspec.Struct) else data
    try:
        command = msgspec.convert(raw, command_type)
    except msgspec.ValidationError as exc:
        raise _all_field_errors(command_type, raw, exc) from None
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the driver.
    nul_path = _path_of_nul(msgspec.to_builtins(command), "$")
    if nul_path is not None:
        message = "Texten innehåller ett otillåtet tecken (NUL)"
        raise ValidationError(
            f"Ogiltiga uppgifter: {message} ({nul_path}).",
            [FieldError(path=nul_path, message=message)],
        )
    return command


def _path_of_nul(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _path_of_nul(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _path_of_nul(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def validation_error(exc: msgspec.ValidationError) -> ValidationError:
    error = _field_error(exc)
    return ValidationError(f"Ogiltiga uppgifter: {error.message} ({error.path}).", [error])


def _all_field_errors(
    command_type: type[Any], raw: Any, first: msgspec.ValidationError
) -> ValidationError:
    """msgspec stops at the first bad field; name every one, each at its own path."""
    errors = field_errors(command_type, raw) or [_field_error(first)]
    listed = "; ".join(f"{e.message} ({e.path})" for e in errors)
    return ValidationError(f"Ogiltiga uppgifter: {listed}.", errors)


def field_errors(annotation: Any, raw: Any, path: str = "$") -> list[FieldError]:
    """Every field of `raw` that does not fit `annotation`: missing, unknown or invalid.

    Walks structs (field by field) and lists (item by item) so that one bad field does
    not hide the next; whatever cannot be split further (a constraint on the whole
    object, a union) is reported as msgspec reports it. Runs only once a conversion
    has failed, so valid input pays nothing for it.
    """
    try:
        msgspec.convert(raw, annotation)
    except msgspec.ValidationError as exc:
        whole = _field_error(exc, path)
    else:
        return []
    inner = _unwrapped(annotation)
    if isinstance(inner, type) and issubclass(inner, msgspec.Struct) and isinstance(raw, dict):
        errors: list[FieldError] = []
        known: set[str] = set()
        for field in msgspec.structs.fields(inner):
            known.add(field.encode_name)
            where = f"{path}.{field.encode_name}"
            if field.encode_name in raw:
                errors.extend(field_errors(field.type, raw[field.encode_name], where))
            elif field.required:
                message = f"Object missing required field `{field.encode_name}`"
                errors.append(FieldError(path=where, message=message))
        if inner.__struct_config__.forbid_unknown_fields:
            errors.extend(
                FieldError(path=f"{path}.{key}", message=f"Object contains unknown field `{key}`")
                for key in raw
                if key not in known
            )
        return errors or [whole]
    if get_origin(inner) is list and isinstance(raw, list):
        (item_type,) = get_args(inner)
        errors = [
            e for i, item in enumerate(raw) for e in field_errors(item_type, item, f"{path}[{i}]")
        ]
        return errors or [whole]
    return [whole]


def _unwrapped(annotation: Any) -> Any:
    """The type under `Annotated[...]` and `X | None` (None is valid on its own)."""
    if get_origin(annotation) is Annotated:
        return _unwrapped(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrapped(members[0])
    return annotation


def _field_error(exc: msgspec.ValidationError, base: str = "$") -> FieldError:
    """msgspec's error as a FieldError; its path (relative to `base`) names the field.

    msgspec reports an unknown or missing field at the object holding it; the field
    itself is the better path.
    """
    match = _PATH.match(str(exc))
    message = match.group("message") if match else str(exc)
    path = (match.group("path") if match else None) or "$"
    path = base + path[1:]
    named = _NAMED_FIELD.match(message)
    if named:
        path = f"{path}.{named['name']}"
    return FieldError(path=path, message=message)


_NAMED_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`")


def audit_change(command: msgspec.Struct | None = None, **context: Any) -> dict[str, Any]:
    """An audit entry's `change`: the applied command as JSON builtins (fields an update
    left unset are absent) plus context such as `before` (the replaced values)."""
    change: dict[str, Any] = {} if command is None else msgspec.to_builtins(command)
    change.update(msgspec.to_builtins(context))
    return change


def check_version(entity: str, key: object, expected: int | None, current: int) -> None:
    """Optimistic concurrency: a write carrying a stale version is refused."""
    if expected is not None and expected != current:
        raise StaleVersion(entity, key, expected, current)


# The transaction of `RegistryBase._all_or_nothing` in progress, if any, and its registry.
_unit_of_work: ContextVar[tuple[RegistryBase, Session] | None] = ContextVar(
    "planregistry_unit_of_work", default=None
)

# The HTTP layer sets this per request, so audit entries can be traced to their request.
_request_id: ContextVar[str | None] = ContextVar("planregistry_request_id", default=None)


@contextmanager
def request_context(request_id: str | None) -> Iterator[None]:
    """Tag every audit entry written inside the block with `request_id`."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


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
    def _read_rows(self) -> Iterator[Connection]:
        """A read transaction without a Session, for readers that build values from rows."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Session]:
        outer = _unit_of_work.get()
        try:
            if outer is not None and outer[0] is self:
                # Inside `_all_or_nothing`: one more step of its transaction.
                yield outer[1]
                outer[1].flush()
                return
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError as exc:
            raise Conflict(
                "Uppgifterna krockar med det som redan finns "
                "(en dubblett eller en saknad referens)."
            ) from exc

    @contextmanager
    def _all_or_nothing(self) -> Iterator[Session]:
        """Run several write use cases as one transaction: each still checks the policy,
        validates and audits as it does alone, but nothing commits unless all succeed
        (an imported plan is applied whole or not at all)."""
        with self._write() as session:
            token = _unit_of_work.set((self, session))
            try:
                yield session
            finally:
                _unit_of_work.reset(token)

    @staticmethod
    def _authorize(
        actor: Actor,
        action: Action,
        scope: Scope,
        *,
        entity: str = "Objektet",
        key: object = None,
    ) -> None:
        """Refuse what the policy refuses; what the actor may not see is "not found"."""
        verdict = judge(actor, action, scope)
        if verdict is Verdict.HIDDEN:
            raise NotFound(entity, key)
        if verdict is Verdict.FORBIDDEN:
            raise PermissionDenied(
                f"Rollen {actor.role.label.lower()} får inte utföra detta ({action.value})."
            )

    def _audit(
        self,
        session: Session,
        actor: Actor,
        *,
        entity: str,
        entity_id: object,
        action: str,
        change: dict[str, Any],
        scope: Scope,
    ) -> None:
        """Append to the audit trail inside the write's own transaction.

        One entry per successful write: it commits with the change or not at all, so a
        refused write (validation, not found, forbidden, stale version, illegal
        transition) leaves none. `entity` names the changed object's kind as the HTTP
        API does (`organization`, `plan`, `revision`, `activity`, `follow_up`, `review`,
        `api_key`, `programme`, `municipality`, `registry`, `plan_import`), `action` the
        verb (`create`, `update`, `delete`, `decide`, `put_section`, `import`…), `change`
        what was applied (see
        `audit_change`); `scope` files the entry under its municipality and organisation.
        """
        session.add(
            AuditRow(
                occurred_at=self.now(),
                actor_subject=actor.subject,
                actor_name=actor.display,
                actor_role=actor.role.value,
                municipality_id=scope.municipality,
                organization_id=scope.organization,
                entity=entity,
                entity_id=str(entity_id),
                action=action,
                change=change,
                request_id=_request_id.get(),
            )
        )

    @staticmethod
    def _programme(session: Session, programme_id: str) -> Programme:
        row = session.scalars(
            select(ProgrammeRow).where(ProgrammeRow.id == programme_id)
        ).one_or_none()
        if row is None:
            raise NotFound("Programmet", programme_id)
        return msgspec.convert(row.definition, Programme)
