"""Organisations (förvaltning + nämnd) and their coordinators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from msgspec import UNSET
from sqlalchemy import select

from planregistry.domain.commands import CreateOrganization, UpdateOrganization
from planregistry.domain.model import Organization
from planregistry.domain.paging import Page, utc_instant
from planregistry.domain.vocabulary import OrganizationKind
from planregistry.errors import Conflict, NotFound
from planregistry.storage import convert, queries
from planregistry.storage.convert import to_json
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import MunicipalityRow, OrganizationRow
from planregistry.usecases.base import RegistryBase, check_version, coerce

_BY_ID = Keyset("organizations", OrganizationRow.id)


class OrganizationUseCases(RegistryBase):
    def create_organization(self, data: CreateOrganization | Mapping[str, Any]) -> Organization:
        command = coerce(CreateOrganization, data)
        now = self.now()
        with self._write() as session:
            if session.get(MunicipalityRow, command.municipality) is None:
                raise NotFound("Kommunen", command.municipality)
            if session.get(OrganizationRow, command.id) is not None:
                raise Conflict(f"Organisationen {command.id!r} finns redan.")
            row = OrganizationRow(
                id=command.id,
                municipality_id=command.municipality,
                name=command.name,
                kind=command.kind.value,
                committee=command.committee,
                coordinators=to_json([c.to_model() for c in command.coordinators]),
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return convert.organization(row)

    def get_organization(self, org_id: str) -> Organization:
        with self._read() as session:
            return convert.organization(queries.get_organization(session, org_id))

    def list_organizations(
        self,
        *,
        municipality: str | None = None,
        kind: OrganizationKind | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Organization]:
        """Organisations by id; `limit=None` returns them all, else one page of `limit`."""
        since = utc_instant(modified_since)
        stmt = select(OrganizationRow)
        if municipality is not None:
            stmt = stmt.where(OrganizationRow.municipality_id == municipality)
        if kind is not None:
            stmt = stmt.where(OrganizationRow.kind == OrganizationKind(kind).value)
        if since is not None:
            stmt = stmt.where(OrganizationRow.updated_at >= since)
        with self._read() as session:
            rows, next_cursor = _BY_ID.fetch(
                session, stmt, key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(items=[convert.organization(r) for r in rows], next_cursor=next_cursor)

    def update_organization(
        self,
        org_id: str,
        data: UpdateOrganization | Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Organization:
        command = coerce(UpdateOrganization, data)
        with self._write() as session:
            row = queries.get_organization(session, org_id, lock=True)
            check_version("Organisationen", org_id, expected_version, row.version)
            if command.name is not UNSET:
                row.name = command.name
            if command.kind is not UNSET:
                row.kind = command.kind.value
            if command.committee is not UNSET:
                row.committee = command.committee
            if command.coordinators is not UNSET:
                row.coordinators = to_json([c.to_model() for c in command.coordinators])
            row.version += 1
            row.updated_at = self.now()
            session.flush()
            return convert.organization(row)
