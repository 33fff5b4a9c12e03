"""OpenID Connect sign-in (authorization code flow with PKCE) for the web views.

Configured by the environment; without `PLANREGISTRY_OIDC_ISSUER` it is off and people
sign in with one-time links (local use). With it:

- `PLANREGISTRY_OIDC_ISSUER`: the provider's issuer URL (https, or http on loopback);
  its `/.well-known/openid-configuration` is read at the first sign-in, not at start;
- `PLANREGISTRY_OIDC_CLIENT_ID` and `PLANREGISTRY_OIDC_CLIENT_SECRET`: this registry as
  the provider's (confidential) client;
- `PLANREGISTRY_OIDC_REDIRECT_URI`: where the provider sends the browser back, ending in
  `/inloggning/oidc/klar`;
- `PLANREGISTRY_OIDC_SCOPES` (default `openid profile email`) and the claims that carry
  role, organisation, municipality and name: `PLANREGISTRY_OIDC_ROLES_CLAIM` (`roles`),
  `…_ORGANIZATION_CLAIM` (`organization`), `…_MUNICIPALITY_CLAIM` (`municipality`),
  `…_NAME_CLAIM` (`name`). The claims become a person by the bearer tokens' own rule
  (`planregistry_api.auth.actor_from_token`): exactly one of central, coordinator and
  reader, a municipality, and an organisation for a coordinator.

The ID token is verified with PyJWT against the provider's key set (its `jwks_uri`):
signature, `iss`, `aud`, `exp` and the `nonce` this sign-in sent. State, nonce and the
PKCE verifier travel in a short-lived HttpOnly cookie bound to the callback path.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from litestar import Controller, Request, get
from litestar.concurrency import sync_to_thread
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from planregistry_api.access import PUBLIC
from planregistry_api.auth import PlanToken, actor_from_token
from planregistry_api.dependencies import RegistryDep
from planregistry_api.token_keys import AuthConfigurationError
from planregistry_api.web.pages import SIGN_IN_PATH, Query, page
from planregistry_api.web.session import is_tls, session_cookie
from planregistry_domain.errors import NotFound
from planregistry_domain.sessions import SESSION_ABSOLUTE

PREFIX = "PLANREGISTRY_OIDC_"
ISSUER_ENV = PREFIX + "ISSUER"
CLIENT_ID_ENV = PREFIX + "CLIENT_ID"
CLIENT_SECRET_ENV = PREFIX + "CLIENT_SECRET"
REDIRECT_URI_ENV = PREFIX + "REDIRECT_URI"
SCOPES_ENV = PREFIX + "SCOPES"
CLAIM_ENVS = {
    "roles": PREFIX + "ROLES_CLAIM",
    "organization": PREFIX + "ORGANIZATION_CLAIM",
    "municipality": PREFIX + "MUNICIPALITY_CLAIM",
    "name": PREFIX + "NAME_CLAIM",
}
CALLBACK_PATH = f"{SIGN_IN_PATH}/oidc/klar"
START_PATH = f"{SIGN_IN_PATH}/oidc"
FLOW_COOKIE = "planregistry_oidc"
OIDC_STATE_KEY = "oidc"
FLOW_SECONDS = 600
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "ES512", "EdDSA"]


def _url_setting(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise AuthConfigurationError(f"{name} saknas: ange den när {ISSUER_ENV} är satt.")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AuthConfigurationError(f"{name} ska vara en fullständig https-adress.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise AuthConfigurationError(f"{name} ska använda https (http bara på den egna datorn).")
    return value


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str = "openid profile email"
    claims: dict[str, str] = field(default_factory=lambda: {k: k for k in CLAIM_ENVS})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OidcSettings | None:
        """The settings, None when OIDC is off; one Swedish line naming a bad setting."""
        env = os.environ if environ is None else environ
        given = sorted(name for name in env if name.startswith(PREFIX) and env[name].strip())
        if not given:
            return None
        if ISSUER_ENV not in given:
            raise AuthConfigurationError(
                f"{ISSUER_ENV} saknas, men {given[0]} är satt: ange utfärdaren eller ta bort "
                f"{PREFIX}*-inställningarna."
            )
        issuer = _url_setting(env, ISSUER_ENV).rstrip("/")
        for name in (CLIENT_ID_ENV, CLIENT_SECRET_ENV):
            if not env.get(name, "").strip():
                raise AuthConfigurationError(f"{name} saknas: ange den när {ISSUER_ENV} är satt.")
        redirect_uri = _url_setting(env, REDIRECT_URI_ENV)
        if urlsplit(redirect_uri).path != CALLBACK_PATH:
            raise AuthConfigurationError(
                f"{REDIRECT_URI_ENV} ska sluta på {CALLBACK_PATH} (nu {redirect_uri})."
            )
        scopes = env.get(SCOPES_ENV, "").strip() or "openid profile email"
        if "openid" not in scopes.split():
            raise AuthConfigurationError(f"{SCOPES_ENV} måste innehålla openid.")
        claims = {key: env.get(name, "").strip() or key for key, name in CLAIM_ENVS.items()}
        return cls(
            issuer=issuer,
            client_id=env[CLIENT_ID_ENV].strip(),
            client_secret=env[CLIENT_SECRET_ENV].strip(),
            redirect_uri=redirect_uri,
            scopes=scopes,
            claims=claims,
        )


class SignInFailed(Exception):
    """The provider's answer did not sign anyone in; `reason` says why, in Swedish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OidcClient:
    """The provider as this registry uses it: discovery, the code exchange, ID tokens."""

    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None
        self._keys: jwt.PyJWKClient | None = None

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.settings.issuer + "/.well-known/openid-configuration"
            try:
                answer = httpx.get(url, timeout=10)
                answer.raise_for_status()
                document = answer.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SignInFailed(f"Identitetsleverantören svarar inte ({url}).") from exc
            if document.get("issuer", "").rstrip("/") != self.settings.issuer:
                raise SignInFailed("Identitetsleverantören uppger en annan utfärdare.")
            self._metadata = document
            self._keys = jwt.PyJWKClient(document["jwks_uri"], cache_keys=True, lifespan=3600)
        return self._metadata

    def authorization_url(self, state: str, nonce: str, verifier: str) -> str:
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.settings.redirect_uri,
            "scope": self.settings.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
        endpoint = str(self.metadata()["authorization_endpoint"])
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)

    def claims(self, code: str, verifier: str, nonce: str) -> dict[str, Any]:
        """Exchange the code and return the verified ID token's claims."""
        metadata = self.metadata()
        try:
            answer = httpx.post(
                metadata["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.settings.redirect_uri,
                    "code_verifier": verifier,
                },
                auth=(self.settings.client_id, self.settings.client_secret),
                timeout=10,
            )
            answer.raise_for_status()
            id_token = answer.json()["id_token"]
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise SignInFailed("Identitetsleverantören lämnade ingen giltig ID-token.") from exc
        assert self._keys is not None
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            if kid:
                key = self._keys.get_signing_key(kid)
            else:  # a provider with a single key may leave `kid` out
                (key,) = self._keys.get_signing_keys()
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.settings.client_id,
                issuer=self.settings.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                leeway=30,
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise SignInFailed(f"ID-token godtas inte: {exc}.") from exc
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise SignInFailed("ID-token hör inte till den här inloggningen (nonce).")
        return claims


def token_of(claims: Mapping[str, Any], names: Mapping[str, str]) -> PlanToken:
    """The provider's claims in the bearer tokens' shape, for their one rule of who is who."""
    roles = claims.get(names["roles"], [])
    return PlanToken(
        exp=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        sub=str(claims["sub"]),
        iat=dt.datetime.now(dt.UTC),
        name=str(claims.get(names["name"]) or claims["sub"]),
        municipality=claims.get(names["municipality"]),
        organization=claims.get(names["organization"]),
        roles=[roles] if isinstance(roles, str) else list(roles),
    )


def _flow_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    return Cookie(
        key=FLOW_COOKIE,
        value=value,
        path=CALLBACK_PATH,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=is_tls(request),
    )


class OidcController(Controller):
    path = START_PATH
    include_in_schema = False

    @get("/", opt=PUBLIC, name="web:oidc-start")
    async def start(self, request: Request[Any, Any, Any], nasta: Query = None) -> Redirect:
        from planregistry_api.web.signin import safe_next

        client = _client(request)
        state, nonce, verifier = (secrets.token_urlsafe(n) for n in (24, 24, 48))
        flow = {
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "next": safe_next(nasta),
            "at": int(time.time()),
        }
        url = await sync_to_thread(client.authorization_url, state, nonce, verifier)
        response = Redirect(url, status_code=303)
        encoded = base64.urlsafe_b64encode(json.dumps(flow).encode()).decode()
        response.set_cookie(_flow_cookie(request, encoded, FLOW_SECONDS))
        return response

    @get("/klar", opt=PUBLIC, name="web:oidc-callback")
    async def callback(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        code: Query = None,
        returned_state: Annotated[str | None, QueryParameter(query="state", max_length=500)] = None,
        error: Query = None,
    ) -> Redirect | Template:
        client = _client(request)
        try:
            flow = json.loads(base64.urlsafe_b64decode(request.cookies.get(FLOW_COOKIE, "")))
            if not isinstance(flow, dict) or time.time() - flow["at"] > FLOW_SECONDS:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return _failed(request, "Inloggningen tog för lång tid eller startades inte här.")
        if error:
            return _failed(request, f"Identitetsleverantören avbröt inloggningen ({error}).")
        state = returned_state or ""
        if not code or not state or not hmac.compare_digest(state, str(flow["state"])):
            return _failed(request, "Svaret från identitetsleverantören hör inte hit (state).")
        try:
            claims = await sync_to_thread(client.claims, code, flow["verifier"], flow["nonce"])
            actor = await actor_from_token(token_of(claims, client.settings.claims), request)
        except SignInFailed as exc:
            return _failed(request, exc.reason)
        except NotAuthorizedException as exc:
            return _failed(request, f"Ditt konto kan inte användas här: {exc.detail}")
        except KeyError:
            return _failed(request, "ID-token saknar sub.")
        session = await sync_to_thread(registry.start_web_session, actor, absolute=SESSION_ABSOLUTE)
        response = Redirect(str(flow["next"]), status_code=303)
        response.set_cookie(session_cookie(request, session))
        response.set_cookie(_flow_cookie(request, "", 0))
        return response


def _client(request: Request[Any, Any, Any]) -> OidcClient:
    client = request.app.state.get(OIDC_STATE_KEY)
    if not isinstance(client, OidcClient):
        raise NotFound("Sidan", START_PATH)  # OIDC is not configured here
    return client


def _failed(request: Request[Any, Any, Any], reason: str) -> Template:
    return page(
        request,
        "signin/failed.html",
        status_code=400,
        title="Inloggningen misslyckades",
        reason=reason,
    )
