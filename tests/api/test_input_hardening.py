"""Whatever an outside client sends is answered as problem details, never a 500.

Bodies that are not UTF-8 JSON of sane depth (400), bodies not sent as JSON (415),
time filters that are not RFC 3339 (400) or lie past the ends of the calendar (an empty
or full answer), forged cursors holding integers no database column can hold (400),
and the `Allow` list of `OPTIONS` on every kind of path. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from litestar.testing import TestClient

from planregistry import Registry
from planregistry_api.bodies import MAX_NESTING
from tests.api.support import V1, assert_problem, refused_without_change, seed_revision_id

ACTIVITY = {"title": "Föräldrautbildning", "level": "preventing"}


def _activities(client: TestClient[Any]) -> str:
    return f"{V1}/revisions/{seed_revision_id(client)}/activities"


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "\xff", "level": "preventing"}',  # a stray byte
        '{"title": "Förälder", "level": "preventing"}'.encode("latin-1"),
        b'{"title": "\xed\xa0\x80", "level": "preventing"}',  # an encoded surrogate
    ],
    ids=["stray-byte", "latin-1", "encoded-surrogate"],
)
def test_a_body_that_is_not_utf8_is_a_bad_request(
    demo_client, demo_registry: Registry, body: bytes
) -> None:
    url = _activities(demo_client)
    problem = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, content=body, headers={"Content-Type": "application/json"}),
        400,
        "bad-request",
    )
    assert "UTF-8" in problem["detail"]


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 1_000, 100_000])
def test_a_body_nested_past_the_limit_is_a_bad_request(
    demo_client, demo_registry: Registry, depth: int
) -> None:
    url = _activities(demo_client)
    body = b'{"title": "x", "level": "preventing", "partners": ' + b"[" * depth + b"]" * depth
    problem = refused_without_change(
        demo_registry,
        lambda: demo_client.post(
            url, content=body + b"}", headers={"Content-Type": "application/json"}
        ),
        400,
        "bad-request",
    )
    assert str(MAX_NESTING) in problem["detail"]


def test_nesting_within_the_limit_reaches_validation(demo_client) -> None:
    depth = MAX_NESTING - 1  # inside the outer object
    body = '{"title": "x", "level": "preventing", "partners": ' + "[" * depth + "]" * depth + "}"
    response = demo_client.post(
        _activities(demo_client), content=body, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 422, "validation")


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/jsonx",
    ],
)
def test_a_body_not_sent_as_json_is_unsupported(
    demo_client, demo_registry: Registry, content_type: str | None
) -> None:
    url = _activities(demo_client)
    headers = {"Content-Type": content_type} if content_type else {}
    problem = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, content=json.dumps(ACTIVITY).encode(), headers=headers),
        415,
        "unsupported-media-type",
    )
    assert "application/json" in problem["detail"]


def test_json_with_a_charset_parameter_is_json(demo_client) -> None:
    response = demo_client.post(
        _activities(demo_client),
        content=json.dumps(ACTIVITY).encode(),
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 201, response.text


def test_an_integral_float_is_an_integer(demo_client) -> None:
    revision = demo_client.get(f"{V1}/revisions/{seed_revision_id(demo_client)}")
    response = demo_client.patch(
        revision.url.path,
        content=b'{"cycle_year": 2019.0}',
        headers={"Content-Type": "application/json", "If-Match": revision.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["cycle_year"] == 2019


def test_options_lists_every_method_of_the_path(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    activity_id = demo_client.get(f"{V1}/revisions/{revision_id}/activities").json()["items"][0][
        "id"
    ]
    expected = {
        f"{V1}/activities/{activity_id}": "DELETE, GET, OPTIONS, PATCH",
        f"{V1}/revisions/{revision_id}/activities": "GET, OPTIONS, POST",
        f"{V1}/revisions/{revision_id}": "GET, OPTIONS, PATCH",
        f"{V1}/organizations/hasselby-vallingby": "GET, OPTIONS, PATCH",
    }
    for path, allow in expected.items():
        response = demo_client.options(path)
        assert response.status_code == 204, path
        assert response.headers["allow"] == allow, path


def test_parameters_are_named_as_sent(demo_client) -> None:
    problem = assert_problem(
        demo_client.get(f"{V1}/comparisons/status", params={"format": "pdf"}),
        400,
        "invalid-parameter",
    )
    assert [e["path"] for e in problem["errors"]] == ["query.format"]
    assert "fmt" not in problem["detail"]


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("activities", "modified_since", "1500000000"),
        ("activities", "modified_since", "2018-03-01"),
        ("activities", "modified_since", "2018-03-01T00:00:00"),
        ("audit", "since", "0"),
        ("audit", "until", "1e9"),
    ],
)
def test_time_filters_take_rfc3339_only(demo_client, path: str, name: str, value: str) -> None:
    url = _activities(demo_client) if path == "activities" else f"{V1}/audit"
    problem = assert_problem(demo_client.get(url, params={name: value}), 400, "invalid-parameter")
    assert [e["path"] for e in problem["errors"]] == [f"query.{name}"]


def test_time_filters_past_the_ends_of_the_calendar_answer(demo_client) -> None:
    url = _activities(demo_client)
    everything = demo_client.get(url, params={"limit": 500}).json()["items"]
    earliest = {"modified_since": "0001-01-01T00:00:00+14:00", "limit": 500}
    assert demo_client.get(url, params=earliest).json()["items"] == everything
    assert (
        demo_client.get(url, params={"modified_since": "9999-12-31T23:59:59-14:00"}).json()["items"]
        == []
    )
    audit = demo_client.get(f"{V1}/audit", params={"until": "9999-12-31T23:59:59-14:00"})
    assert audit.status_code == 200 and audit.json()["items"]
    audit = demo_client.get(f"{V1}/audit", params={"since": "0001-01-01T00:00:00+14:00"})
    assert audit.status_code == 200 and audit.json()["items"]


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30, 1e30])
def test_a_cursor_holding_an_integer_no_column_can_hold_is_refused(
    demo_client, value: float
) -> None:
    for url, key in [(_activities(demo_client), ["activities", 0, value]),
                     (f"{V1}/audit", ["audit", value]),
                     (f"{V1}/organizations", ["organizations", value])]:  # fmt: skip
        cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
        assert_problem(demo_client.get(url, params={"cursor": cursor}), 400, "invalid-parameter")
