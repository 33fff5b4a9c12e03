"""Programmes (riktlinjer/program): read-only reference data."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from planregistry import Programme
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.pagination import (
    DEFAULT_LIMIT,
    LINK_HEADER,
    Cursor,
    Envelope,
    Limit,
    paginated,
)
from planregistry_api.parameters import Slug
from planregistry_domain.policy import Action


class ProgrammeController(Controller):
    path = "/programmes"
    tags = ("programmes",)

    @get(
        "/",
        operation_id="listProgrammes",
        opt=requires(Action.READ_REFERENCE),
        summary="List programmes",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400),
    )
    def list_programmes(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Programme]]:
        page = registry.list_programmes(limit=limit, cursor=cursor, actor=actor)
        return paginated(page, request)

    @get(
        "/{programme_id:str}",
        operation_id="getProgramme",
        opt=requires(Action.READ_REFERENCE),
        summary="Read a programme",
        description="Its sections, activity levels and themes, survey questions, police "
        "environments and revision cycle.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def get_programme(
        self, registry: RegistryDep, actor: ActorDep, programme_id: Slug
    ) -> Programme:
        return registry.get_programme(programme_id, actor=actor)
