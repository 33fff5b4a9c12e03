"""Who is calling: bearer tokens (JWT) and API keys, turned into a library `Actor`.

Tokens are verified with Litestar's JWT support (`litestar.security.jwt`, over PyJWT)
against one key source from the environment:

- `PLANREGISTRY_JWT_SECRET`: a shared secret, HS256 (at least 32 characters);
- `PLANREGISTRY_JWT_PUBLIC_KEY`: a PEM public key file, RS256 (RSA) or ES256/384/512 (EC);
- `PLANREGISTRY_JWKS_FILE`: a JSON Web Key Set file, the key chosen by the token's `kid`.

The algorithm comes from the key, never from the token. `iss` and `aud` must be
`PLANREGISTRY_JWT_ISSUER` and `PLANREGISTRY_JWT_AUDIENCE` (both "planregistry" by
default); `exp`, `iat` and `sub` are required. The claims `roles` (exactly one of
central, coordinator, reader; "system" is refused), `municipality`, `organization`
(required for a coordinator) and `name` become the `Actor` every use case is given.

API keys (`X-API-Key: prk_…`, issued by the central role) are looked up by the library.
No route is anonymous except those that declare `PUBLIC` (see `planregistry_api.access`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import jwt
from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.authentication import AuthenticationResult
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from planregistry_api.dependencies import REGISTRY_STATE_KEY
from planregistry_api.token_keys import (
    TokenKeys,
    invalid_token,
    unauthenticated,
)
from planregistry_domain.actor import Actor
from planregistry_domain.vocabulary import Role

logger = logging.getLogger("planregistry_api")


API_KEY_HEADER = "X-API-Key"
BEARER_SCHEME = "bearerAuth"
API_KEY_SCHEME = "apiKeyAuth"
# Clocks of an identity provider and this server may differ a little.
LEEWAY = dt.timedelta(seconds=30)

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_TOKEN_ROLES = frozenset({Role.CENTRAL.value, Role.COORDINATOR.value, Role.READER.value})
# Subjects the registry writes itself (the system, API keys), in any spelling.
_RESERVED_SUBJECT = re.compile(r"^(system|api-key:.*)$", re.IGNORECASE)
_MAX_CREDENTIAL = 4096


# --- Verifying a request -------------------------------------------------------------


@dataclass
class PlanToken(Token):
    """The JWT claims the API reads, beside Litestar's registered ones."""

    name: str | None = None
    municipality: str | None = None
    roles: list[str] = field(default_factory=list)
    organization: str | None = None

    def __post_init__(self) -> None:
        # An identity provider's clock a little ahead of ours is not an error.
        now = dt.datetime.now(dt.UTC)
        if isinstance(self.iat, dt.datetime) and now < self.iat <= now + LEEWAY:
            self.iat = now
        super().__post_init__()

    @classmethod
    def decode_payload(
        cls,
        encoded_token: str,
        secret: str,
        algorithms: list[str],
        issuer: str | Any = None,
        audience: str | Any = None,
        options: Any = None,
    ) -> Any:
        return jwt.decode(
            jwt=encoded_token,
            key=secret,
            algorithms=algorithms,
            issuer=issuer,
            audience=audience,
            options=options,
            leeway=LEEWAY,
        )


async def actor_from_token(
    token: PlanToken, _connection: ASGIConnection[Any, Any, Any, Any]
) -> Actor:
    """The claims as an Actor; a token the API cannot place is refused (401).

    Async although it does no I/O: Litestar runs a sync user handler in a worker thread,
    a hop that cost more than the whole check.
    """
    roles = token.roles if isinstance(token.roles, list) else []
    if any(isinstance(r, str) and r.strip().lower() == Role.SYSTEM.value for r in roles):
        raise invalid_token("Rollen system kan inte ges i en token.")
    # Every role named must be one the API knows: an unknown one ("admin") is not
    # ignored, so that no token means more to its issuer than it does here.
    if len(roles) != 1 or roles[0] not in _TOKEN_ROLES:
        raise invalid_token("Token ska ha precis en av rollerna central, coordinator och reader.")
    role = Role(roles[0])
    if not _plain_subject(token.sub):
        raise invalid_token("Token har ett reserverat eller ogiltigt subjekt (sub).")
    if not token.municipality or not _SLUG.match(token.municipality):
        raise invalid_token("Token saknar kommun (municipality).")
    organization = token.organization
    if organization is not None and not _SLUG.match(organization):
        raise invalid_token("Token har en ogiltig organisation (organization).")
    if role is Role.COORDINATOR and organization is None:
        raise invalid_token("En samordnares token måste ange organisation (organization).")
    return Actor(
        subject=token.sub,
        name=(token.name or token.sub)[:200],
        role=role,
        municipality=token.municipality,
        organization=organization,
    )


def _plain_subject(sub: object) -> bool:
    """A subject as the audit trail records it: no surrounding space, no control
    characters, not one of the registry's own ("system", "api-key:…") in any case."""
    if not isinstance(sub, str) or not sub or sub != sub.strip() or len(sub) > 300:
        return False
    if any(not ch.isprintable() for ch in sub):
        return False
    return not _RESERVED_SUBJECT.match(sub.strip())


_REASONS: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "Token har gått ut."),
    (jwt.InvalidAudienceError, "Token är inte utfärdad för detta API (aud)."),
    (jwt.InvalidIssuerError, "Token kommer från en okänd utfärdare (iss)."),
    (jwt.MissingRequiredClaimError, "Token saknar ett obligatoriskt anspråk."),
    (jwt.InvalidSignatureError, "Tokens signatur stämmer inte."),
    (jwt.InvalidAlgorithmError, "Tokens algoritm godtas inte."),
]


@dataclass(frozen=True)
class ApiKeyCredential:
    """What `request.auth` holds for a request made with an API key."""

    key_id: str


class VerifiedTokens:
    """Tokens verified recently, so that a client's next requests skip the signature check.

    Keyed by the whole encoded token, so only the very same token hits; an entry is used
    only before the token's `exp` (without the leeway verification allows), and at most
    `size` tokens are kept, the least recently used going first.
    """

    def __init__(self, size: int = 1024, clock: Callable[[], float] = time.time) -> None:
        self._entries: OrderedDict[str, tuple[float, AuthenticationResult]] = OrderedDict()
        self._size = size
        self._clock = clock

    def get(self, encoded_token: str) -> AuthenticationResult | None:
        entry = self._entries.get(encoded_token)
        if entry is None:
            return None
        expires, result = entry
        if self._clock() >= expires:
            del self._entries[encoded_token]
            return None
        self._entries.move_to_end(encoded_token)
        return result

    def put(self, encoded_token: str, expires: dt.datetime, result: AuthenticationResult) -> None:
        self._entries[encoded_token] = (expires.timestamp(), result)
        self._entries.move_to_end(encoded_token)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


class PlanRegistryAuthMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware, with the key chosen per token and API keys beside it."""

    def __init__(self, *, keys: TokenKeys, verified: VerifiedTokens, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys
        self.verified = verified

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        api_key = connection.headers.get(API_KEY_HEADER)
        authorization = connection.headers.get("Authorization")
        if api_key is not None and authorization is not None:
            raise unauthenticated("Skicka antingen Authorization eller X-API-Key, inte båda.")
        if api_key is not None:
            return await self._authenticate_api_key(api_key.strip(), connection)
        if not authorization:
            raise unauthenticated(
                "Inloggning krävs: skicka en token som `Authorization: Bearer …` "
                "eller en API-nyckel som `X-API-Key`."
            )
        scheme, _, encoded = authorization.strip().partition(" ")
        encoded = encoded.strip()
        if scheme.lower() != "bearer" or not encoded:
            raise unauthenticated("Authorization ska vara `Bearer <token>`.")
        if len(encoded) > _MAX_CREDENTIAL:
            raise invalid_token("Token är för lång.")
        return await self.authenticate_token(encoded_token=encoded, connection=connection)

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        known = self.verified.get(encoded_token)
        if known is not None:
            return known
        key, algorithm = self.keys.verification_key(encoded_token)
        try:
            token = self.token_cls.decode(
                encoded_token=encoded_token,
                secret=key,
                algorithm=algorithm,
                audience=self.token_audience,
                issuer=self.token_issuer,
                require_claims=self.require_claims,
                verify_exp=True,
                verify_nbf=True,
                strict_audience=self.strict_audience,
            )
        except NotAuthorizedException as exc:
            cause = exc.__cause__
            reason = next(
                (text for kind, text in _REASONS if isinstance(cause, kind)),
                "Token är ogiltig.",
            )
            raise invalid_token(reason) from None
        user = await self.retrieve_user_handler(token, connection)
        result = AuthenticationResult(user=user, auth=token)
        self.verified.put(encoded_token, token.exp, result)
        return result

    @staticmethod
    async def _authenticate_api_key(
        presented: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if not presented or len(presented) > _MAX_CREDENTIAL:
            raise invalid_token("API-nyckeln är ogiltig.")
        registry = connection.app.state[REGISTRY_STATE_KEY]
        actor = await sync_to_thread(registry.authenticate_api_key, presented)
        if actor is None:
            raise invalid_token("API-nyckeln är okänd eller återkallad.")
        key_id = actor.subject.removeprefix("api-key:")
        return AuthenticationResult(user=actor, auth=ApiKeyCredential(key_id=key_id))


@dataclass
class PlanRegistryAuth(JWTAuth[Actor, PlanToken]):
    """Litestar's `JWTAuth`, configured for this API's key sources and API keys."""

    keys: TokenKeys = field(default_factory=TokenKeys)
    verified: VerifiedTokens = field(default_factory=VerifiedTokens)

    @property
    def openapi_components(self) -> Components:
        return Components(
            security_schemes={
                BEARER_SCHEME: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="A JWT from the city's identity provider (or `planregistry "
                    "token` for local use) with the claims `sub`, `name`, `municipality`, "
                    "`roles` (one of `central`, `coordinator`, `reader`) and, for a "
                    "coordinator, `organization`.",
                ),
                API_KEY_SCHEME: SecurityScheme(
                    type="apiKey",
                    name=API_KEY_HEADER,
                    security_scheme_in="header",
                    description="An API key for a city system (`prk_…`), issued by the "
                    "central role at `POST /api/v1/api-keys`.",
                ),
            }
        )

    @property
    def security_requirement(self) -> SecurityRequirement:
        return {BEARER_SCHEME: []}

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config = super().on_app_init(app_config)
        if app_config.openapi_config and app_config.openapi_config.security is not None:
            app_config.openapi_config.security.append({API_KEY_SCHEME: []})
        return app_config

    @property
    def middleware(self) -> DefineMiddleware:
        define = super().middleware
        define.kwargs["keys"] = self.keys
        define.kwargs["verified"] = self.verified
        return define


def security_config(keys: TokenKeys) -> PlanRegistryAuth:
    return PlanRegistryAuth(
        token_secret=keys.secret or "",
        retrieve_user_handler=actor_from_token,
        keys=keys,
        token_cls=PlanToken,
        authentication_middleware_class=PlanRegistryAuthMiddleware,
        accepted_issuers=[keys.issuer],
        accepted_audiences=[keys.audience],
        require_claims=["exp", "iat", "sub", "iss", "aud"],
        exclude_opt_key="public",
        # HEAD is not excluded (Litestar's default): nothing is answered without credentials.
        exclude_http_methods=["OPTIONS"],
        openapi_security_scheme_name=BEARER_SCHEME,
    )


# --- What handlers are given ---------------------------------------------------------


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The authenticated caller; a route that asks for it is never anonymous."""
    user = request.scope.get("user")
    if not isinstance(user, Actor):
        raise unauthenticated("Inloggning krävs.")
    return user


# A handler parameter named `actor` of this type receives the authenticated caller.
ActorDep: TypeAlias = NamedDependency[Actor]
