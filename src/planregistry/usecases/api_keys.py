"""API keys for city systems: created and revoked by the central role, stored as hashes.

A token reads `prk_<id>_<secret>`. The secret has 256 bits of entropy, so a plain
SHA-256 of it is as good as a slow password hash and keeps every request cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from planregistry.storage.audit import API_KEY
from planregistry.storage.tables import ApiKeyRow, OrganizationRow
from planregistry.usecases.base import RegistryBase
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.audit import ApiKey, IssuedApiKey
from planregistry_domain.commands import CreateApiKey
from planregistry_domain.errors import NotFound, PermissionDenied, ValidationError
from planregistry_domain.policy import Action, Scope
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import Role

PREFIX = "prk"
KEY_SUBJECT_PREFIX = "api-key:"


def _refuse_key_callers(actor: Actor) -> None:
    """Keys are managed by people, never by a key: a key that could issue keys would
    outlive its own revocation in the keys it made."""
    if actor.subject.startswith(KEY_SUBJECT_PREFIX):
        raise PermissionDenied("En API-nyckel kan inte hantera API-nycklar; logga in som person.")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _record(row: ApiKeyRow) -> ApiKey:
    return API_KEY.read(row)


class ApiKeyUseCases(RegistryBase):
    def create_api_key(
        self, data: CreateApiKey | Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> IssuedApiKey:
        _refuse_key_callers(actor)
        command = coerce(CreateApiKey, data)
        municipality = command.municipality or actor.municipality
        if municipality is None:
            raise ValidationError("Ange kommunen som nyckeln gäller.")
        with self._write() as session:
            self._authorize(
                actor,
                Action.MANAGE_API_KEYS,
                Scope(municipality=municipality),
                entity="Kommunen",
                key=municipality,
            )
            if command.role is Role.SYSTEM:
                # The system role spans every municipality: it is never handed out as a key.
                raise ValidationError("En API-nyckel kan inte ha rollen system.")
            if command.role is not Role.COORDINATOR and command.organization is not None:
                raise ValidationError("Bara en samordnarnyckel gäller en organisation.")
            if command.role is Role.COORDINATOR:
                if command.organization is None:
                    raise ValidationError("En samordnarnyckel måste gälla en organisation.")
                org = session.get(OrganizationRow, command.organization)
                if org is None or org.municipality_id != municipality:
                    raise NotFound("Organisationen", command.organization)
            key_id = secrets.token_hex(6)
            secret = secrets.token_urlsafe(32)
            row = ApiKeyRow(
                id=key_id,
                name=command.name,
                secret_hash=_hash(secret),
                role=command.role.value,
                municipality_id=municipality,
                organization_id=command.organization,
                created_at=self.now(),
                created_by=actor.display,
                revoked_at=None,
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="api_key",
                entity_id=key_id,
                action="create",
                change={
                    "name": command.name,
                    "role": command.role.value,
                    "organization": command.organization,
                },
                scope=Scope(municipality=municipality),
            )
            return IssuedApiKey(key=_record(row), token=f"{PREFIX}_{key_id}_{secret}")

    def list_api_keys(self, *, actor: Actor = SYSTEM) -> list[ApiKey]:
        _refuse_key_callers(actor)
        stmt = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        if actor.municipality is not None:
            stmt = stmt.where(ApiKeyRow.municipality_id == actor.municipality)
        self._authorize(actor, Action.MANAGE_API_KEYS, Scope(municipality=actor.municipality))
        with self._read() as session:
            return [_record(r) for r in session.scalars(stmt)]

    def revoke_api_key(self, key_id: str, *, actor: Actor = SYSTEM) -> None:
        """Revoke a key at once; revoking a revoked key changes nothing (as HTTP DELETE)."""
        _refuse_key_callers(actor)
        with self._write() as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFound("API-nyckeln", key_id)
            self._authorize(
                actor,
                Action.MANAGE_API_KEYS,
                Scope(municipality=row.municipality_id),
                entity="API-nyckeln",
                key=key_id,
            )
            if row.revoked_at is None:
                row.revoked_at = self.now()
                self._audit(
                    session,
                    actor,
                    entity="api_key",
                    entity_id=key_id,
                    action="revoke",
                    change={},
                    scope=Scope(municipality=row.municipality_id),
                )

    def authenticate_api_key(self, token: str) -> Actor | None:
        """The actor a token stands for, or None for an unknown, malformed or revoked key."""
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        _, key_id, secret = parts
        with self._read() as session:
            row = session.get(ApiKeyRow, key_id)
        if row is None or row.revoked_at is not None or row.role == Role.SYSTEM.value:
            return None
        if not hmac.compare_digest(row.secret_hash, _hash(secret)):
            return None
        return Actor(
            subject=f"{KEY_SUBJECT_PREFIX}{row.id}",
            name=row.name,
            role=Role(row.role),
            municipality=row.municipality_id,
            organization=row.organization_id,
        )
