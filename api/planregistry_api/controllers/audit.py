"""The audit trail (central role only): read, filtered, paged. It cannot be changed here.

Every write of the library appends an entry in the write's own transaction: who (the
caller's subject, name and role), when, what (entity, id, action, the change) and the
request id. Only `GET` exists: entries are never changed or removed over HTTP (the
database itself refuses it as well).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.pagination import (
    DEFAULT_LIMIT,
    LINK_HEADER,
    Cursor,
    Envelope,
    Limit,
    paginated,
)
from planregistry_api.parameters import OptionalSlug
from planregistry_domain.audit import AuditEntry
from planregistry_domain.policy import Action

_TEXT = r"^[^\x00-\x1f\x7f]+$"

Entity = Annotated[
    str | None,
    QueryParameter(
        pattern=r"^[a-z_]+$",
        max_length=63,
        description="Kind of object changed, e.g. `organization`, `revision`, `activity`, "
        "`api_key`.",
    ),
]
EntityId = Annotated[
    str | None,
    QueryParameter(pattern=_TEXT, max_length=200, description="Its id (with `entity`)."),
]
ActorSubject = Annotated[
    str | None,
    QueryParameter(
        name="actor",
        pattern=_TEXT,
        max_length=200,
        description="Who made the change: the token's `sub`, or `api-key:<id>`.",
    ),
]
Since = Annotated[
    dt.datetime | None,
    QueryParameter(description="RFC 3339 date-time with offset: entries at or after it."),
]
Until = Annotated[
    dt.datetime | None,
    QueryParameter(description="RFC 3339 date-time with offset: entries before it."),
]


class AuditController(Controller):
    path = "/audit"
    tags = ("audit",)

    @get(
        "/",
        operation_id="listAudit",
        opt=requires(Action.READ_AUDIT),
        summary="Read the audit trail",
        description="Oldest first; filter by `entity`, `entity_id`, `organization`, `actor`, "
        "`since` and `until`. Each entry names who, when, what changed and the request "
        "(`request_id`, the `X-Request-ID` of the write).",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400),
    )
    def list_audit(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        entity: Entity = None,
        entity_id: EntityId = None,
        organization: OptionalSlug = None,
        actor_subject: ActorSubject = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[AuditEntry]]:
        page = registry.list_audit(
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            organization=organization,
            actor_subject=actor_subject,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor,
        )
        return paginated(page, request)
