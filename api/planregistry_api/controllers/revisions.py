"""A plan's revisions: list, start a new one, read one, change its header fields."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from planregistry import CreateRevision, Revision, RevisionStatus, UpdateRevision
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
from planregistry_domain.wire import API_PREFIX, REVISION, etag

CycleYear = Annotated[int | None, QueryParameter(ge=2000, le=2100)]


def revision_etag(revision: Revision) -> str:
    return etag(REVISION, revision.id, revision.version)


class RevisionController(Controller):
    path = "/"
    tags = ("revisions",)

    @get(
        "/plans/{plan_id:int}/revisions",
        operation_id="listRevisions",
        opt=requires(Action.READ_PLAN),
        summary="List a plan's revisions",
        description="Whole revisions by number; filter by `status` and `cycle_year`.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400, 404),
    )
    def list_revisions(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        plan_id: Id,
        status: FromQuery[RevisionStatus | None] = None,
        cycle_year: CycleYear = None,
        modified_since: ModifiedSince = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Revision]]:
        page = registry.list_revisions(
            plan_id,
            status=status,
            cycle_year=cycle_year,
            modified_since=modified_since,
            limit=limit,
            cursor=cursor,
            actor=actor,
        )
        return paginated(page, request)

    @post(
        "/plans/{plan_id:int}/revisions",
        operation_id="createRevision",
        opt=requires(Action.EDIT_DRAFT),
        summary="Start a new revision of a plan",
        description="A draft; a copy of the plan's approved revision (activity keys kept), "
        "if it has one. A plan has at most one open revision (409).",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_revision(
        self, registry: RegistryDep, actor: ActorDep, plan_id: Id, data: JSONBody[CreateRevision]
    ) -> Response[Revision]:
        revision = registry.create_revision(plan_id, data, actor=actor)
        return Response(
            revision,
            status_code=201,
            headers={
                "Location": f"{API_PREFIX}/revisions/{revision.id}",
                "ETag": revision_etag(revision),
            },
        )

    @get(
        "/revisions/{revision_id:int}",
        operation_id="getRevision",
        opt=requires(Action.READ_PLAN),
        summary="Read a revision",
        description="With its sections, situation picture, activities and decisions. Its "
        "ETag changes with any change to them.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses={**problems.responses(400, 404), **problems.NOT_MODIFIED},
    )
    def get_revision(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        if_none_match: IfNoneMatch = None,
    ) -> Response[Revision]:
        revision = registry.get_revision(revision_id, actor=actor)
        return tagged(revision, revision_etag(revision), if_none_match)

    @patch(
        "/revisions/{revision_id:int}",
        operation_id="updateRevision",
        opt=requires(Action.EDIT_DRAFT),
        summary="Change a draft revision's header fields",
        description="Label, cycle year, case numbers, scope exclusions, priority areas, "
        "the answer to the board's conditions, the order of sections. Only a draft "
        "changes (409 `read-only`). Needs `If-Match`.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def update_revision(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        data: JSONBody[UpdateRevision],
        if_match: IfMatch = None,
    ) -> Response[Revision]:
        expected = expected_version(if_match, REVISION, revision_id)
        revision = registry.update_revision(
            revision_id, data, expected_version=expected, actor=actor
        )
        return tagged(revision, revision_etag(revision))
