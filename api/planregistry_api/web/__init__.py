"""The web views: Swedish pages for people, served by the same app outside `/api/v1`.

Pages are server-rendered (Jinja2 through Litestar's template support) over the same
`Registry` methods and policy as the API: each handler passes the signed-in person as
`actor=`, and what the library hides is a 404 page, what it refuses a 403 page.
People sign in with a browser session (`planregistry_api.web.session`), never with the
API's bearer tokens; every form carries the session's CSRF token.

Every asset is served by the app from `static/` (city networks block CDNs), and pages
are sent with a strict Content-Security-Policy: scripts and styles from this origin
only, no inline script or style.
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.router import Router as _Router
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope

from planregistry_api.access import PUBLIC
from planregistry_api.web.actors import ActorPagesController
from planregistry_api.web.audit import AuditController
from planregistry_api.web.board import BoardController
from planregistry_api.web.board_decisions import BoardDecisionPages
from planregistry_api.web.comparisons import ComparisonPagesController
from planregistry_api.web.cycle import CycleController
from planregistry_api.web.drafts import DraftController
from planregistry_api.web.followup import FollowUpController
from planregistry_api.web.oidc import OIDC_STATE_KEY, OidcClient, OidcController, OidcSettings
from planregistry_api.web.organisations import OrganisationController
from planregistry_api.web.pages import EXCEPTION_HANDLERS, STATIC, STATIC_PATH, template_config
from planregistry_api.web.revisions import RevisionController
from planregistry_api.web.session import WebSessionMiddleware, check_csrf
from planregistry_api.web.signin import SignInController, SignOutController
from planregistry_api.web.workspace import WorkspaceController

# The first segments of the pages' paths. The API's bearer authentication skips these
# paths: pages sign people in with their own session cookie.
PAGE_ROOTS = (
    "organisationer",
    "revisioner",
    "jamforelser",
    "logg",
    "aktorer",
    "kommunstyrelsen",
    "inloggning",
    "utloggning",
)
_ROOTS = "|".join((*PAGE_ROOTS, STATIC_PATH.strip("/")))
OUTSIDE_API = rf"^/$|^/(?:{_ROOTS})(?:/|$)"

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def web_router() -> _Router:
    """Every page, with the session middleware, the CSRF check and the error pages; and
    the static assets beside them (no session is looked up for a stylesheet)."""
    pages = Router(
        path="/",
        route_handlers=[
            BoardController,
            BoardDecisionPages,
            OrganisationController,
            RevisionController,
            CycleController,
            FollowUpController,
            DraftController,
            WorkspaceController,
            AuditController,
            ComparisonPagesController,
            ActorPagesController,
            SignInController,
            SignOutController,
            OidcController,
        ],
        middleware=[WebSessionMiddleware()],
        before_request=check_csrf,
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
    )
    assets = create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC],
        opt=PUBLIC,
        include_in_schema=False,
    )
    return Router(path="/", route_handlers=[pages, assets], include_in_schema=False)


async def page_headers(message: Message, scope: Scope) -> None:
    """`before_send`: pages may load this origin's scripts and styles, and nothing else."""
    if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
        return
    if scope["path"].startswith("/api/"):
        return
    headers = MutableScopeHeaders.from_message(message)
    if headers.get("content-type", "").startswith("text/html"):
        headers["Content-Security-Policy"] = PAGE_CSP
    if scope["path"].startswith(STATIC_PATH + "/"):
        # Assets hold no data: a day in any cache is fine.
        headers["Cache-Control"] = "public, max-age=86400"


def web_state(oidc: OidcSettings | None) -> dict[str, object]:
    """What the pages keep in the app's state: the OIDC client, when configured."""
    return {OIDC_STATE_KEY: OidcClient(oidc) if oidc is not None else None}


__all__ = [
    "OUTSIDE_API",
    "PAGE_CSP",
    "OidcSettings",
    "page_headers",
    "template_config",
    "web_router",
    "web_state",
]
