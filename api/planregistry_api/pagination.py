"""Collections: one envelope for all of them, `Link: rel="next"`, shared parameters.

Every collection answers `{"items": [...], "next_cursor": ..., "links": {"next": ...}}`;
the library does the keyset paging and filtering (`planregistry_domain.paging`), this
module only turns its `Page` into the envelope and the `Link` header.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter
from msgspec import Struct

from planregistry_domain.paging import MAX_LIMIT, Page

DEFAULT_LIMIT = 50

T = TypeVar("T")

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


class Envelope(Struct, Generic[T], kw_only=True):
    """A page of a collection, as every collection answers it."""

    items: list[T]
    next_cursor: str | None
    links: PageLinks


def paginated(page: Page[T], request: Request[Any, Any, Any]) -> Response[Envelope[T]]:
    """The page in its envelope, with `Link: <next>; rel="next"` when there is more."""
    next_url = _next_url(request, page.next_cursor)
    body = Envelope(items=page.items, next_cursor=page.next_cursor, links=PageLinks(next=next_url))
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return Response(body, headers=headers)


def _next_url(request: Request[Any, Any, Any], cursor: str | None) -> str | None:
    """The same request with the next cursor, as a path-absolute reference (proxy-safe)."""
    if cursor is None:
        return None
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    query.append(("cursor", cursor))
    return f"{request.url.path}?{urlencode(query)}"
