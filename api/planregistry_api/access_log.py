"""The access log: one structured line per request, to the `planregistry_api.access` logger.

Each line is a JSON object: `request_id` (as answered in `X-Request-ID` and recorded in
the audit trail), `method`, `path` (without the query string), `status`, `duration_ms`
and `credential`, who was authenticated (the token's `sub`, or `api-key:<id>`), when
anyone was. Neither a token nor an API key, nor any other header, is ever written.

It measures around everything the application does, routing and authentication
included, so a 401 or an unknown path is logged like any answer. On by default;
`PLANREGISTRY_ACCESS_LOG=off` (or `planregistry serve --no-access-log`) turns it off.
Without a handler of its own configured, the lines go to stderr.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from planregistry_api.hardening import request_id
from planregistry_domain.actor import Actor

ACCESS_LOG_ENV = "PLANREGISTRY_ACCESS_LOG"
logger = logging.getLogger("planregistry_api.access")
_OFF = frozenset({"0", "off", "false", "no", "nej"})


class AccessLine(msgspec.Struct, kw_only=True):
    request_id: str
    method: str
    path: str
    status: int
    duration_ms: float
    credential: str | None = None


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(ACCESS_LOG_ENV, "")
    return value.strip().lower() not in _OFF


def configure() -> None:
    """Send the lines to stderr, unless the logger already has a handler (set up by the
    deployment's logging configuration, or a test)."""
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        logger.addHandler(_Stderr())
        logger.propagate = False  # one line, not one more through the root logger


class _Stderr(logging.Handler):
    """Writes each line to whatever `sys.stderr` is when it is written."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
        except Exception:
            self.handleError(record)


def logged(app: ASGIApp) -> ASGIApp:
    """`app` (the application's whole ASGI handler) with a line logged per HTTP request."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if nothing is answered at all, the server answers 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_status)
        finally:
            user: Any = scope.get("user")
            line = AccessLine(
                request_id=request_id(scope),
                method=str(scope.get("method", "")),
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                credential=user.subject if isinstance(user, Actor) else None,
            )
            logger.info(msgspec.json.encode(line).decode())

    return handle
