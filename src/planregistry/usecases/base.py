"""What every use case shares: sessions with one explicit commit, input checking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planregistry.storage.engine import writer
from planregistry.storage.tables import AuditRow, ProgrammeRow
from planregistry_domain.actor import Actor
from planregistry_domain.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.programme import Programme


def audit_change(command: msgspec.Struct | None = None, **context: Any) -> dict[str, Any]:
    """An audit entry's `change`: the applied command as JSON builtins (fields an update
    left unset are absent) plus context such as `before` (the replaced values)."""
    change: dict[str, Any] = {} if command is None else msgspec.to_builtins(command)
    change.update(msgspec.to_builtins(context))
    return change


def changes_nothing(command: msgspec.Struct, current: msgspec.Struct | dict[str, Any]) -> bool:
    """Whether every field an update sets already holds that value.

    Such an update is answered with what is stored and writes nothing: the version stays
    (a client's ETag stays valid) and no audit entry records a change that did not happen.
    """
    stored = current if isinstance(current, dict) else msgspec.to_builtins(current)
    return all(
        name in stored and stored[name] == value
        for name, value in msgspec.to_builtins(command).items()
    )


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
