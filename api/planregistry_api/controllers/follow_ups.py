"""Follow-up (uppföljning): an activity's status reported per period."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, QueryParameter

from planregistry import FollowUp, ReportFollowUp
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
from planregistry_api.parameters import Id
from planregistry_domain.constraints import Period
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX

PeriodFilter = Annotated[
    str | None,
    QueryParameter(pattern=get_args(Period)[1].pattern, description="e.g. `2018-T1`."),
]


class FollowUpController(Controller):
    path = "/activities/{activity_id:int}/follow-ups"
    tags = ("follow-ups",)

    @get(
        "/",
        operation_id="listFollowUps",
        opt=requires(Action.READ_PLAN),
        summary="List an activity's follow-ups",
        description="In the order reported; filter by `period`. Reports never change, so "
        "`modified_since` compares the time reported.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400, 404),
    )
    def list_follow_ups(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        activity_id: Id,
        period: PeriodFilter = None,
        modified_since: ModifiedSince = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[FollowUp]]:
        page = registry.list_follow_ups(
            activity_id,
            period=period,
            modified_since=modified_since,
            limit=limit,
            cursor=cursor,
            actor=actor,
        )
        return paginated(page, request)

    @post(
        "/",
        operation_id="reportFollowUp",
        opt=requires(Action.REPORT_FOLLOW_UP),
        summary="Report an activity's status for a period",
        description="Only activities of the plan in force (an approved revision) are "
        "followed up (409 otherwise). Needs no `If-Match`. `Location` is the activity's "
        "follow-up list, where the report appears by its id.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def report_follow_up(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        activity_id: Id,
        data: JSONBody[ReportFollowUp],
    ) -> Response[FollowUp]:
        follow_up = registry.report_follow_up(activity_id, data, actor=actor)
        location = f"{API_PREFIX}/activities/{activity_id}/follow-ups"
        return Response(follow_up, status_code=201, headers={"Location": location})
