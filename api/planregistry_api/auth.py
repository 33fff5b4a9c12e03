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
import json
import logging
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, cast

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.authentication import AuthenticationResult
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from planregistry.domain.actor import Actor
from planregistry.domain.vocabulary import Role
from planregistry_api.dependencies import REGISTRY_STATE_KEY

logger = logging.getLogger("planregistry_api")

JWT_SECRET_ENV = "PLANREGISTRY_JWT_SECRET"
JWT_PUBLIC_KEY_ENV = "PLANREGISTRY_JWT_PUBLIC_KEY"
JWKS_FILE_ENV = "PLANREGISTRY_JWKS_FILE"
JWT_ISSUER_ENV = "PLANREGISTRY_JWT_ISSUER"
JWT_AUDIENCE_ENV = "PLANREGISTRY_JWT_AUDIENCE"
DEFAULT_ISSUER = "planregistry"
DEFAULT_AUDIENCE = "planregistry"

API_KEY_HEADER = "X-API-Key"
BEARER_SCHEME = "bearerAuth"
API_KEY_SCHEME = "apiKeyAuth"
MIN_SECRET_LENGTH = 32
LOCAL_SECRET_FILE = ".planregistry-jwt-secret"
# Clocks of an identity provider and this server may differ a little.
LEEWAY = dt.timedelta(seconds=30)

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_MAX_CREDENTIAL = 4096
_REALM = 'Bearer realm="planregistry"'

VerificationKey: TypeAlias = Any  # a str secret, a cryptography public key or a PyJWK


class AuthConfigurationError(ImproperlyConfiguredException):
    """The key source in the environment is missing, ambiguous or unusable."""


# --- Key sources -------------------------------------------------------------------


@dataclass(frozen=True)
class TokenKeys:
    """The one key source bearer tokens are verified with, and the expected iss/aud."""

    secret: str | None = None
    public_key: Any = None  # a cryptography public key object
    public_algorithm: str | None = None
    key_set: Mapping[str, jwt.PyJWK] = field(default_factory=dict)
    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE

    @property
    def describe(self) -> str:
        if self.secret is not None:
            return "HS256 secret"
        if self.public_key is not None:
            return f"{self.public_algorithm} public key"
        return f"JWKS ({len(self.key_set)} keys)"

    @property
    def can_sign(self) -> bool:
        """Only a shared secret lets this side issue tokens (`planregistry token`)."""
        return self.secret is not None

    @classmethod
    def from_secret(
        cls, secret: str, *, issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE
    ) -> TokenKeys:
        if len(secret) < MIN_SECRET_LENGTH:
            raise AuthConfigurationError(
                f"{JWT_SECRET_ENV} måste vara minst {MIN_SECRET_LENGTH} tecken (t.ex. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        return cls(secret=secret, issuer=issuer, audience=audience)

    @classmethod
    def from_public_key_pem(
        cls, pem: bytes, *, issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE
    ) -> TokenKeys:
        try:
            key = serialization.load_pem_public_key(pem)
        except ValueError as exc:
            message = f"{JWT_PUBLIC_KEY_ENV}: ingen publik nyckel i PEM-format."
            raise AuthConfigurationError(message) from exc
        return cls(
            public_key=key, public_algorithm=_algorithm_of(key), issuer=issuer, audience=audience
        )

    @classmethod
    def from_jwks(
        cls,
        document: Mapping[str, Any],
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
    ) -> TokenKeys:
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, Mapping) else []:
            if not isinstance(entry, Mapping) or entry.get("use", "sig") != "sig":
                continue
            kid = entry.get("kid")
            if not isinstance(kid, str) or not kid:
                continue  # tokens name their key; a key without a name can never be chosen
            if entry.get("kty") == "oct":
                raise AuthConfigurationError(
                    f"{JWKS_FILE_ENV}: nyckeln {kid!r} är en delad hemlighet; nyckelmängden "
                    f"ska innehålla publika nycklar (använd {JWT_SECRET_ENV} för en hemlighet)."
                )
            try:
                keys[kid] = jwt.PyJWK(dict(entry))
            except jwt.PyJWKError as exc:
                raise AuthConfigurationError(f"{JWKS_FILE_ENV}: nyckeln {kid!r}: {exc}") from exc
        if not keys:
            raise AuthConfigurationError(f"{JWKS_FILE_ENV}: ingen signeringsnyckel med `kid`.")
        return cls(key_set=keys, issuer=issuer, audience=audience)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TokenKeys | None:
        """The key source the environment configures; None when it configures none."""
        env = os.environ if environ is None else environ
        iss = env.get(JWT_ISSUER_ENV) or DEFAULT_ISSUER
        aud = env.get(JWT_AUDIENCE_ENV) or DEFAULT_AUDIENCE
        sources = (JWT_SECRET_ENV, JWT_PUBLIC_KEY_ENV, JWKS_FILE_ENV)
        given = [name for name in sources if env.get(name)]
        if not given:
            return None
        if len(given) > 1:
            raise AuthConfigurationError(f"Ange bara en av {', '.join(given)}.")
        if given[0] == JWT_SECRET_ENV:
            return cls.from_secret(env[JWT_SECRET_ENV], issuer=iss, audience=aud)
        path = Path(env[given[0]])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise AuthConfigurationError(f"{given[0]}: kan inte läsa {path}: {exc}") from exc
        if given[0] == JWT_PUBLIC_KEY_ENV:
            return cls.from_public_key_pem(content, issuer=iss, audience=aud)
        try:
            document = json.loads(content)
        except ValueError as exc:
            raise AuthConfigurationError(f"{JWKS_FILE_ENV}: {path} är inte JSON.") from exc
        return cls.from_jwks(document, issuer=iss, audience=aud)

    def verification_key(self, encoded_token: str) -> tuple[VerificationKey, str]:
        """The key and algorithm this token must be verified with (from the key, not the token)."""
        if self.secret is not None:
            return self.secret, "HS256"
        if self.public_key is not None:
            return self.public_key, cast(str, self.public_algorithm)
        try:
            kid = jwt.get_unverified_header(encoded_token).get("kid")
        except jwt.InvalidTokenError:
            raise invalid_token("Token går inte att läsa.") from None
        key = self.key_set.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise invalid_token("Token är signerad med en okänd nyckel (kid).")
        return key, key.algorithm_name


def _algorithm_of(key: Any) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            message = f"{JWT_PUBLIC_KEY_ENV}: en RSA-nyckel måste ha minst 2048 bitar."
            raise AuthConfigurationError(message)
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey):
        by_curve = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
        if key.curve.name not in by_curve:
            message = f"{JWT_PUBLIC_KEY_ENV}: kurvan {key.curve.name} stöds inte."
            raise AuthConfigurationError(message)
        return by_curve[key.curve.name]
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "EdDSA"
    raise AuthConfigurationError(f"{JWT_PUBLIC_KEY_ENV}: nyckeltypen stöds inte.")


# --- Local development: a generated secret beside the database -------------------------


def local_secret_path(database_url: str) -> Path:
    """Beside the SQLite database file; in the working directory for other databases."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url != prefix:
        database = Path(database_url[len(prefix) :].split("?", 1)[0])
        if database.name not in ("", ":memory:"):
            return database.parent / LOCAL_SECRET_FILE
    return Path(LOCAL_SECRET_FILE)


def local_secret(database_url: str) -> tuple[str, Path]:
    """The local HS256 secret, created (mode 0600) on first use."""
    path = local_secret_path(database_url)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise AuthConfigurationError(
                f"{path} kan läsas av andra; gör den privat med `chmod 600 {path}`."
            ) from None
        secret = path.read_text("utf-8").strip()
        if len(secret) < MIN_SECRET_LENGTH:
            message = f"{path} innehåller ingen användbar hemlighet; ta bort filen."
            raise AuthConfigurationError(message) from None
        return secret, path
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    return secret, path


def keys_for_local_use(database_url: str) -> tuple[TokenKeys, Path | None]:
    """The environment's key source, else the local secret file (the path is then given)."""
    keys = TokenKeys.from_env()
    if keys is not None:
        return keys, None
    secret, path = local_secret(database_url)
    return TokenKeys.from_secret(
        secret,
        issuer=os.environ.get(JWT_ISSUER_ENV) or DEFAULT_ISSUER,
        audience=os.environ.get(JWT_AUDIENCE_ENV) or DEFAULT_AUDIENCE,
    ), path


def mint_token(
    keys: TokenKeys,
    *,
    role: Role | str,
    subject: str,
    name: str | None = None,
    municipality: str = "stockholm",
    organization: str | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=8),
    now: dt.datetime | None = None,
) -> str:
    """An HS256 token for local use and tests, with the claims the API reads."""
    if keys.secret is None:
        raise AuthConfigurationError(
            "Token kan bara utfärdas här med en delad hemlighet; med en publik nyckel eller "
            "en nyckelmängd utfärdar identitetsleverantören dem."
        )
    issued = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    claims: dict[str, Any] = {
        "iss": keys.issuer,
        "aud": keys.audience,
        "sub": subject,
        "iat": issued,
        "exp": issued + ttl,
        "name": name or subject,
        "roles": [str(role)],
        "municipality": municipality,
    }
    if organization is not None:
        claims["organization"] = organization
    return jwt.encode(claims, keys.secret, algorithm="HS256")


# --- Verifying a request -------------------------------------------------------------


def unauthenticated(detail: str, *, invalid: bool = False) -> NotAuthorizedException:
    challenge = f'{_REALM}, error="invalid_token"' if invalid else _REALM
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": challenge})


def invalid_token(detail: str) -> NotAuthorizedException:
    return unauthenticated(detail, invalid=True)


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


def actor_from_token(token: PlanToken, _connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The claims as an Actor; a token the API cannot place is refused (401)."""
    roles = [r for r in token.roles if isinstance(r, str)]
    if any(r.strip().lower() == Role.SYSTEM.value for r in roles):
        raise invalid_token("Rollen system kan inte ges i en token.")
    known = {Role(r) for r in roles if r in (Role.CENTRAL, Role.COORDINATOR, Role.READER)}
    if len(known) != 1:
        raise invalid_token("Token ska ha precis en av rollerna central, coordinator och reader.")
    (role,) = known
    if token.sub in ("system",) or token.sub.startswith("api-key:"):
        raise invalid_token("Token har ett reserverat subjekt (sub).")
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


class PlanRegistryAuthMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware, with the key chosen per token and API keys beside it."""

    def __init__(self, *, keys: TokenKeys, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys

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
        return AuthenticationResult(user=user, auth=token)

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
