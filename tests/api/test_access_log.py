"""The access log: one JSON line per request, with who asked but never their secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from planregistry import Registry
from planregistry_api import create_app
from planregistry_api.access_log import ACCESS_LOG_ENV, logger
from planregistry_api.security_log import logger as security_logger
from tests.api.support import KEYS, V1, bearer


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The access log's lines so far, decoded (the logger does not propagate to caplog's)."""
    logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.INFO)
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == logger.name]
    logger.removeHandler(caplog.handler)


def test_each_request_is_one_line_with_its_id_status_and_credential(
    demo_registry: Registry,
    caplog: pytest.LogCaptureFixture,
    logged: Callable[[], list[dict[str, Any]]],
) -> None:
    key = demo_registry.create_api_key(
        {"name": "Ärendesystemet", "role": "reader", "municipality": "stockholm"}
    )
    token_header = bearer("coordinator", organization="hasselby-vallingby", subject="anna.k")
    with TestClient(create_app(demo_registry, keys=KEYS)) as client:
        ok = client.get(f"{V1}/organizations?limit=2", headers=token_header)
        keyed = client.get(f"{V1}/organizations", headers={"X-API-Key": key.token})
        anonymous = client.get(f"{V1}/organizations")
        missing = client.get(f"{V1}/no-such-thing", headers={"X-Request-ID": "mitt-id-1"})
    lines = logged()
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", f"{V1}/organizations", 200),
        ("GET", f"{V1}/organizations", 200),
        ("GET", f"{V1}/organizations", 401),
        ("GET", f"{V1}/no-such-thing", 404),
    ]
    responses = (ok, keyed, anonymous, missing)
    assert [e["request_id"] for e in lines] == [r.headers["x-request-id"] for r in responses]
    assert lines[3]["request_id"] == "mitt-id-1"
    assert [e["credential"] for e in lines] == [
        "anna.k",
        f"api-key:{key.key.id}",
        None,
        None,
    ]
    assert all(isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0 for e in lines)
    text = "\n".join(r.getMessage() for r in caplog.records)
    secret = key.token.split("_", 2)[2]
    assert secret not in text and token_header["Authorization"].split()[1] not in text
    assert "limit=2" not in text  # the path only, never the query


def test_the_access_log_can_be_turned_off(
    demo_registry: Registry,
    logged: Callable[[], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ACCESS_LOG_ENV, "off")
    with TestClient(create_app(demo_registry, keys=KEYS)) as client:
        assert client.get(f"{V1}/health").status_code == 200
    assert logged() == []


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The security log's lines so far, decoded."""
    security_logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.INFO)
    yield lambda: [
        json.loads(r.getMessage()) for r in caplog.records if r.name == security_logger.name
    ]
    security_logger.removeHandler(caplog.handler)


def test_refused_requests_are_a_security_line_without_the_secret(
    demo_registry: Registry,
    caplog: pytest.LogCaptureFixture,
    refusals: Callable[[], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ACCESS_LOG_ENV, "off")  # the security log does not depend on it
    key = demo_registry.create_api_key(
        {"name": "Läsare", "role": "reader", "municipality": "stockholm"}
    )
    reader = bearer("reader", subject="rita.r")
    bad_key = f"prk_{key.key.id}_fel-hemlighet"
    wrong_token = {"Authorization": "Bearer inte.en.token"}
    with TestClient(create_app(demo_registry, keys=KEYS)) as client:
        assert client.get(f"{V1}/health").status_code == 200
        assert client.get(f"{V1}/organizations", headers=reader).status_code == 200
        answers = [
            client.get(f"{V1}/organizations", headers=wrong_token),
            client.get(f"{V1}/organizations", headers={"X-API-Key": bad_key}),
            client.post(f"{V1}/api-keys", json={"name": "x", "role": "reader"}, headers=reader),
            client.get(f"{V1}/revisions/999999", headers={**reader, "X-Request-ID": "r-404"}),
            client.get(f"{V1}/schema/no-such-page"),
        ]
    assert [a.status_code for a in answers] == [401, 401, 403, 404, 404]
    lines = refusals()
    # The public paths (health, the OpenAPI document) and successes are not refusals.
    assert [(e["status"], e["method"]) for e in lines] == [
        (401, "GET"),
        (401, "GET"),
        (403, "POST"),
        (404, "GET"),
    ]
    assert [e["request_id"] for e in lines] == [a.headers["x-request-id"] for a in answers[:4]]
    assert lines[3]["request_id"] == "r-404"
    credentials = [e["credential"] for e in lines]
    assert credentials[0].startswith("token-sha256:")
    assert credentials[1:] == [f"api-key:{key.key.id}?", "rita.r", "rita.r"]
    assert all(e["event"] == "refused" and e["client"] for e in lines)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "fel-hemlighet" not in text and "inte.en.token" not in text
    assert reader["Authorization"].split()[1] not in text
