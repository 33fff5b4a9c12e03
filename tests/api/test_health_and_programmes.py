"""The health check and the read-only programmes."""

from __future__ import annotations

from tests.api.support import V1, assert_problem


def test_health(client) -> None:
    response = client.get(f"{V1}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0", "database": "ok"}


def test_programmes(client) -> None:
    listed = client.get(f"{V1}/programmes").json()
    assert [p["id"] for p in listed["items"]] == ["vbe"]
    programme = client.get(f"{V1}/programmes/vbe").json()
    assert programme == listed["items"][0]
    assert {t["key"] for t in programme["levels"]} == {
        "promoting",
        "preventing",
        "hindering",
        "protecting",
    }
    assert_problem(client.get(f"{V1}/programmes/nope"), 404, "not-found")


def test_openapi_is_served_with_docs(client) -> None:
    document = client.get(f"{V1}/schema/openapi.json").json()
    assert document["info"]["title"] == "planregistry API"
    assert client.get(f"{V1}/schema").status_code == 200
    assert client.get(f"{V1}/schema/swagger").status_code == 200
