"""Signing in and out: one-time links (local use) and, when configured, OpenID Connect.

A link (`planregistry login-link`) opens a page with one button; pressing it spends the
link and starts the session, on the page of a form kept when the last session ran out,
else on the start page. The link is not spent by merely opening it, so a mail or
chat client that fetches links to preview them cannot use it up.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry_api.access import PUBLIC, requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.web.kept_forms import KEPT_COOKIE
from planregistry_api.web.oidc import OIDC_STATE_KEY
from planregistry_api.web.pages import SIGN_IN_PATH, LinkSecret, Query, page
from planregistry_api.web.session import (
    COOKIE,
    CSRF_EXEMPT,
    clear_session_cookie,
    session_cookie,
    session_of,
)
from planregistry_domain.policy import Action

LINK_PATH = f"{SIGN_IN_PATH}/lank"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SignInController(Controller):
    path = SIGN_IN_PATH
    include_in_schema = False

    @get("/", opt=PUBLIC, sync_to_thread=False, name="web:sign-in")
    def sign_in(self, request: Request[Any, Any, Any], nasta: Query = None) -> Template:
        oidc = request.app.state.get(OIDC_STATE_KEY)
        return page(
            request,
            "signin/index.html",
            title="Logga in",
            next=safe_next(nasta),
            oidc_enabled=oidc is not None,
        )

    @get("/lank/{secret:str}", opt=PUBLIC, sync_to_thread=False, name="web:link")
    def link(self, request: Request[Any, Any, Any], secret: LinkSecret) -> Template:
        return page(request, "signin/link.html", title="Logga in", secret=secret)

    @post(
        "/lank/{secret:str}",
        opt={**PUBLIC, CSRF_EXEMPT: True},
        status_code=303,
        name="web:redeem-link",
    )
    async def redeem(
        self, request: Request[Any, Any, Any], registry: RegistryDep, secret: LinkSecret
    ) -> Template | Redirect:
        session = await sync_to_thread(registry.redeem_sign_in_link, secret)
        if session is None:
            return page(
                request,
                "signin/link_spent.html",
                status_code=400,
                title="Länken fungerar inte",
            )
        old = request.cookies.get(COOKIE)
        if old:
            await sync_to_thread(registry.end_web_session, old)
        # A form kept when the last session ran out: back to its page, where it waits.
        kept_secret = request.cookies.get(KEPT_COOKIE)
        kept = (
            await sync_to_thread(registry.kept_form, kept_secret, actor=session.actor)
            if kept_secret
            else None
        )
        response = Redirect(safe_next(kept.path if kept else None), status_code=303)
        response.set_cookie(session_cookie(request, session))
        return response


class SignOutController(Controller):
    path = "/utloggning"
    include_in_schema = False

    @post("/", opt=requires(Action.READ_REFERENCE), status_code=303, name="web:sign-out")
    async def sign_out(self, request: Request[Any, Any, Any], registry: RegistryDep) -> Redirect:
        token = request.cookies.get(COOKIE)
        if token and session_of(request) is not None:
            await sync_to_thread(registry.end_web_session, token)
        response = Redirect(f"{SIGN_IN_PATH}?utloggad=ja", status_code=303)
        clear_session_cookie(request, response)
        return response
