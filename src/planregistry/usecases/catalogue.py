"""Municipalities and programmes: the registry's reference data.

Programmes are shared by every municipality and readable by every role; creating a
municipality or changing a programme is the system's alone (CLI, deployment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from sqlalchemy import select

from planregistry.storage.paging import Keyset
from planregistry.storage.tables import MunicipalityRow, ProgrammeRow
from planregistry.usecases.base import RegistryBase, audit_change
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import CreateMunicipality
from planregistry_domain.model import Municipality
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action, Scope
from planregistry_domain.programme import Programme
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import Role

_PROGRAMMES = Keyset("programmes", ProgrammeRow.id)


class CatalogueUseCases(RegistryBase):
    def create_municipality(
        self, data: CreateMunicipality | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> Municipality:
        command = coerce(CreateMunicipality, data)
        self._authorize(actor, Action.MANAGE_REGISTRY, Scope(municipality=command.id))
        with self._write() as session:
            session.add(MunicipalityRow(id=command.id, name=command.name))
            self._audit(
                session,
                actor,
                entity="municipality",
                entity_id=command.id,
                action="create",
                change=audit_change(command),
                # Filed with the registry's own changes (programmes, imports), which only
                # the system reads: no municipality's trail starts before it existed.
                scope=Scope(),
            )
        return Municipality(id=command.id, name=command.name)

    def list_municipalities(self, *, actor: Actor = SYSTEM) -> list[Municipality]:
        """Every municipality for the system; any other actor sees its own only."""
        self._authorize(actor, Action.READ_REFERENCE, Scope(municipality=actor.municipality))
        stmt = select(MunicipalityRow).order_by(MunicipalityRow.id)
        if actor.role is not Role.SYSTEM:
            stmt = stmt.where(MunicipalityRow.id == actor.municipality)
        with self._read() as session:
            return [Municipality(id=r.id, name=r.name) for r in session.scalars(stmt)]

    def put_programme(
        self, data: Programme | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> Programme:
        """Create or replace a programme definition (data, not code)."""
        programme = coerce(Programme, data)
        self._authorize(actor, Action.MANAGE_PROGRAMMES, Scope())
        with self._write() as session:
            row = session.get(ProgrammeRow, programme.id)
            if row is None:
                session.add(
                    ProgrammeRow(
                        id=programme.id,
                        name=programme.name,
                        definition=msgspec.to_builtins(programme),
                    )
                )
            else:
                row.name = programme.name
                row.definition = msgspec.to_builtins(programme)
            self._audit(
                session,
                actor,
                entity="programme",
                entity_id=programme.id,
                action="create" if row is None else "update",
                change=audit_change(programme),
                scope=Scope(),
            )
        return programme

    def get_programme(self, programme_id: str, *, actor: Actor = SYSTEM) -> Programme:
        self._authorize(actor, Action.READ_REFERENCE, Scope())
        with self._read() as session:
            return self._programme(session, programme_id)

    def list_programmes(
        self, *, limit: int | None = None, cursor: str | None = None, actor: Actor = SYSTEM
    ) -> Page[Programme]:
        self._authorize(actor, Action.READ_REFERENCE, Scope())
        with self._read() as session:
            rows, next_cursor = _PROGRAMMES.fetch(
                session, select(ProgrammeRow), key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(
                items=[msgspec.convert(r.definition, Programme) for r in rows],
                next_cursor=next_cursor,
            )
