"""The organisation aggregate in storage (its coordinators are one JSON column)."""

from __future__ import annotations

from typing import Any

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import OrganizationRow
from planregistry_domain.commands import CreateOrganization, UpdateOrganization
from planregistry_domain.model import Organization

ORGANIZATION = RowMap(
    Organization,
    OrganizationRow,
    renamed={"municipality": "municipality_id", "successor": "successor_id"},
)


def organization(row: OrganizationRow) -> Organization:
    return ORGANIZATION.read(row)


def new_row(source: CreateOrganization | Organization, **server: Any) -> OrganizationRow:
    return ORGANIZATION.new_row(source, **server)


def apply(row: OrganizationRow, command: UpdateOrganization) -> None:
    for column, value in ORGANIZATION.stored(command).items():
        setattr(row, column, value)
