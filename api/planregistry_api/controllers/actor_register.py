"""The actors register of a municipality: its actors, the names plans write that match
none of them, and mapping such a name to an actor."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import JSONBody

from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_api.parameters import Id, Slug
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    IfNoneMatch,
    expected_version,
    tagged,
)
from planregistry_domain.actor_register import (
    ACTOR_ETAG,
    CreatePlanActor,
    MapActorName,
    PlanActor,
    UnmatchedName,
    UpdatePlanActor,
)
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX, etag


def plan_actor_etag(actor: PlanActor) -> str:
    return etag(ACTOR_ETAG, actor.id, actor.version)


def plan_actor_url(actor_id: int) -> str:
    return f"{API_PREFIX}/actors/{actor_id}"


_REGISTER = (
    "The register holds each real actor once (kind, canonical Swedish name, aliases); "
    "plans keep their free text, matched to an actor ignoring case and the Swedish "
    "definite form (Polis/Polisen) or through an alias. The whole register is one page."
)


class ActorRegisterController(Controller):
    path = "/municipalities/{municipality_id:str}"
    tags = ("actors",)

    @get(
        "/actors",
        operation_id="listPlanActors",
        opt=requires(Action.READ_ORGANIZATION),
        summary="List the municipality's actors register",
        description=_REGISTER,
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_plan_actors(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        municipality_id: Slug,
    ) -> Response[Envelope[PlanActor]]:
        actors = registry.list_plan_actors(municipality_id, actor=actor)
        return paginated(Page(items=actors), request)

    @post(
        "/actors",
        operation_id="createPlanActor",
        opt=requires(Action.MANAGE_ORGANIZATION),
        summary="Add an actor to the register",
        description="A name or alias another actor already has is 409 `conflict`.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_plan_actor(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        municipality_id: Slug,
        data: JSONBody[CreatePlanActor],
    ) -> Response[PlanActor]:
        created = registry.create_plan_actor(municipality_id, data, actor=actor)
        return Response(
            created,
            status_code=201,
            headers={"Location": plan_actor_url(created.id), "ETag": plan_actor_etag(created)},
        )

    @get(
        "/unmatched-actor-names",
        operation_id="listUnmatchedActorNames",
        opt=requires(Action.READ_ORGANIZATION),
        summary="Names plans write that match no actor",
        description="Responsible actors and partners, in any revision of the municipality's "
        "plans, that match no actor of the register (or several: `ambiguous_between`); most "
        "written first. Map one to an actor (`mapActorName`) or add the actor.",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_unmatched_actor_names(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        municipality_id: Slug,
    ) -> Response[Envelope[UnmatchedName]]:
        names = registry.unmatched_actor_names(municipality_id, actor=actor)
        return paginated(Page(items=names), request)


class PlanActorController(Controller):
    path = "/actors/{actor_id:int}"
    tags = ("actors",)

    @get(
        "/",
        operation_id="getPlanActor",
        opt=requires(Action.READ_ORGANIZATION),
        summary="Read an actor of the register",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses={**problems.responses(400, 404), **problems.NOT_MODIFIED},
    )
    def get_plan_actor(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        actor_id: Id,
        if_none_match: IfNoneMatch = None,
    ) -> Response[PlanActor]:
        found = registry.get_plan_actor(actor_id, actor=actor)
        return tagged(found, plan_actor_etag(found), if_none_match)

    @patch(
        "/",
        operation_id="updatePlanActor",
        opt=requires(Action.MANAGE_ORGANIZATION),
        summary="Change an actor of the register",
        description="Fields left out stay as they are; `aliases` replaces the list. "
        "Needs `If-Match`.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def update_plan_actor(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        actor_id: Id,
        data: JSONBody[UpdatePlanActor],
        if_match: IfMatch = None,
    ) -> Response[PlanActor]:
        expected = expected_version(if_match, ACTOR_ETAG, actor_id)
        updated = registry.update_plan_actor(actor_id, data, expected_version=expected, actor=actor)
        return tagged(updated, plan_actor_etag(updated))

    @post(
        "/aliases",
        operation_id="mapActorName",
        opt=requires(Action.MANAGE_ORGANIZATION),
        summary="Map a name plans write to this actor",
        description="The name becomes one of the actor's aliases, so every view groups it "
        "under the actor at once; the plans are not changed. A name the actor already "
        "matches exactly changes nothing. Needs the actor's `If-Match`.",
        sync_to_thread=True,
        status_code=200,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 412, 413, 422, 428),
    )
    def map_actor_name(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        actor_id: Id,
        data: JSONBody[MapActorName],
        if_match: IfMatch = None,
    ) -> Response[PlanActor]:
        expected = expected_version(if_match, ACTOR_ETAG, actor_id)
        mapped = registry.map_actor_name(actor_id, data, expected_version=expected, actor=actor)
        return tagged(mapped, plan_actor_etag(mapped))
