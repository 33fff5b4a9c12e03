"""What every request is checked for before its handler runs, in one `before_request`.

The size limits of the request line and head are the app's own, well below granian's
(which answers larger ones itself, without a body: see the README), so that a client
sending an over-long URL or oversized headers gets problem details with a request id.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException

from planregistry_api.bodies import check_body_strictly
from planregistry_api.timestamps import check_time_filters

MAX_URL_BYTES = 8 * 1024  # path and query string
MAX_HEADER_BYTES = 32 * 1024  # all header names and values together


class UriTooLong(HTTPException):
    status_code = 414


class HeaderFieldsTooLarge(HTTPException):
    status_code = 431


async def check_request(request: Request[Any, Any, Any]) -> None:
    check_sizes(request)
    check_time_filters(request)
    await check_body_strictly(request)


def check_sizes(request: Request[Any, Any, Any]) -> None:
    scope = request.scope
    url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(
        scope.get("query_string", b"")
    )
    if url_bytes > MAX_URL_BYTES:
        raise UriTooLong(f"Adressen får vara högst {MAX_URL_BYTES} byte (sökväg och frågesträng).")
    header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
    if header_bytes > MAX_HEADER_BYTES:
        raise HeaderFieldsTooLarge(
            f"Huvudfälten får vara högst {MAX_HEADER_BYTES} byte sammanlagt."
        )
