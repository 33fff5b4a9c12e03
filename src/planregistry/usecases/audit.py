"""Reading the audit trail (central role only); writing happens inside every use case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from planregistry.storage.audit import AUDIT_ENTRY
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import AuditRow
from planregistry.usecases.base import RegistryBase
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.audit import AuditEntry
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action, Scope

_BY_ID = Keyset("audit", AuditRow.id)


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
            return Page(items=[AUDIT_ENTRY.read(r) for r in rows], next_cursor=next_cursor)
