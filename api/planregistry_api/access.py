"""Every route declares its access policy in `opt`; the app refuses to start without one.

`opt=requires(Action.READ_PLAN)` names the library action a route performs (or the
actions, when the body chooses: a committee or a board decision). It is documentation
(the OpenAPI operation lists the roles the policy allows) and the key the authorisation
matrix test uses. The decision itself is the library's, per object: every use case is
given the caller as `actor=` and answers NotFound (hidden) or PermissionDenied.

`opt=PUBLIC` marks the few routes that need no credentials: the health check and the
OpenAPI document and its viewers, which reveal nothing about the registry's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from planregistry_api.token_keys import unauthenticated
from planregistry_domain.actor import Actor
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import Role

ACTIONS_KEY = "actions"
PUBLIC_KEY = "public"
PUBLIC: dict[str, Any] = {PUBLIC_KEY: True}


def requires(*actions: Action) -> dict[str, Any]:
    """`opt` for a route that performs these library actions (the policy decides)."""
    if not actions or not all(isinstance(a, Action) for a in actions):
        raise ImproperlyConfiguredException("requires() needs at least one Action.")
    return {ACTIONS_KEY: tuple(actions)}


def declared_actions(handler: BaseRouteHandler) -> tuple[Action, ...]:
    actions = handler.opt.get(ACTIONS_KEY, ())
    return tuple(actions)


def is_public(handler: BaseRouteHandler) -> bool:
    return handler.opt.get(PUBLIC_KEY) is True


def _generated(handler: HTTPRouteHandler) -> bool:
    """Litestar's own OPTIONS answer for a path (`Allow`), added to every route."""
    return handler.http_methods == {"OPTIONS"} and handler.handler_name == "options_handler"


def route_handlers(app: Litestar) -> Iterator[tuple[str, HTTPRouteHandler]]:
    """(path, handler) of every HTTP route the app serves, but Litestar's OPTIONS answers."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not _generated(handler):
                yield route.path, handler


def check_route_policies(app: Litestar) -> None:
    """Refuse an app with a route that declares no policy, or declares both kinds."""
    undeclared = [
        f"{'/'.join(sorted(handler.http_methods))} {path}"
        for path, handler in route_handlers(app)
        if is_public(handler) == bool(declared_actions(handler))
    ]
    if undeclared:
        raise ImproperlyConfiguredException(
            "Routes without an access policy (opt=requires(Action…) or opt=PUBLIC): "
            + ", ".join(sorted(undeclared))
        )


async def require_actor(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: a route that is not public is only reached by an authenticated caller.

    Async so that Litestar calls it in place; a sync guard costs a worker-thread hop."""
    if is_public(handler) or connection.scope.get("method") == "OPTIONS":
        return
    if not isinstance(connection.scope.get("user"), Actor):
        raise unauthenticated("Inloggning krävs.")


def describe_access(actions: tuple[Action, ...]) -> str:
    """Who the policy lets perform these actions, in words, for the OpenAPI description."""
    lines = [f"`{action.value}`: {_who(action)}" for action in actions]
    return "**Access** (the library decides per object): " + "; ".join(lines) + "."


def _who(action: Action) -> str:
    here, own, other = "m", "own", "other"
    actors = [
        Actor(subject="x", name="x", role=role, municipality=here, organization=own)
        for role in (Role.CENTRAL, Role.COORDINATOR, Role.READER)
    ]
    if all(judge(a, action, Scope()) is Verdict.ALLOW for a in actors):
        return "every role"
    parts: list[str] = []
    for actor in actors:
        if judge(actor, action, Scope(municipality=here, organization=other)) is Verdict.ALLOW:
            parts.append(f"`{actor.role.value}`")
        elif judge(actor, action, Scope(municipality=here, organization=own)) is Verdict.ALLOW:
            parts.append(f"`{actor.role.value}` (its own organisation)")
    return (", ".join(parts) if parts else "no role") + ", within its municipality"
