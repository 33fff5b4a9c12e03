"""The Litestar application: `create_app()` is the factory `planregistry serve` runs.

One Registry per application, opened from `PLANREGISTRY_DATABASE_URL` (or passed in,
as the tests do) and disposed on shutdown if the application opened it. The Registry
is synchronous, so handlers are sync and run in Litestar's thread pool.

Every request but the public ones (health, the OpenAPI document) is authenticated
(`planregistry_api.auth`), and every handler passes the caller to the library as
`actor=`. The key tokens are verified with comes from the environment
(`TokenKeys.from_env()`) unless given; without one the app refuses to start.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide

from planregistry import Registry, settings
from planregistry_api import access_log, security_log
from planregistry_api.access import check_route_policies, require_actor
from planregistry_api.auth import provide_actor, security_config
from planregistry_api.controllers import CONTROLLERS
from planregistry_api.controllers.comparisons import ComparisonController as Comparisons
from planregistry_api.dependencies import REGISTRY_STATE_KEY, provide_registry
from planregistry_api.hardening import RequestContextMiddleware, security_headers_hook
from planregistry_api.idempotency import IdempotencyMiddleware, document_idempotency_key
from planregistry_api.openapi import SCHEMA_PATH, complete_openapi, openapi_config
from planregistry_api.options import options_allow_hook
from planregistry_api.outage import OUTAGE_HANDLERS
from planregistry_api.problems import EXCEPTION_HANDLERS
from planregistry_api.ratelimit import RATE_LIMIT_HANDLERS, RateLimiter, RateLimitMiddleware
from planregistry_api.request_checks import check_request
from planregistry_api.token_keys import (
    JWKS_FILE_ENV,
    JWT_PUBLIC_KEY_ENV,
    JWT_SECRET_ENV,
    AuthConfigurationError,
    TokenKeys,
)
from planregistry_api.web import (
    OUTSIDE_API,
    OidcSettings,
    page_headers,
    template_config,
    web_router,
    web_state,
)
from planregistry_domain.wire import API_PREFIX

MAX_BODY_BYTES = 1024 * 1024


def create_app(
    registry: Registry | None = None,
    *,
    keys: TokenKeys | None = None,
    oidc: OidcSettings | None = None,
    rate_limits: dict[str, tuple[settings.Limit, settings.Limit]] | None = None,
) -> Litestar:
    """The app; `oidc` (else `PLANREGISTRY_OIDC_*`) turns on OpenID Connect for the pages,
    `rate_limits` (else `PLANREGISTRY_RATE_LIMIT*`; `{}` for none) limit each caller."""
    keys = keys or TokenKeys.from_env()
    oidc = oidc or OidcSettings.from_env()
    rate_limits = settings.rate_limits() if rate_limits is None else rate_limits
    limiter = RateLimiter(rate_limits) if rate_limits else None
    if keys is None:
        raise AuthConfigurationError(
            f"Ingen nyckel att verifiera token med: ange {JWT_SECRET_ENV}, "
            f"{JWT_PUBLIC_KEY_ENV} eller {JWKS_FILE_ENV} (`planregistry serve` skapar en "
            "lokal hemlighet när ingen är angiven)."
        )
    owned = registry is None
    if registry is None:
        registry = Registry.open(**settings.engine_options())
    auth = security_config(keys)
    # The web views (every path outside /api/) sign people in with a session cookie.
    auth.exclude = [OUTSIDE_API]
    app = Litestar(
        route_handlers=[
            Router(path=API_PREFIX, route_handlers=[*CONTROLLERS, Comparisons]),
            web_router(),
        ],
        dependencies={
            "registry": Provide(provide_registry, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
        },
        state=State({REGISTRY_STATE_KEY: registry, **web_state(oidc)}),
        exception_handlers={**EXCEPTION_HANDLERS, **OUTAGE_HANDLERS, **RATE_LIMIT_HANDLERS},
        on_app_init=[auth.on_app_init, _rate_limits_by_address(limiter)],
        guards=[require_actor],
        # After authentication (which Litestar puts first): rate limits and idempotency
        # keys are per caller; a request refused for its rate claims no key.
        middleware=[
            RequestContextMiddleware(),
            *([RateLimitMiddleware(limiter, by="credential")] if limiter else []),
            IdempotencyMiddleware(),
        ],
        before_request=check_request,
        before_send=[security_headers_hook(SCHEMA_PATH), page_headers],
        template_config=template_config(),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=openapi_config(),
        # A registry passed in belongs to the caller, who closes it.
        on_shutdown=[registry.close] if owned else [],
    )
    app.before_send.insert(0, options_allow_hook(app))
    try:
        check_route_policies(app)
        complete_openapi(app)
        document_idempotency_key(app.openapi_schema)
    except Exception:
        if owned:
            registry.close()
        raise
    security_log.configure()
    app.asgi_handler = security_log.logged(app.asgi_handler)
    if access_log.enabled():
        access_log.configure()
        # Around the whole handler (routing, authentication, errors): every answer is logged.
        app.asgi_handler = access_log.logged(app.asgi_handler)
    return app


def _rate_limits_by_address(limiter: RateLimiter | None) -> Callable[[AppConfig], AppConfig]:
    """Count by address before authentication: a flood of bad credentials is limited
    before any is verified."""

    def on_app_init(app_config: AppConfig) -> AppConfig:
        if limiter is not None:
            app_config.middleware.insert(0, RateLimitMiddleware(limiter, by="address"))
        return app_config

    return on_app_init
