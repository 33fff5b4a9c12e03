"""Central review (granskning) of a revision: feedback, completeness, and a diff."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, QueryParameter
from msgspec import Struct

from planregistry import CompletenessFinding, CreateReview, Review
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_api.parameters import MAX_ID, Id
from planregistry_domain.diff import RevisionDiff
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX

Against = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_ID, description="The revision to compare with (the older one)."),
]


class Completeness(Struct, kw_only=True):
    revision_id: int
    complete: bool
    findings: list[CompletenessFinding]


class ReviewController(Controller):
    path = "/revisions/{revision_id:int}"
    tags = ("reviews",)

    @get(
        "/reviews",
        operation_id="listReviews",
        opt=requires(Action.READ_PLAN),
        summary="List a revision's reviews",
        description="Oldest first; each with the completeness findings as they were when "
        "it was written.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_reviews(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        revision_id: Id,
    ) -> Response[Envelope[Review]]:
        # The library returns all of a revision's reviews (a handful) in one page.
        page = Page(items=registry.list_reviews(revision_id, actor=actor))
        return paginated(page, request)

    @post(
        "/reviews",
        operation_id="createReview",
        opt=requires(Action.REVIEW),
        summary="Write central feedback on a revision",
        description="Allowed in any status; stores the completeness findings of the moment. "
        "Needs no `If-Match` and leaves the revision's ETag as it is. `Location` is the "
        "revision's review list.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 413, 422),
    )
    def create_review(
        self, registry: RegistryDep, actor: ActorDep, revision_id: Id, data: JSONBody[CreateReview]
    ) -> Response[Review]:
        review = registry.add_review(revision_id, data, actor=actor)
        location = f"{API_PREFIX}/revisions/{revision_id}/reviews"
        return Response(review, status_code=201, headers={"Location": location})

    @get(
        "/completeness",
        operation_id="getCompleteness",
        opt=requires(Action.READ_PLAN),
        summary="Check a revision against its programme",
        description="Required sections, a situation picture, the required activity levels, "
        "every activity with a responsible actor and a follow-up method…",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def completeness(self, registry: RegistryDep, actor: ActorDep, revision_id: Id) -> Completeness:
        findings = registry.completeness(revision_id, actor=actor)
        return Completeness(revision_id=revision_id, complete=not findings, findings=findings)

    @get(
        "/diff",
        operation_id="diffRevisions",
        opt=requires(Action.READ_PLAN),
        summary="What changed since another revision of the same plan",
        description="`against` is the older revision; the answer lists changed sections, "
        "activities (matched by key) and situation picture, with a Swedish changelog the "
        "plan's preface can quote. Revisions of different plans: 400.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def diff(
        self, registry: RegistryDep, actor: ActorDep, revision_id: Id, against: Against
    ) -> RevisionDiff:
        return registry.diff_revisions(against, revision_id, actor=actor)
