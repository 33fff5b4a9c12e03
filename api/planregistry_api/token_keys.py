"""Where bearer tokens' keys come from, and tokens minted for local use.

One key source from the environment: `PLANREGISTRY_JWT_SECRET` (HS256, at least 32
characters), `PLANREGISTRY_JWT_PUBLIC_KEY` (a PEM public key: RS256 or ES256/384/512) or
`PLANREGISTRY_JWKS_FILE` (a key set; the token's `kid` picks the key). Without any, local
use shares a secret generated into `.planregistry-jwt-secret` beside the SQLite database.
The algorithm always comes from the key, never from the token.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from planregistry_domain.errors import ConfigurationError
from planregistry_domain.vocabulary import Role

if TYPE_CHECKING:
    from litestar.exceptions import NotAuthorizedException

JWT_SECRET_ENV = "PLANREGISTRY_JWT_SECRET"
JWT_PUBLIC_KEY_ENV = "PLANREGISTRY_JWT_PUBLIC_KEY"
JWKS_FILE_ENV = "PLANREGISTRY_JWKS_FILE"
JWT_ISSUER_ENV = "PLANREGISTRY_JWT_ISSUER"
JWT_AUDIENCE_ENV = "PLANREGISTRY_JWT_AUDIENCE"
DEFAULT_ISSUER = "planregistry"
DEFAULT_AUDIENCE = "planregistry"
MIN_SECRET_LENGTH = 32
LOCAL_SECRET_FILE = ".planregistry-jwt-secret"
MIN_RSA_BITS = 2048
# What a key set's `alg` may name: signatures by a public key, never a shared secret
# (HS*) or no signature at all ("none").
PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_REALM = 'Bearer realm="planregistry"'

VerificationKey: TypeAlias = Any  # a str secret, a cryptography public key or a PyJWK


class AuthConfigurationError(ConfigurationError):
    """The key source in the environment is missing, ambiguous or unusable.

    Its one line names the setting. A library error rather than Litestar's, so that
    `planregistry token` signs without loading Litestar.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(None, detail)


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
            alg = entry.get("alg")
            if alg is not None and alg not in PUBLIC_KEY_ALGORITHMS:
                raise AuthConfigurationError(
                    f"{JWKS_FILE_ENV}: nyckeln {kid!r} har algoritmen {str(alg)[:20]!r}; "
                    f"bara {', '.join(sorted(PUBLIC_KEY_ALGORITHMS))} godtas."
                )
            try:
                key = jwt.PyJWK(dict(entry))
            except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError) as exc:
                message = f"{JWKS_FILE_ENV}: nyckeln {kid!r} går inte att läsa som publik nyckel."
                raise AuthConfigurationError(message) from exc
            if isinstance(key.key, rsa.RSAPublicKey) and key.key.key_size < MIN_RSA_BITS:
                raise AuthConfigurationError(
                    f"{JWKS_FILE_ENV}: nyckeln {kid!r}: en RSA-nyckel måste ha minst "
                    f"{MIN_RSA_BITS} bitar."
                )
            keys[kid] = key
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
        if key.key_size < MIN_RSA_BITS:
            message = f"{JWT_PUBLIC_KEY_ENV}: en RSA-nyckel måste ha minst {MIN_RSA_BITS} bitar."
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


# --- Refusals -------------------------------------------------------------------------


def unauthenticated(detail: str, *, invalid: bool = False) -> NotAuthorizedException:
    from litestar.exceptions import NotAuthorizedException

    challenge = f'{_REALM}, error="invalid_token"' if invalid else _REALM
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": challenge})


def invalid_token(detail: str) -> NotAuthorizedException:
    return unauthenticated(detail, invalid=True)
