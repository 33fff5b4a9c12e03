"""Decisions on a revision by its committee (nämnden) and the city executive board (KS)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from planregistry import Decision, RecordDecision
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
    expected_version,
    revision_etag,
)
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX, REVISION


class DecisionController(Controller):
    path = "/revisions/{revision_id:int}/decisions"
    tags = ("decisions",)

    @get(
        "/",
        operation_id="listDecisions",
        opt=requires(Action.READ_PLAN),
        summary="List a revision's decisions",
        description="In the order recorded; `modified_since` compares the time recorded.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400, 404),
    )
    def list_decisions(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        revision_id: Id,
        modified_since: ModifiedSince = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Decision]]:
        page = registry.list_decisions(
            revision_id, modified_since=modified_since, limit=limit, cursor=cursor, actor=actor
        )
        return paginated(page, request)

    @post(
        "/",
        operation_id="recordDecision",
        opt=requires(Action.RECORD_COMMITTEE_DECISION, Action.RECORD_BOARD_DECISION),
        summary="Record a committee or board decision on a revision",
        description="Moves the revision along its lifecycle (draft → awaiting_board → "
        "approved; returned → draft); a decision its status does not allow is 409 "
        "`illegal-transition` with `allowed`. Needs the revision's `If-Match`; the "
        "answer's ETag is the revision's new one and `Location` its decision list.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def record_decision(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        data: JSONBody[RecordDecision],
        if_match: IfMatch = None,
    ) -> Response[Decision]:
        expected = expected_version(if_match, REVISION, revision_id)
        written = registry.record_decision(
            revision_id, data, expected_version=expected, actor=actor
        )
        return Response(
            written.value,
            status_code=201,
            headers={
                "Location": f"{API_PREFIX}/revisions/{revision_id}/decisions",
                **revision_etag(written),
            },
        )
