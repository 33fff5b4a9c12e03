"""A draft revision's content: one section, or the situation picture, replaced whole.

Sections and the situation picture are parts of the revision and have no ETag of
their own: a write carries the revision's, and the answer's `ETag` is the revision's
new one (its version after this write), ready for the next change.
"""

from __future__ import annotations

from litestar import Controller, Response, put
from litestar.params import JSONBody

from planregistry import PutSection, PutSituation, Section, SituationPicture
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id, Slug
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    expected_version,
    revision_etag,
)
from planregistry_domain.policy import Action
from planregistry_domain.wire import REVISION


class ContentController(Controller):
    path = "/revisions/{revision_id:int}"
    tags = ("revisions",)

    @put(
        "/sections/{section_key:str}",
        operation_id="putSection",
        opt=requires(Action.EDIT_DRAFT),
        summary="Create or replace a section of a draft revision",
        description="A new key is added after the others. Needs the revision's `If-Match`; "
        "the answer's ETag is the revision's new one.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def put_section(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        section_key: Slug,
        data: JSONBody[PutSection],
        if_match: IfMatch = None,
    ) -> Response[Section]:
        expected = expected_version(if_match, REVISION, revision_id)
        written = registry.put_section(
            revision_id, section_key, data, expected_version=expected, actor=actor
        )
        return Response(written.value, headers=revision_etag(written))

    @put(
        "/situation",
        operation_id="putSituation",
        opt=requires(Action.EDIT_DRAFT),
        summary="Replace a draft revision's situation picture (lägesbild)",
        description="Survey answers name the programme's questions, police assessments its "
        "environments. Needs the revision's `If-Match`; the answer's ETag is the "
        "revision's new one.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def put_situation(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        revision_id: Id,
        data: JSONBody[PutSituation],
        if_match: IfMatch = None,
    ) -> Response[SituationPicture]:
        expected = expected_version(if_match, REVISION, revision_id)
        written = registry.put_situation(revision_id, data, expected_version=expected, actor=actor)
        return Response(written.value, headers=revision_etag(written))
