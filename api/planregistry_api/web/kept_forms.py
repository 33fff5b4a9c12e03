"""Nothing typed is lost when a session runs out: the form is kept over sign-in.

`KeepExpiredForms` sits on the editor's routes: a post that arrives after its session
has expired is kept by the library (`Registry.keep_expired_form`, vouched for by the
old session's cookie and CSRF token) and the person is sent to sign in, with a cookie
holding the kept form's secret (never in a URL). Once signed in again, the page the
form was posted to takes it back (`restore`) and shows it, unsaved, to check and save.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.datastructures import Cookie, FormMultiDict
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from planregistry import Registry
from planregistry_api.dependencies import REGISTRY_STATE_KEY
from planregistry_api.web.pages import SIGN_IN_PATH, page
from planregistry_api.web.session import COOKIE, CSRF_FIELD, is_tls
from planregistry_domain.actor import Actor
from planregistry_domain.sessions import KeptForm

KEPT_COOKIE = "planregistry_kept_form"


class KeepExpiredForms(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path = scope["path"]
        if (
            scope.get("method") != "POST"
            or scope.get("user") is not None
            or path.endswith(("/flytta", "/ta-bort"))  # a button, nothing typed
        ):
            await next_app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive)
        token = request.cookies.get(COOKIE)
        secret = None
        if token:
            # The body is cached on the connection: the route still reads it if not kept.
            form = await request.form()
            fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            registry: Registry = scope["app"].state[REGISTRY_STATE_KEY]
            secret = await sync_to_thread(
                registry.keep_expired_form,
                token,
                str(form.get(CSRF_FIELD) or ""),
                request.url.path,
                [(k, v) for k, v in fields if k != CSRF_FIELD],
            )
        if secret is None:
            await next_app(scope, receive, send)
            return
        response = page(
            request,
            "drafts/expired.html",
            status_code=401,
            title="Inloggningen har gått ut",
            sign_in=f"{SIGN_IN_PATH}?nasta={quote(request.url.path, safe='')}",
        )
        response.set_cookie(
            Cookie(
                key=KEPT_COOKIE,
                value=secret,
                path="/",
                httponly=True,
                samesite="lax",
                secure=is_tls(request),
            )
        )
        await response.to_asgi_response(app=scope["app"], request=request)(scope, receive, send)


def waiting(request: Request[Any, Any, Any], registry: Registry, actor: Actor) -> KeptForm | None:
    """The form kept for this person, if one waits (for a reminder on their home)."""
    secret = request.cookies.get(KEPT_COOKIE)
    return registry.kept_form(secret, actor=actor) if secret else None


def restore(
    request: Request[Any, Any, Any], registry: Registry, actor: Actor
) -> FormMultiDict | None:
    """The form kept for this page and person, taken back (once)."""
    secret = request.cookies.get(KEPT_COOKIE)
    if not secret:
        return None
    kept = registry.take_kept_form(secret, request.url.path, actor=actor)
    return None if kept is None else FormMultiDict(kept.fields)
