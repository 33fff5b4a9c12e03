"""Organisations (förvaltning + nämnd) and their coordinators.

Every role reads the organisations of its own municipality; only the central role
(and the system) creates and changes them. Coordinators' contact data is personal
data, shown only to those entitled (see `planregistry_domain.redaction`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from planregistry.storage import organizations, queries
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import MunicipalityRow, OrganizationRow
from planregistry.usecases.base import RegistryBase, audit_change, changes_nothing, check_version
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import CreateOrganization, UpdateOrganization
from planregistry_domain.errors import Conflict, NotFound
from planregistry_domain.model import Organization
from planregistry_domain.organization_history import check_history
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action, Scope
from planregistry_domain.redaction import shown_organization
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import OrganizationKind, Role

_BY_ID = Keyset("organizations", OrganizationRow.id)


class OrganizationUseCases(RegistryBase):
    def create_organization(
        self, data: CreateOrganization | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> Organization:
        command = coerce(CreateOrganization, data)
        scope = Scope(municipality=command.municipality, organization=command.id)
        self._authorize(
            actor,
            Action.MANAGE_ORGANIZATION,
            Scope(municipality=command.municipality),
            entity="Kommunen",
            key=command.municipality,
        )
        now = self.now()
        with self._write() as session:
            if session.get(MunicipalityRow, command.municipality) is None:
                raise NotFound("Kommunen", command.municipality)
            if session.get(OrganizationRow, command.id) is not None:
                raise Conflict(f"Organisationen {command.id!r} finns redan.")
            _check_history(
                session,
                command.id,
                command.municipality,
                command.valid_from,
                command.valid_to,
                command.successor,
            )
            row = organizations.new_row(command, version=1, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="organization",
                entity_id=command.id,
                action="create",
                change=audit_change(command),
                scope=scope,
            )
            return shown_organization(actor, organizations.organization(row))

    def get_organization(self, org_id: str, *, actor: Actor = SYSTEM) -> Organization:
        with self._read() as session:
            row = queries.get_organization(session, org_id)
            self._authorize(
                actor,
                Action.READ_ORGANIZATION,
                queries.organization_scope(row),
                entity="Organisationen",
                key=org_id,
            )
            return shown_organization(actor, organizations.organization(row))

    def list_organizations(
        self,
        *,
        municipality: str | None = None,
        kind: OrganizationKind | None = None,
        modified_since: dt.datetime | None = None,
        valid_on: dt.date | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[Organization]:
        """Organisations by id; `limit=None` returns them all, else one page of `limit`.

        Without `valid_on` the list holds every organisation, those that have ended
        (merged, renamed) included; with it, only those that existed on that day.

        Any actor but the system sees its own municipality's only, filter or not (a
        filter naming another municipality finds nothing).
        """
        since = utc_instant(modified_since)
        stmt = select(OrganizationRow)
        if actor.role is not Role.SYSTEM:
            self._authorize(actor, Action.READ_ORGANIZATION, Scope(municipality=actor.municipality))
            stmt = stmt.where(OrganizationRow.municipality_id == actor.municipality)
        if municipality is not None:
            stmt = stmt.where(OrganizationRow.municipality_id == municipality)
        if kind is not None:
            stmt = stmt.where(OrganizationRow.kind == OrganizationKind(kind).value)
        if since is not None:
            stmt = stmt.where(OrganizationRow.updated_at >= since)
        if valid_on is not None:
            stmt = stmt.where(
                or_(OrganizationRow.valid_from.is_(None), OrganizationRow.valid_from <= valid_on),
                or_(OrganizationRow.valid_to.is_(None), OrganizationRow.valid_to >= valid_on),
            )
        with self._read() as session:
            rows, next_cursor = _BY_ID.fetch(
                session, stmt, key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(
                items=[shown_organization(actor, organizations.organization(r)) for r in rows],
                next_cursor=next_cursor,
            )

    def update_organization(
        self,
        org_id: str,
        data: UpdateOrganization | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Organization:
        command = coerce(UpdateOrganization, data)
        with self._write() as session:
            row = queries.get_organization(session, org_id, lock=True)
            scope = queries.organization_scope(row)
            self._authorize(
                actor, Action.MANAGE_ORGANIZATION, scope, entity="Organisationen", key=org_id
            )
            check_version("Organisationen", org_id, expected_version, row.version)
            before = organizations.organization(row)
            if changes_nothing(command, before):
                return shown_organization(actor, before)
            # Checked before the row changes, so no flush sends a broken reference first.
            after = msgspec.structs.replace(
                before,
                **{k: v for k, v in msgspec.structs.asdict(command).items() if v is not UNSET},
            )
            _check_history(
                session,
                org_id,
                row.municipality_id,
                after.valid_from,
                after.valid_to,
                after.successor,
            )
            organizations.apply(row, command)
            row.version += 1
            row.updated_at = self.now()
            session.flush()
            self._audit(
                session,
                actor,
                entity="organization",
                entity_id=org_id,
                action="update",
                change=audit_change(
                    command,
                    before={name: getattr(before, name) for name in msgspec.to_builtins(command)},
                ),
                scope=scope,
            )
            return shown_organization(actor, organizations.organization(row))


def _check_history(
    session: Session,
    org_id: str,
    municipality: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    successor: str | None,
) -> None:
    successors: dict[str, str | None] = {}
    if successor is not None:
        successors = dict(
            session.execute(
                select(OrganizationRow.id, OrganizationRow.successor_id).where(
                    OrganizationRow.municipality_id == municipality
                )
            ).all()
        )
    successor_municipality = (
        None
        if successor is None
        else session.scalar(
            select(OrganizationRow.municipality_id).where(OrganizationRow.id == successor)
        )
    )
    check_history(
        org_id,
        municipality,
        valid_from,
        valid_to,
        successor,
        successor_municipality=successor_municipality,
        successors=successors,
    )
