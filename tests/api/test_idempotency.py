"""`Idempotency-Key`: a retried POST gets the first answer again, never a second effect."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from litestar.testing import TestClient
from sqlalchemy import select

from planregistry import Registry
from planregistry.storage.idempotency import IdempotencyStore
from planregistry.storage.tables import IdempotencyKeyRow
from planregistry_api.idempotency import fingerprint
from tests.api.support import ORGANIZATION, V1, assert_problem, bearer
from tests.conftest import Clock


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


def test_a_retried_create_is_answered_again_without_a_second_effect(
    client: TestClient, registry: Registry
) -> None:
    key = str(uuid.uuid4())
    first = client.post(f"{V1}/organizations", json=ORGANIZATION, headers=keyed(key))
    assert first.status_code == 201, first.text
    again = client.post(f"{V1}/organizations", json=ORGANIZATION, headers=keyed(key))
    assert again.status_code == 201
    assert again.content == first.content
    for header in ("location", "etag", "content-type"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    # The replay is an answer of its own: its own request id, the security headers.
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert again.headers["x-content-type-options"] == "nosniff"
    creates = registry.list_audit(entity="organization").items
    assert [e.action for e in creates] == ["create"]
    # Without the key, the same request is a second request (and conflicts).
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 409


def test_the_same_key_for_another_request_is_422(client: TestClient, registry: Registry) -> None:
    key = "nyckel-1"
    assert client.post(f"{V1}/api-keys", json={"name": "A", "role": "reader"}, headers=keyed(key))
    other = client.post(f"{V1}/api-keys", json={"name": "B", "role": "reader"}, headers=keyed(key))
    assert_problem(other, 422, "idempotency-key-reused")
    elsewhere = client.post(f"{V1}/organizations", json=ORGANIZATION, headers=keyed(key))
    assert_problem(elsewhere, 422, "idempotency-key-reused")
    assert [k.name for k in registry.list_api_keys()] == ["A"]


def test_keys_are_per_caller(client: TestClient, registry: Registry) -> None:
    body = {"name": "Samma", "role": "reader"}
    first = client.post(f"{V1}/api-keys", json=body, headers=keyed("k"))
    second = client.post(
        f"{V1}/api-keys", json=body, headers=keyed("k", **bearer("central", subject="eva"))
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] != second.json()["token"]
    assert len(registry.list_api_keys()) == 2


def test_a_request_still_running_with_the_key_is_409(
    client: TestClient, registry: Registry
) -> None:
    body = json.dumps(ORGANIZATION).encode()
    store = IdempotencyStore(registry.engine, registry.now)
    print_ = fingerprint("POST", f"{V1}/organizations", "", "application/json", body)
    headers = keyed("running", **{"Content-Type": "application/json"})
    store.claim("test-central", "running", print_)  # the first request, not yet answered
    assert_problem(
        client.post(f"{V1}/organizations", content=body, headers=headers),
        409,
        "idempotency-key-in-flight",
    )
    assert registry.list_audit(entity="organization").items == []
    store.release("test-central", "running")  # the first one failed: the key is free again
    assert client.post(f"{V1}/organizations", content=body, headers=headers).status_code == 201


def test_answers_expire_after_a_day_and_are_pruned(
    client: TestClient, registry: Registry, clock: Clock
) -> None:
    body = {**ORGANIZATION, "id": "bromma", "name": "Bromma"}
    first = client.post(f"{V1}/organizations", json=body, headers=keyed("dag"))
    client.post(f"{V1}/organizations", json=ORGANIZATION, headers=keyed("annan"))
    clock.current += dt.timedelta(hours=23)
    replay = client.post(f"{V1}/organizations", json=body, headers=keyed("dag"))
    assert replay.content == first.content and replay.headers["idempotent-replayed"] == "true"
    clock.current += dt.timedelta(hours=2)
    # A day later the key is forgotten: the request runs again (and conflicts this time).
    later = client.post(f"{V1}/organizations", json=body, headers=keyed("dag"))
    assert_problem(later, 409, "conflict")
    assert "idempotent-replayed" not in later.headers
    with registry.engine.connect() as conn:
        stored = conn.scalars(select(IdempotencyKeyRow.key)).all()
    assert stored == ["dag"]  # "annan" expired and went with the next claim


def test_a_new_api_keys_token_is_never_stored_for_a_replay(
    client: TestClient, registry: Registry
) -> None:
    body = {"name": "Engång", "role": "reader"}
    first = client.post(f"{V1}/api-keys", json=body, headers=keyed("hemlig"))
    assert first.status_code == 201
    token = first.json()["token"]
    again = client.post(f"{V1}/api-keys", json=body, headers=keyed("hemlig"))
    problem = assert_problem(again, 409, "secret-shown-once")
    assert token not in again.text and "Location" in problem["detail"]
    assert again.headers["location"] == first.headers["location"]
    assert len(registry.list_api_keys()) == 1
    with registry.engine.connect() as conn:
        stored = conn.execute(select(IdempotencyKeyRow.body, IdempotencyKeyRow.headers)).all()
    assert stored and all(token.encode() not in bytes(b or b"") for b, _ in stored)
    assert token not in repr(stored)


def test_refusals_are_kept_but_server_errors_and_bad_keys_are_not(
    client: TestClient, registry: Registry
) -> None:
    bad = {**ORGANIZATION, "kind": "okänd"}
    first = client.post(f"{V1}/organizations", json=bad, headers=keyed("fel"))
    assert first.status_code == 422
    assert client.post(f"{V1}/organizations", json=bad, headers=keyed("fel")).content == (
        first.content
    )
    for key in (b"", b"x" * 256, b"med mellanslag", "pågår".encode()):
        headers = {"Idempotency-Key": key}
        response = client.post(f"{V1}/organizations", json=ORGANIZATION, headers=headers)
        assert_problem(response, 400, "bad-request")
    assert registry.list_audit(entity="organization").items == []


def test_the_openapi_document_offers_the_header_on_every_post(client: TestClient) -> None:
    document = client.get(f"{V1}/schema/openapi.json").json()
    posts = [(p, item["post"]) for p, item in document["paths"].items() if "post" in item]
    assert len(posts) >= 9
    for path, operation in posts:
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, path
        assert {"409", "422"} <= set(operation["responses"]), path


def test_a_key_on_a_path_beyond_latin_1_is_an_ordinary_request(client: TestClient) -> None:
    """Paths arrive decoded: a character past U+00FF (here a CJK one and an emoji) in an
    organisation's id is the usual 400, never a failure to fingerprint the request."""
    path = f"{V1}/organizations/{'組織😀'}/plan-imports"
    files = {"file": ("plan.txt", b"Handlingsplan", "text/plain")}
    first = client.post(path, files=files, headers=keyed("utanfor-latin-1"))
    assert_problem(first, 400, "invalid-parameter")
