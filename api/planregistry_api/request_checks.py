"""What every request is checked for before its handler runs, in one `before_request`."""

from __future__ import annotations

from typing import Any

from litestar import Request

from planregistry_api.bodies import check_body_strictly
from planregistry_api.timestamps import check_time_filters


async def check_request(request: Request[Any, Any, Any]) -> None:
    check_time_filters(request)
    await check_body_strictly(request)
