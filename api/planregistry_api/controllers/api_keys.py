"""API keys for city systems (central role only): issue, list, revoke.

Only people manage keys: a request made with an API key is refused (403) here, so no
key can issue keys that would outlive its own revocation.

The token (`prk_<id>_<secret>`) is in the answer to `POST` and nowhere else, ever:
the registry keeps only a hash. A revoked key answers 401 from then on.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody, PathParameter

from planregistry import ApiKey, CreateApiKey, IssuedApiKey
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.idempotency import SECRET_ANSWER
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX

KeyId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class ApiKeyController(Controller):
    path = "/api-keys"
    tags = ("api-keys",)

    @get(
        "/",
        operation_id="listApiKeys",
        opt=requires(Action.MANAGE_API_KEYS),
        summary="List the municipality's API keys",
        description="Revoked ones too (with `revoked_at`); never their secrets. "
        "Not with an API key: keys are managed with a person's token.",
        sync_to_thread=True,
        responses=problems.responses(400),
    )
    def list_api_keys(
        self, registry: RegistryDep, actor: ActorDep, request: Request[Any, Any, Any]
    ) -> Response[Envelope[ApiKey]]:
        # A municipality has a handful of keys: one page.
        page = Page(items=registry.list_api_keys(actor=actor))
        return paginated(page, request)

    @post(
        "/",
        operation_id="createApiKey",
        # The token is shown once and stored nowhere, not even for an idempotent retry.
        opt={**requires(Action.MANAGE_API_KEYS), **SECRET_ANSWER},
        summary="Issue an API key for a city system",
        description="With the role it acts in (`central`, `coordinator` with its "
        "`organization`, or `reader`); the municipality is the caller's. The answer's "
        "`token` is shown this once: store it, send it as `X-API-Key`. A repeat with the "
        "same `Idempotency-Key` answers `409` (`secret-shown-once`) with the key's "
        "`Location`: the token is never stored, not even for a retry. "
        "Not with an API key (403): a key cannot issue keys.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_api_key(
        self, registry: RegistryDep, actor: ActorDep, data: JSONBody[CreateApiKey]
    ) -> Response[IssuedApiKey]:
        issued = registry.create_api_key(data, actor=actor)
        location = f"{API_PREFIX}/api-keys/{issued.key.id}"
        return Response(issued, status_code=201, headers={"Location": location})

    @delete(
        "/{key_id:str}",
        operation_id="revokeApiKey",
        opt=requires(Action.MANAGE_API_KEYS),
        summary="Revoke an API key",
        description="At once and for good; revoking a revoked key changes nothing. "
        "Not with an API key (403).",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def revoke_api_key(self, registry: RegistryDep, actor: ActorDep, key_id: KeyId) -> None:
        registry.revoke_api_key(key_id, actor=actor)
