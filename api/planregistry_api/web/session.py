"""Browser sessions: the cookie, who it stands for, and the CSRF check on every form.

The cookie holds a random secret; the session itself (who, its CSRF token, idle and
absolute expiry) is in the database (`Registry.web_session`), so any server process
can serve the next page and signing out ends the session everywhere at once.

Every form of a session carries its CSRF token (`csrf_token`, a hidden field); a
post without the right one is refused before its handler runs (synchronizer-token
pattern: the token is the session's own, so no shared secret has to be configured).
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, Response
from litestar.concurrency import sync_to_thread
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from planregistry import Registry
from planregistry_api.dependencies import REGISTRY_STATE_KEY
from planregistry_domain.sessions import WebSession

COOKIE = "planregistry_session"
CSRF_FIELD = "csrf_token"
# Forms that start a session (a sign-in link) have no session to take a token from.
CSRF_EXEMPT = "csrf_exempt"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(Exception):
    """A form posted without its session's CSRF token."""


def session_of(connection: ASGIConnection[Any, Any, Any, Any]) -> WebSession | None:
    auth = connection.scope.get("auth")
    return auth if isinstance(auth, WebSession) else None


class WebSessionMiddleware(ASGIMiddleware):
    """Puts the session's person in `scope["user"]` (and the session in `scope["auth"]`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = ASGIConnection[Any, Any, Any, Any](scope).cookies.get(COOKIE)
        if token:
            registry: Registry = scope["app"].state[REGISTRY_STATE_KEY]
            session = await sync_to_thread(registry.web_session, token)
            if session is not None:
                scope["user"] = session.actor
                scope["auth"] = session
        await next_app(scope, receive, send)


async def check_csrf(request: Request[Any, Any, Any]) -> None:
    """`before_request` of every page: a post must carry its session's CSRF token."""
    if request.method in _SAFE or request.route_handler.opt.get(CSRF_EXEMPT):
        return
    session = session_of(request)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if session is None or not isinstance(sent, str) or not sent:
        raise CsrfRefused
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CsrfRefused


def is_tls(request: Request[Any, Any, Any]) -> bool:
    """Served over TLS, here or at a proxy in front (which says so in X-Forwarded-Proto).

    Trusting the header is safe here: a client that sends it only makes its own cookie
    Secure."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def session_cookie(request: Request[Any, Any, Any], session: WebSession) -> Cookie:
    """The cookie that starts a session: HttpOnly, SameSite=Lax, Secure over TLS.

    No `max_age`: the browser forgets it when closed; the server ends it after the idle
    time or, in any case, at `expires_at`.
    """
    return Cookie(
        key=COOKIE,
        value=session.token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_tls(request),
    )


def clear_session_cookie(request: Request[Any, Any, Any], response: Response[Any]) -> None:
    response.delete_cookie(COOKIE, path="/")
