"""Helpers for the API tests: URLs, problem-details assertions, a refusal check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from planregistry import Registry
from planregistry_api.token_keys import TokenKeys, mint_token

V1 = "/api/v1"
PROBLEM_BASE = "https://planregistry.se/problems/"

ORGANIZATION = {
    "id": "hasselby-vallingby",
    "name": "Hässelby-Vällingby stadsdelsförvaltning",
    "kind": "district",
    "committee": "Hässelby-Vällingby stadsdelsnämnd",
    "municipality": "stockholm",
}
ACTIVITY = {
    "title": "Utbildning för medarbetare om våldsbejakande extremism",
    "level": "preventing",
    "themes": ["staff_training"],
    "responsible": "Stadsdelsförvaltningen",
    "partners": ["Polis", "Central samordnare"],
    "follow_up_method": "Uppföljning i ILS",
}


# The key the test apps verify tokens with (HS256, as `planregistry token` signs).
KEYS = TokenKeys.from_secret("planregistry-test-secret-" + "k" * 32)


def bearer(
    role: str = "central",
    *,
    organization: str | None = None,
    municipality: str = "stockholm",
    subject: str | None = None,
    name: str | None = None,
) -> dict[str, str]:
    """An `Authorization` header with a token for this role (central for Stockholm by default)."""
    token = mint_token(
        KEYS,
        role=role,
        subject=subject or "-".join(["test", role, *([organization] if organization else [])]),
        name=name,
        municipality=municipality,
        organization=organization,
    )
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    """The response is RFC 9457 problem details of this status and type; returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_BASE + slug, body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert body["instance"] == response.request.url.path
    return body


def refused_without_change(
    registry: Registry, send: Callable[[], httpx.Response], status: int, slug: str
) -> dict[str, Any]:
    """Send a request that must be refused, and prove the database did not change."""
    before = registry.export_json()
    body = assert_problem(send(), status, slug)
    assert registry.export_json() == before
    return body


def seed_revision_id(client: httpx.Client) -> int:
    """The demo's seed plan's only revision (Hässelby-Vällingby 2017, a draft)."""
    plans = client.get(f"{V1}/organizations/hasselby-vallingby/plans").json()["items"]
    (plan,) = plans
    revision_id: int = plan["revisions"][0]["id"]
    return revision_id
