"""The security log: one line per refused request, to the `planregistry_api.security` logger.

A request to a protected path (everything under `/api/v1` but the health check and the
OpenAPI document) answered 401, 403 or 404 is logged at WARNING as a JSON object:
`event` ("refused"), `request_id`, `method`, `path` (without the query string),
`status`, `credential` and `client` (the peer address). `credential` is who was
authenticated (the token's `sub`, or `api-key:<id>`); for a request refused before
that, what it claimed to be: the id part of an API key (`api-key:<id>?`) or a short
hash of the bearer token (`token-sha256:<16 hex>`), so repeated attempts with one
credential can be told apart without the credential ever being written.

Always on, whatever `PLANREGISTRY_ACCESS_LOG` says: it is the trail of probing and of
misconfigured clients. Without a handler of its own configured, lines go to stderr.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from planregistry_api.hardening import request_id
from planregistry_domain.actor import Actor
from planregistry_domain.wire import API_PREFIX

logger = logging.getLogger("planregistry_api.security")
REFUSALS = frozenset({401, 403, 404})
_PUBLIC_PREFIXES = (f"{API_PREFIX}/schema", f"{API_PREFIX}/health")
_KEY_ID = re.compile(r"^prk_([A-Za-z0-9-]{1,64})_")


class RefusedLine(msgspec.Struct, kw_only=True):
    event: str
    request_id: str
    method: str
    path: str
    status: int
    credential: str | None
    client: str | None


def configure() -> None:
    """Send the lines to stderr, unless the logger already has a handler."""
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.handlers:
        logger.addHandler(_Stderr())
        logger.propagate = False


class _Stderr(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
        except Exception:
            self.handleError(record)


def is_protected(path: str) -> bool:
    return path.startswith(API_PREFIX) and not path.startswith(_PUBLIC_PREFIXES)


def claimed_credential(scope: Scope) -> str | None:
    """Who the request was (or said it was), in words that reveal no secret."""
    user: Any = scope.get("user")
    if isinstance(user, Actor):
        return user.subject
    headers = {name.lower(): value for name, value in scope.get("headers", ())}
    api_key = headers.get(b"x-api-key")
    if api_key is not None:
        match = _KEY_ID.match(api_key.decode("latin-1").strip())
        return f"api-key:{match.group(1)}?" if match else "api-key:?"
    authorization = headers.get(b"authorization")
    if authorization is not None:
        digest = hashlib.sha256(authorization.strip()).hexdigest()[:16]
        return f"token-sha256:{digest}"
    return None


def logged(app: ASGIApp) -> ASGIApp:
    """`app` with a security line for every refused request to a protected path."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not is_protected(scope["path"]):
            await app(scope, receive, send)
            return
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_status)
        finally:
            if status in REFUSALS:
                client = scope.get("client")
                line = RefusedLine(
                    event="refused",
                    request_id=request_id(scope),
                    method=str(scope.get("method", "")),
                    path=scope["path"],
                    status=status,
                    credential=claimed_credential(scope),
                    client=str(client[0]) if client else None,
                )
                logger.warning(msgspec.json.encode(line).decode())

    return handle
