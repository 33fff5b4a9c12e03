"""`OPTIONS` answers every method of the path in `Allow`.

Litestar adds an `OPTIONS` handler to each route when the route is made; when a later
controller adds methods to the same path (an item path served by several controllers,
`GET` beside `PATCH` and `DELETE`), the route is rebuilt but keeps the first handler,
which still lists only the first methods. This hook rewrites `Allow` from the finished
route table instead.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


def options_allow_hook(app: Litestar) -> Any:
    """A `before_send` hook putting each path's real methods in an `OPTIONS` answer's `Allow`."""
    allowed: dict[int, str] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            methods = ", ".join(sorted(route.methods))
            for handler in route.route_handlers:
                if handler.http_methods == {"OPTIONS"}:
                    allowed[id(handler)] = methods

    async def set_allow(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        methods = allowed.get(id(scope.get("route_handler")))
        if methods is not None:
            MutableScopeHeaders.from_message(message)["Allow"] = methods

    return set_allow
