"""The Litestar application: `create_app()` is the factory `planregistry serve` runs.

One Registry per application, opened from `PLANREGISTRY_DATABASE_URL` (or passed in,
as the tests do) and disposed on shutdown if the application opened it. The Registry
is synchronous, so handlers are sync and run in Litestar's thread pool.
"""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide

from planregistry import Registry
from planregistry_api.bodies import check_body_strictly
from planregistry_api.controllers import CONTROLLERS
from planregistry_api.controllers.comparisons import ComparisonController as Comparisons
from planregistry_api.dependencies import REGISTRY_STATE_KEY, provide_registry
from planregistry_api.openapi import API_PREFIX, complete_openapi, openapi_config
from planregistry_api.problems import EXCEPTION_HANDLERS

MAX_BODY_BYTES = 1024 * 1024


def create_app(registry: Registry | None = None) -> Litestar:
    owned = registry is None
    registry = Registry.open() if registry is None else registry
    app = Litestar(
        route_handlers=[Router(path=API_PREFIX, route_handlers=[*CONTROLLERS, Comparisons])],
        dependencies={"registry": Provide(provide_registry, sync_to_thread=False)},
        state=State({REGISTRY_STATE_KEY: registry}),
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=check_body_strictly,
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=openapi_config(),
        # A registry passed in belongs to the caller, who closes it.
        on_shutdown=[registry.close] if owned else [],
    )
    complete_openapi(app.openapi_schema)
    return app
