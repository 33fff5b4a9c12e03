"""Request ids and security headers on every response.

Every request has an id: the caller's `X-Request-ID` when it is sane (1–128 of
`A-Z a-z 0-9 . _ : / + = @ -`), else a generated one. It is answered in `X-Request-ID`
and each handler runs inside the library's `request_context`, so the audit entries a
request writes carry it.

Headers are added in a `before_send` hook, the outermost layer, so that errors raised
before a handler (401 from authentication, 404 from routing, 413) carry them too.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from planregistry import request_context

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:/+=@-]{1,128}$")
_STATE_KEY = "planregistry_request_id"

# For JSON, CSV and Excel answers: nothing in them may run, load or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The documentation page (Swagger UI): scripts and styles from the app itself, no inline
# script; the OpenAPI document and "try it out" requests go to the app only.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def request_id(scope: Scope) -> str:
    """This request's id, chosen once (the caller's when sane, else a new one)."""
    state: dict[str, Any] = scope.setdefault("state", {})
    chosen = state.get(_STATE_KEY)
    if chosen is None:
        given = ""
        for name, value in scope.get("headers", ()):
            if name.lower() == b"x-request-id":
                given = value.decode("latin-1").strip()
                break
        chosen = given if _SANE_ID.match(given) else uuid.uuid4().hex
        state[_STATE_KEY] = chosen
    return str(chosen)


class RequestContextMiddleware(ASGIMiddleware):
    """Runs the rest of the request inside the library's `request_context(request_id)`."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        with request_context(request_id(scope)):
            await next_app(scope, receive, send)


def security_headers_hook(docs_path: str) -> Any:
    """A `before_send` hook adding the request id and the security headers."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
            return
        headers = MutableScopeHeaders.from_message(message)
        headers[REQUEST_ID_HEADER] = request_id(scope)
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        is_docs = scope["path"].startswith(docs_path) and (
            headers.get("content-type", "").startswith("text/html")
        )
        headers["Content-Security-Policy"] = DOCS_CSP if is_docs else API_CSP
        if scope.get("user") is not None:
            # What a caller was shown is never kept by a cache.
            headers["Cache-Control"] = "no-store"
        else:
            headers.setdefault("Cache-Control", "no-store")

    return add_headers
