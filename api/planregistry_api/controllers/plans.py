"""Plans (handlingsplaner): an organisation's plan under one programme."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from planregistry import CreatePlan, Plan
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import (
    DEFAULT_LIMIT,
    LINK_HEADER,
    Cursor,
    Envelope,
    Limit,
    ModifiedSince,
    paginated,
)
from planregistry_api.parameters import Id, OptionalSlug, Slug
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX


class PlanController(Controller):
    path = "/"
    tags = ("plans",)

    @get(
        "/organizations/{org_id:str}/plans",
        operation_id="listPlans",
        opt=requires(Action.READ_PLAN),
        summary="List an organisation's plans",
        description="Filter by `programme`. `modified_since` also finds plans whose "
        "revisions changed, since a plan lists its revisions.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400, 404),
    )
    def list_plans(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        org_id: Slug,
        programme: OptionalSlug = None,
        modified_since: ModifiedSince = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Plan]]:
        page = registry.list_plans(
            org_id,
            programme=programme,
            modified_since=modified_since,
            limit=limit,
            cursor=cursor,
            actor=actor,
        )
        return paginated(page, request)

    @post(
        "/organizations/{org_id:str}/plans",
        operation_id="createPlan",
        opt=requires(Action.EDIT_DRAFT),
        summary="Create an organisation's plan under a programme",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_plan(
        self, registry: RegistryDep, actor: ActorDep, org_id: Slug, data: JSONBody[CreatePlan]
    ) -> Response[Plan]:
        plan = registry.create_plan(org_id, data, actor=actor)
        return Response(
            plan, status_code=201, headers={"Location": f"{API_PREFIX}/plans/{plan.id}"}
        )

    @get(
        "/plans/{plan_id:int}",
        operation_id="getPlan",
        opt=requires(Action.READ_PLAN),
        summary="Read a plan",
        description="With a summary of each of its revisions.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def get_plan(self, registry: RegistryDep, actor: ActorDep, plan_id: Id) -> Plan:
        return registry.get_plan(plan_id, actor=actor)
