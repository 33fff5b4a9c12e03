"""Organisations (förvaltning + nämnd): list, create, read, change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromQuery, JSONBody

from planregistry import (
    CreateOrganization,
    Organization,
    OrganizationKind,
    UpdateOrganization,
)
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
from planregistry_api.parameters import OptionalSlug, Slug
from planregistry_api.preconditions import (
    ETAG_HEADER,
    IfMatch,
    IfNoneMatch,
    expected_version,
    tagged,
)
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX, ORGANIZATION, etag


def organization_etag(organization: Organization) -> str:
    return etag(ORGANIZATION, organization.id, organization.version)


def organization_url(org_id: str) -> str:
    return f"{API_PREFIX}/organizations/{org_id}"


class OrganizationController(Controller):
    path = "/organizations"
    tags = ("organizations",)

    @get(
        "/",
        operation_id="listOrganizations",
        opt=requires(Action.READ_ORGANIZATION),
        summary="List organisations",
        description="By id; filter by `kind` and `municipality`. Every organisation, those "
        "merged or renamed away included, unless `valid_on` (a date) asks for those that "
        "existed on that day.",
        sync_to_thread=True,
        response_headers=[LINK_HEADER],
        responses=problems.responses(400),
    )
    def list_organizations(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        kind: FromQuery[OrganizationKind | None] = None,
        municipality: OptionalSlug = None,
        modified_since: ModifiedSince = None,
        valid_on: FromQuery[dt.date | None] = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[Envelope[Organization]]:
        page = registry.list_organizations(
            kind=kind,
            municipality=municipality,
            modified_since=modified_since,
            valid_on=valid_on,
            limit=limit,
            cursor=cursor,
            actor=actor,
        )
        return paginated(page, request)

    @post(
        "/",
        operation_id="createOrganization",
        opt=requires(Action.MANAGE_ORGANIZATION),
        summary="Create an organisation",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER, ETAG_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_organization(
        self, registry: RegistryDep, actor: ActorDep, data: JSONBody[CreateOrganization]
    ) -> Response[Organization]:
        organization = registry.create_organization(data, actor=actor)
        return Response(
            organization,
            status_code=201,
            headers={
                "Location": organization_url(organization.id),
                "ETag": organization_etag(organization),
            },
        )

    @get(
        "/{org_id:str}",
        operation_id="getOrganization",
        opt=requires(Action.READ_ORGANIZATION),
        summary="Read an organisation",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses={**problems.responses(400, 404), **problems.NOT_MODIFIED},
    )
    def get_organization(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        org_id: Slug,
        if_none_match: IfNoneMatch = None,
    ) -> Response[Organization]:
        organization = registry.get_organization(org_id, actor=actor)
        return tagged(organization, organization_etag(organization), if_none_match)

    @patch(
        "/{org_id:str}",
        operation_id="updateOrganization",
        opt=requires(Action.MANAGE_ORGANIZATION),
        summary="Change an organisation",
        description="Fields left out stay as they are. Needs `If-Match`.",
        sync_to_thread=True,
        response_headers=[ETAG_HEADER],
        responses=problems.responses(400, 404, 412, 413, 422, 428),
    )
    def update_organization(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        org_id: Slug,
        data: JSONBody[UpdateOrganization],
        if_match: IfMatch = None,
    ) -> Response[Organization]:
        expected = expected_version(if_match, ORGANIZATION, org_id)
        organization = registry.update_organization(
            org_id, data, expected_version=expected, actor=actor
        )
        return tagged(organization, organization_etag(organization))
