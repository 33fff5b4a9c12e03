"""Rate limits: per credential and per client address, for reads, writes and sign-in.

Each request takes one token from two buckets of its kind (reads: GET/HEAD/OPTIONS;
writes: everything else; sign-in: every request under `/inloggning`): its client
address's, before authentication (so a flood of guessed credentials is limited too),
and its credential's, after it: the authenticated subject (a token's `sub`, or
`api-key:<id>`), or for the pages the browser session. When either is empty the answer
is 429, problem details with `Retry-After`; every counted answer carries the IETF
draft's `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers),
one item per bucket.

The buckets are in the process's memory: with several worker processes each has its own,
so a limit holds per worker. Litestar's `RateLimitMiddleware` keeps one fixed window of
one size per middleware, as a list of timestamps decoded from a store on every request,
and sends the draft's older header names; two limits per request for three kinds would
be six of them, so this is a small token bucket instead.

The health check and the static assets are not counted: a load balancer polls the one,
every page loads the others.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, ExceptionHandlersMap, Message, Receive, Scope, Send

from planregistry.settings import Limit
from planregistry_api.problems import HTTP_PROBLEMS, problem_response
from planregistry_api.web.pages import SIGN_IN_PATH, STATIC_PATH, page
from planregistry_api.web.session import COOKIE
from planregistry_domain.actor import Actor
from planregistry_domain.wire import API_PREFIX

UNCOUNTED = (f"{API_PREFIX}/health", f"{STATIC_PATH}/")
READS = frozenset({"GET", "HEAD", "OPTIONS"})
# Buckets untouched long enough to be full again are forgotten past this many.
_PRUNE_ABOVE = 10_000


class Bucket:
    """A token bucket: `limit.requests` tokens, refilled at requests/seconds per second."""

    __slots__ = ("limit", "tokens", "updated")

    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self.tokens = float(limit.requests)
        self.updated = now

    @property
    def rate(self) -> float:
        return self.limit.requests / self.limit.seconds

    def refill(self, now: float) -> None:
        self.tokens = min(
            float(self.limit.requests), self.tokens + (now - self.updated) * self.rate
        )
        self.updated = now

    def wait(self) -> float:
        """Seconds until one token is there (0 when one is there now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def until_full(self) -> float:
        return (self.limit.requests - self.tokens) / self.rate


@dataclass(frozen=True)
class Counted:
    """The buckets a request was counted against, named as in the headers."""

    buckets: tuple[tuple[str, Bucket], ...]

    def policy_header(self) -> str:
        return ", ".join(
            f'"{name}";q={b.limit.requests};w={math.ceil(b.limit.seconds)}'
            for name, b in self.buckets
        )

    def state_header(self) -> str:
        return ", ".join(
            f'"{name}";r={math.floor(b.tokens)};t={math.ceil(b.until_full())}'
            for name, b in self.buckets
        )

    def headers(self) -> dict[str, str]:
        return {"RateLimit-Policy": self.policy_header(), "RateLimit": self.state_header()}


class RateLimited(HTTPException):
    status_code = 429


class RateLimiter:
    """The buckets of one process: (kind, "credential"|"address", key) → Bucket."""

    def __init__(self, limits: dict[str, tuple[Limit, Limit]]) -> None:
        self.limits = limits
        self.buckets: dict[tuple[str, str, str], Bucket] = {}
        self._pruned = 0.0

    def take(self, kind: str, by: str, key: str) -> tuple[bool, Counted]:
        """Take a token from the bucket of this kind of request and this caller (`by`
        "credential" or "address"), unless it is empty."""
        per_credential, per_address = self.limits[kind]
        limit = per_credential if by == "credential" else per_address
        now = time.monotonic()
        bucket = self._bucket((kind, by, key), limit, now)
        bucket.refill(now)
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        return allowed, Counted(((f"{kind}-{by}", bucket),))

    def _bucket(self, key: tuple[str, str, str], limit: Limit, now: float) -> Bucket:
        bucket = self.buckets.get(key)
        if bucket is None:
            # At most once a second: a flood of new credentials must not make every
            # request walk all the buckets.
            if len(self.buckets) > _PRUNE_ABOVE and now - self._pruned >= 1:
                self._pruned = now
                self._prune(now)
            bucket = self.buckets[key] = Bucket(limit, now)
        return bucket

    def _prune(self, now: float) -> None:
        for key, bucket in list(self.buckets.items()):
            if now - bucket.updated >= bucket.limit.seconds:
                del self.buckets[key]


def kind_of(scope: Scope) -> str | None:
    path: str = scope["path"]
    if path.startswith(UNCOUNTED):
        return None
    if path == SIGN_IN_PATH or path.startswith(SIGN_IN_PATH + "/"):
        return "sign_in"
    return "reads" if scope.get("method") in READS else "writes"


def credential_of(scope: Scope) -> str | None:
    """Who was authenticated, or the browser session's digest (pages authenticate inside,
    after this); None for an anonymous request."""
    user = scope.get("user")
    if isinstance(user, Actor):
        return user.subject
    session = COOKIE.encode() + b"="
    for name, value in scope.get("headers", ()):
        if name.lower() == b"cookie" and session in value:
            presented = value.split(session, 1)[1].split(b";", 1)[0]
            return "session:" + hashlib.blake2b(presented, digest_size=16).hexdigest()
    return None


def address_of(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimitMiddleware(ASGIMiddleware):
    """Counts each request against one bucket: by "address" (put before authentication)
    or by "credential" (after it). Their header items add up in the answer."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, limiter: RateLimiter, by: str) -> None:
        self.limiter = limiter
        self.by = by

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        kind = kind_of(scope)
        key = (
            None
            if kind is None
            else (address_of(scope) if self.by == "address" else credential_of(scope))
        )
        if kind is None or key is None:
            await next_app(scope, receive, send)
            return
        allowed, counted = self.limiter.take(kind, self.by, key)
        headers = counted.headers()
        if not allowed:
            wait = max(bucket.wait() for _, bucket in counted.buckets)
            retry_after = str(max(1, math.ceil(wait)))
            raise RateLimited(
                detail=f"För många förfrågningar; försök igen om {retry_after} s.",
                headers={**headers, "Retry-After": retry_after},
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_items(MutableScopeHeaders.from_message(message), headers)
            await send(message)

        await next_app(scope, receive, send_with_headers)


def add_items(headers: MutableScopeHeaders, items: dict[str, str]) -> None:
    """Append this bucket's items to the RateLimit headers already set (structured lists)."""
    for name, value in items.items():
        present = headers.get(name)
        if present is None:
            headers[name] = value
        elif value not in present:
            headers[name] = f"{present}, {value}"


def too_many_requests(request: Request[Any, Any, Any], exc: RateLimited) -> Response[Any]:
    headers = dict(exc.headers or {})
    if request.url.path.startswith(f"{API_PREFIX}/"):
        slug, title = HTTP_PROBLEMS[429]
        return problem_response(request, 429, slug, title, exc.detail, headers=headers)
    response = page(
        request,
        "errors/error.html",
        status_code=429,
        title="För många försök",
        heading="För många försök",
        text=f"{exc.detail} Vänta en stund och ladda sedan om sidan.",
    )
    response.headers.update(headers)
    return response


RATE_LIMIT_HANDLERS: ExceptionHandlersMap = {RateLimited: too_many_requests}
