"""Tokens and handles for the client tests (minted here with PyJWT, as an IdP would)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import jwt

from planregistry_client import AsyncClient, Client

SECRET = "planregistry-client-test-secret-" + "s" * 32
ISSUER = AUDIENCE = "planregistry"


def mint(
    role: str,
    *,
    organization: str | None = None,
    municipality: str = "stockholm",
    subject: str | None = None,
    secret: str = SECRET,
    ttl: dt.timedelta = dt.timedelta(hours=1),
) -> str:
    """A bearer token with the claims the API reads, HS256 with the server's secret."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject
        or "-".join(["client-test", role, *([organization] if organization else [])]),
        "name": f"Testare ({role})",
        "municipality": municipality,
        "roles": [role],
        "iat": now,
        "exp": now + ttl,
    }
    if organization is not None:
        claims["organization"] = organization
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True)
class Server:
    base_url: str
    database_url: str

    def client(
        self,
        role: str = "central",
        *,
        organization: str | None = None,
        municipality: str = "stockholm",
    ) -> Client:
        token = mint(role, organization=organization, municipality=municipality)
        return Client(self.base_url, token=token, user_agent="client-tests/1")

    def async_client(
        self, role: str = "central", *, organization: str | None = None
    ) -> AsyncClient:
        return AsyncClient(
            self.base_url, token=mint(role, organization=organization), user_agent="client-tests/1"
        )

    def central(self) -> Client:
        return self.client("central")

    def coordinator(self, organization: str) -> Client:
        return self.client("coordinator", organization=organization)


def unique(prefix: str) -> str:
    """A fresh slug, so tests sharing a server never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
