"""A revision's activities: list and add under the revision; read, change, remove one.

An activity has its own ETag for its PATCH and DELETE; any change to it also changes
the revision's ETag.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import JSONBody

from planregistry import Activity, CreateActivity, UpdateActivity
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
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    IfNoneMatch,
    expected_version,
    tagged,
)
from planregistry_domain.policy import Action
from planregistry_domain.wire import ACTIVITY, API_PREFIX, etag


def activity_etag(activity: Activity) -> str:
    return etag(ACTIVITY, activity.id, activity.version)


class ActivityController(Controller):
    path = "/"
    tags = ("activities",)

    @get(
        "/revisions/{revision_id:int}/activities",
        operation_id="listActivities",
        opt=requires(Action.READ_PLAN),
        summary="List a revision's activities",
        description="In the plan's order.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400, 404),
    )
    def list_activities(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        revision_id: Id,
        modified_since: ModifiedSince = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Activity]]:
        page = registry.list_activities(
            revision_id, modified_since=modified_since, limit=limit, cursor=cursor, actor=actor
        )
        return paginated(page, request)

    @post(
        "/revisions/{revision_id:int}/activities",
        operation_id="createActivity",
        opt=requires(Action.EDIT_DRAFT),
        summary="Add an activity to a draft revision",
        description="Level and themes come from the plan's programme. Needs no `If-Match`; "
        "the revision's ETag changes.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_activity(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        data: JSONBody[CreateActivity],
    ) -> Response[Activity]:
        activity = registry.add_activity(revision_id, data, actor=actor)
        return Response(
            activity,
            status_code=201,
            headers={
                "Location": f"{API_PREFIX}/activities/{activity.id}",
                "ETag": activity_etag(activity),
            },
        )

    @get(
        "/activities/{activity_id:int}",
        operation_id="getActivity",
        opt=requires(Action.READ_PLAN),
        summary="Read an activity",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses={**problems.responses(400, 404), **problems.NOT_MODIFIED},
    )
    def get_activity(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        activity_id: Id,
        if_none_match: IfNoneMatch = None,
    ) -> Response[Activity]:
        activity = registry.get_activity(activity_id, actor=actor)
        return tagged(activity, activity_etag(activity), if_none_match)

    @patch(
        "/activities/{activity_id:int}",
        operation_id="updateActivity",
        opt=requires(Action.EDIT_DRAFT),
        summary="Change an activity of a draft revision",
        description="Fields left out stay as they are; `position` moves it. Needs the "
        "activity's `If-Match`.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def update_activity(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        activity_id: Id,
        data: JSONBody[UpdateActivity],
        if_match: IfMatch = None,
    ) -> Response[Activity]:
        expected = expected_version(if_match, ACTIVITY, activity_id)
        activity = registry.update_activity(
            activity_id, data, expected_version=expected, actor=actor
        )
        return tagged(activity, activity_etag(activity))

    @delete(
        "/activities/{activity_id:int}",
        operation_id="deleteActivity",
        opt=requires(Action.EDIT_DRAFT),
        summary="Remove an activity from a draft revision",
        description="Needs the activity's `If-Match`.",
        sync_to_thread=True,
        responses=problems.responses(400, 404, 409, 412, 428),
    )
    def delete_activity(
        self, registry: RegistryDep, actor: ActorDep, activity_id: Id, if_match: IfMatch = None
    ) -> None:
        expected = expected_version(if_match, ACTIVITY, activity_id)
        registry.delete_activity(activity_id, expected_version=expected, actor=actor)
