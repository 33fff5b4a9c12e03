"""The audit trail as read: who changed what, when, and in which request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from msgspec import Struct

from planregistry_domain.vocabulary import Role


class AuditEntry(Struct, kw_only=True):
    id: int
    occurred_at: dt.datetime
    actor_subject: str
    actor_name: str
    actor_role: Role
    municipality_id: str | None = None
    organization_id: str | None = None
    entity: str
    entity_id: str
    action: str
    change: dict[str, Any]
    request_id: str | None = None


class ApiKey(Struct, kw_only=True):
    """An API key's public record; the secret is shown once, at creation, and never stored."""

    id: str
    name: str
    role: Role
    municipality: str
    organization: str | None = None
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None


class IssuedApiKey(Struct, kw_only=True):
    key: ApiKey
    token: str
