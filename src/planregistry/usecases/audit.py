"""Reading the audit trail (central role only); writing happens inside every use case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from planregistry.domain.actor import SYSTEM, Actor
from planregistry.domain.audit import AuditEntry
from planregistry.domain.paging import Page, utc_instant
from planregistry.domain.policy import Action, Scope
from planregistry.domain.vocabulary import Role
from planregistry.storage import convert
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import AuditRow
from planregistry.usecases.base import RegistryBase

_BY_ID = Keyset("audit", AuditRow.id)


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        occurred_at=convert.utc(row.occurred_at),
        actor_subject=row.actor_subject,
        actor_name=row.actor_name,
        actor_role=Role(row.actor_role),
        municipality_id=row.municipality_id,
        organization_id=row.organization_id,
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        change=dict(row.change),
        request_id=row.request_id,
    )


class AuditUseCases(RegistryBase):
    def list_audit(
        self,
        *,
        actor: Actor = SYSTEM,
        entity: str | None = None,
        entity_id: str | None = None,
        organization: str | None = None,
        actor_subject: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[AuditEntry]:
        """The audit trail in the order it was written, filtered; the central role only."""
        self._authorize(actor, Action.READ_AUDIT, Scope(municipality=actor.municipality))
        stmt = select(AuditRow)
        if actor.municipality is not None:
            stmt = stmt.where(AuditRow.municipality_id == actor.municipality)
        if entity is not None:
            stmt = stmt.where(AuditRow.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRow.entity_id == entity_id)
        if organization is not None:
            stmt = stmt.where(AuditRow.organization_id == organization)
        if actor_subject is not None:
            stmt = stmt.where(AuditRow.actor_subject == actor_subject)
        start = utc_instant(since, "since")
        if start is not None:
            stmt = stmt.where(AuditRow.occurred_at >= start)
        end = utc_instant(until, "until")
        if end is not None:
            stmt = stmt.where(AuditRow.occurred_at < end)
        with self._read() as session:
            rows, next_cursor = _BY_ID.fetch(
                session, stmt, key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(items=[audit_entry(r) for r in rows], next_cursor=next_cursor)
