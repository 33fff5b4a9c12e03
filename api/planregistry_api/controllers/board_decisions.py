"""Kommunstyrelsen's joint decision over many revisions, and the answers to its conditions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import JSONBody

from planregistry import (
    AnswerCondition,
    BoardDecision,
    ConditionResponse,
    ConditionToAnswer,
    RecordBoardDecision,
    RecordedBoardDecision,
)
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_api.parameters import Id
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    PreconditionRequired,
    expected_version,
    revision_etag,
)
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX, REVISION


class BoardDecisionController(Controller):
    path = "/board-decisions"
    tags = ("decisions",)

    @post(
        "/",
        operation_id="recordBoardDecision",
        opt=requires(Action.RECORD_BOARD_DECISION),
        summary="Record kommunstyrelsen's decision over many revisions in one matter",
        description="One case number, minutes paragraph and date; per revision an outcome "
        "and its conditions (a list). Every covered revision moves along its lifecycle in "
        "one transaction, or none does: `If-Match` lists the ETag of every covered "
        'revision (`"revision-12-v7", "revision-13-v2"`); one stale tag is 412, one '
        "revision whose status does not allow its outcome 409 `illegal-transition`. The "
        "answer lists each revision's new version; `Location` is the decision.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def record_board_decision(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        data: JSONBody[RecordBoardDecision],
        if_match: IfMatch = None,
    ) -> Response[RecordedBoardDecision]:
        if if_match is None or not if_match.strip():
            raise PreconditionRequired()
        versions = {
            item.revision_id: expected_version(if_match, REVISION, item.revision_id)
            for item in data.items
        }
        recorded = registry.record_board_decision(data, expected_versions=versions, actor=actor)
        location = f"{API_PREFIX}/board-decisions/{recorded.board_decision.id}"
        return Response(recorded, status_code=201, headers={"Location": location})

    @get(
        "/",
        operation_id="listBoardDecisions",
        opt=requires(Action.READ_COMPARISONS),
        summary="List kommunstyrelsen's decisions",
        description="Oldest first. A coordinator gets only the decisions covering its own "
        "organisation, each with its own organisation's part alone.",
        sync_to_thread=True,
        responses=problems.responses(400),
    )
    def list_board_decisions(
        self, registry: RegistryDep, actor: ActorDep, request: Request[Any, Any, Any]
    ) -> Response[Envelope[BoardDecision]]:
        return paginated(Page(items=registry.list_board_decisions(actor=actor)), request)

    @get(
        "/{board_decision_id:int}",
        operation_id="getBoardDecision",
        opt=requires(Action.READ_PLAN),
        summary="Read one of kommunstyrelsen's decisions",
        description="A coordinator sees its own organisation's part; a decision covering "
        "none of its plans is 404.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def get_board_decision(
        self, registry: RegistryDep, actor: ActorDep, board_decision_id: Id
    ) -> BoardDecision:
        return registry.get_board_decision(board_decision_id, actor=actor)


class ConditionController(Controller):
    path = "/revisions/{revision_id:int}/conditions"
    tags = ("decisions",)

    @get(
        "/",
        operation_id="listConditionsToAnswer",
        opt=requires(Action.READ_PLAN),
        summary="The board's conditions a revision must answer",
        description="The conditions of the approval of the revision this one replaces, each "
        "with this revision's response (null while unanswered).",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_conditions(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        revision_id: Id,
    ) -> Response[Envelope[ConditionToAnswer]]:
        page = Page(items=registry.conditions_to_answer(revision_id, actor=actor))
        return paginated(page, request)

    @put(
        "/{condition_id:int}/response",
        operation_id="answerCondition",
        opt=requires(Action.EDIT_DRAFT),
        summary="Answer one of the board's conditions in the draft",
        description="A change to the draft like any other: needs the revision's `If-Match`; "
        "the answer's ETag is the revision's new one. A condition this revision does not "
        "answer is 404.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def answer_condition(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        condition_id: Id,
        data: JSONBody[AnswerCondition],
        if_match: IfMatch = None,
    ) -> Response[ConditionResponse]:
        expected = expected_version(if_match, REVISION, revision_id)
        written = registry.answer_condition(
            revision_id, condition_id, data, expected_version=expected, actor=actor
        )
        return Response(written.value, headers=revision_etag(written))
