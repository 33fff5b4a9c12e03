"""Every error is RFC 9457 problem details: Litestar's own as well as the library's."""

from __future__ import annotations

import base64

import pytest

from planregistry import Registry
from tests.api.support import ORGANIZATION, V1, assert_problem, refused_without_change


def test_unknown_route_is_404_problem(client) -> None:
    body = assert_problem(client.get(f"{V1}/no-such-thing"), 404, "not-found")
    assert "/api/v1/no-such-thing" in body["detail"]


def test_wrong_method_is_405_problem_with_allow(client) -> None:
    response = client.delete(f"{V1}/organizations")
    assert_problem(response, 405, "method-not-allowed")
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_malformed_json_is_400(client, registry: Registry) -> None:
    for content in (b"{nope", b"", b'{"id": "x",}', b"\xff\xfe"):
        refused_without_change(
            registry,
            lambda c=content: client.post(
                f"{V1}/organizations", content=c, headers={"content-type": "application/json"}
            ),
            400,
            "bad-request",
        )


def test_too_large_body_is_413(client, registry: Registry) -> None:
    huge = {**ORGANIZATION, "name": "x" * (1024 * 1024)}
    refused_without_change(
        registry,
        lambda: client.post(f"{V1}/organizations", json=huge),
        413,
        "content-too-large",
    )


def test_bad_query_parameters_are_400_naming_them(demo_client) -> None:
    cases = {
        "limit=0": "query.limit",
        "limit=501": "query.limit",
        "limit=abc": "query.limit",
        "kind=county": "query.kind",
        "cursor=not-a-cursor": "query.cursor",
        "modified_since=yesterday": "query.modified_since",
        "modified_since=2018-01-01T00:00:00": "query.modified_since",
    }
    for query, path in cases.items():
        body = assert_problem(
            demo_client.get(f"{V1}/organizations?{query}"), 400, "invalid-parameter"
        )
        assert [e["path"] for e in body["errors"]] == [path], query


def test_a_cursor_of_another_collection_is_refused(demo_client) -> None:
    page = demo_client.get(f"{V1}/organizations", params={"limit": 2}).json()
    revision_id = demo_client.get(f"{V1}/plans/1").json()["revisions"][0]["id"]
    response = demo_client.get(
        f"{V1}/revisions/{revision_id}/activities", params={"cursor": page["next_cursor"]}
    )
    assert_problem(response, 400, "invalid-parameter")


def test_bad_path_parameters_are_400_or_404(client) -> None:
    assert_problem(client.get(f"{V1}/plans/0"), 400, "invalid-parameter")
    assert_problem(client.get(f"{V1}/plans/{2**40}"), 400, "invalid-parameter")
    assert_problem(client.get(f"{V1}/plans/abc"), 404, "not-found")
    assert_problem(client.get(f"{V1}/plans/12345"), 404, "not-found")


def test_unexpected_failure_is_500_without_details(client, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret connection string postgresql://user:pw@db")

    monkeypatch.setattr(Registry, "get_organization", explode)
    response = client.get(f"{V1}/organizations/bromma")
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert set(body) == {"type", "title", "status", "detail", "instance"}


def test_database_down_makes_health_503(client, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    def down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(Registry, "list_programmes", down)
    body = assert_problem(client.get(f"{V1}/health"), 503, "unavailable")
    assert "connection refused" not in body["detail"]


def test_numbers_sent_as_text_are_refused_not_coerced(client, registry: Registry) -> None:
    """Litestar alone would turn "2017" into 2017; the contract is strict JSON."""
    client.post(f"{V1}/organizations", json=ORGANIZATION)
    plan = client.post(f"{V1}/organizations/hasselby-vallingby/plans", json={"programme_id": "vbe"})
    url = f"{V1}/plans/{plan.json()['id']}/revisions"
    body = refused_without_change(
        registry,
        lambda: client.post(url, json={"label": "Vers. 1", "cycle_year": "2017"}),
        422,
        "validation",
    )
    assert body["errors"] == [{"path": "$.cycle_year", "message": "Expected `int`, got `str`"}]


def test_a_422_names_every_missing_and_invalid_field(client, registry: Registry) -> None:
    """msgspec stops at the first error; the answer lists them all, each at its path."""
    body = refused_without_change(
        registry,
        lambda: client.post(
            f"{V1}/organizations",
            json={
                "id": "Bad Id",
                "kind": "county",
                "coordinators": [{"name": "Anna"}, {"name": 5}, {"email": "x@y.se"}],
                "colour": "blue",
            },
        ),
        422,
        "validation",
    )
    assert [e["path"] for e in body["errors"]] == [
        "$.id",
        "$.name",
        "$.kind",
        "$.committee",
        "$.municipality",
        "$.coordinators[1].name",
        "$.coordinators[2].name",
        "$.colour",
    ]
    assert body["errors"][1]["message"] == "Object missing required field `name`"
    assert all(e["path"] in body["detail"] for e in body["errors"])


def test_nul_characters_are_refused_on_every_database(client, registry: Registry) -> None:
    """PostgreSQL text cannot hold U+0000; it must be a 422 there too, never a 500."""
    body = refused_without_change(
        registry,
        lambda: client.post(
            f"{V1}/organizations",
            json={**ORGANIZATION, "coordinators": [{"name": "A\u0000B"}]},
        ),
        422,
        "validation",
    )
    assert [e["path"] for e in body["errors"]] == ["$.coordinators[0].name"]
    forged = base64.urlsafe_b64encode(b'["organizations","\\u0000"]').decode().rstrip("=")
    assert_problem(
        client.get(f"{V1}/organizations", params={"cursor": forged}), 400, "invalid-parameter"
    )
