"""Municipalities and programmes: the registry's reference data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from sqlalchemy import select

from planregistry.domain.commands import CreateMunicipality
from planregistry.domain.model import Municipality
from planregistry.domain.paging import Page
from planregistry.domain.programme import Programme
from planregistry.storage.convert import to_json
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import MunicipalityRow, ProgrammeRow
from planregistry.usecases.base import RegistryBase, coerce

_PROGRAMMES = Keyset("programmes", ProgrammeRow.id)


class CatalogueUseCases(RegistryBase):
    def create_municipality(self, data: CreateMunicipality | Mapping[str, Any]) -> Municipality:
        command = coerce(CreateMunicipality, data)
        with self._write() as session:
            session.add(MunicipalityRow(id=command.id, name=command.name))
        return Municipality(id=command.id, name=command.name)

    def list_municipalities(self) -> list[Municipality]:
        with self._read() as session:
            rows = session.scalars(select(MunicipalityRow).order_by(MunicipalityRow.id))
            return [Municipality(id=r.id, name=r.name) for r in rows]

    def put_programme(self, data: Programme | Mapping[str, Any]) -> Programme:
        """Create or replace a programme definition (data, not code)."""
        programme = coerce(Programme, data)
        with self._write() as session:
            row = session.get(ProgrammeRow, programme.id)
            if row is None:
                session.add(
                    ProgrammeRow(
                        id=programme.id, name=programme.name, definition=to_json(programme)
                    )
                )
            else:
                row.name = programme.name
                row.definition = to_json(programme)
        return programme

    def get_programme(self, programme_id: str) -> Programme:
        with self._read() as session:
            return self._programme(session, programme_id)

    def list_programmes(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Programme]:
        with self._read() as session:
            rows, next_cursor = _PROGRAMMES.fetch(
                session, select(ProgrammeRow), key_of=lambda r: (r.id,), limit=limit, cursor=cursor
            )
            return Page(
                items=[msgspec.convert(r.definition, Programme) for r in rows],
                next_cursor=next_cursor,
            )
