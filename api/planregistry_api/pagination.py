"""Collections: one envelope for all of them, `Link: rel="next"`, shared parameters.

Every collection answers `{"items": [...], "next_cursor": ..., "links": {"next": ...}}`;
the library does the keyset paging and filtering (`planregistry_domain.paging`), this
module only turns its `Page` into the envelope and the `Link` header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter
from msgspec import Struct

from planregistry_domain.audit import ApiKey, AuditEntry
from planregistry_domain.model import (
    Activity,
    Decision,
    FollowUp,
    Organization,
    Plan,
    Review,
    Revision,
)
from planregistry_domain.paging import MAX_LIMIT, Page
from planregistry_domain.programme import Programme

DEFAULT_LIMIT = 50

B = TypeVar("B")

Limit = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT})."),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=1000,
        description="Opaque: the `next_cursor` of the previous page (or follow `links.next`).",
    ),
]
ModifiedSince = Annotated[
    dt.datetime | None,
    QueryParameter(
        description="RFC 3339 date-time with offset: only items changed at or after it "
        "(for incremental sync).",
    ),
]

LINK_HEADER = ResponseHeader(
    name="Link",
    documentation_only=True,
    description='`<…>; rel="next"` when another page follows.',
)


class PageLinks(Struct, kw_only=True):
    next: str | None = None


class ProgrammePage(Struct, kw_only=True):
    items: list[Programme]
    next_cursor: str | None
    links: PageLinks


class OrganizationPage(Struct, kw_only=True):
    items: list[Organization]
    next_cursor: str | None
    links: PageLinks


class PlanPage(Struct, kw_only=True):
    items: list[Plan]
    next_cursor: str | None
    links: PageLinks


class RevisionPage(Struct, kw_only=True):
    items: list[Revision]
    next_cursor: str | None
    links: PageLinks


class ActivityPage(Struct, kw_only=True):
    items: list[Activity]
    next_cursor: str | None
    links: PageLinks


class FollowUpPage(Struct, kw_only=True):
    items: list[FollowUp]
    next_cursor: str | None
    links: PageLinks


class DecisionPage(Struct, kw_only=True):
    items: list[Decision]
    next_cursor: str | None
    links: PageLinks


class ReviewPage(Struct, kw_only=True):
    items: list[Review]
    next_cursor: str | None
    links: PageLinks


class AuditPage(Struct, kw_only=True):
    items: list[AuditEntry]
    next_cursor: str | None
    links: PageLinks


class ApiKeyPage(Struct, kw_only=True):
    items: list[ApiKey]
    next_cursor: str | None
    links: PageLinks


def paginated(
    envelope: Callable[..., B], page: Page[Any], request: Request[Any, Any, Any]
) -> Response[B]:
    """The page in its envelope, with `Link: <next>; rel="next"` when there is more."""
    next_url = _next_url(request, page.next_cursor)
    body = envelope(items=page.items, next_cursor=page.next_cursor, links=PageLinks(next=next_url))
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return Response(body, headers=headers)


def _next_url(request: Request[Any, Any, Any], cursor: str | None) -> str | None:
    """The same request with the next cursor, as a path-absolute reference (proxy-safe)."""
    if cursor is None:
        return None
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    query.append(("cursor", cursor))
    return f"{request.url.path}?{urlencode(query)}"
