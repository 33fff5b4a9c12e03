"""The audit trail over HTTP: one entry per successful write, with its author and request id;
none for a refused write; readable by the central role only; never changeable."""

from __future__ import annotations

from typing import Any

import pytest

from planregistry import Registry
from tests.api.support import ACTIVITY, ORGANIZATION, V1, assert_problem, bearer

GOTEBORG = bearer("central", municipality="goteborg")
ANNA = bearer("central", subject="anna", name="Anna Andersson")
KARIN = bearer("coordinator", organization="hasselby-vallingby", subject="karin", name="Karin")


def entries(client, **filters: Any) -> list[dict[str, Any]]:
    response = client.get(f"{V1}/audit", params={"limit": 500, **filters})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def write(client, method: str, url: str, request_id: str, **kwargs: Any):
    headers = {**kwargs.pop("headers", ANNA), "X-Request-ID": request_id}
    response = client.request(method, url, headers=headers, **kwargs)
    assert response.headers["x-request-id"] == request_id
    return response


def test_each_successful_write_leaves_one_entry_with_author_and_request(client) -> None:
    steps: list[tuple[str, str, str, dict[str, Any]]] = [
        ("create org", "POST", f"{V1}/organizations", {"json": ORGANIZATION}),
        (
            "create plan",
            "POST",
            f"{V1}/organizations/hasselby-vallingby/plans",
            {"json": {"programme_id": "vbe"}},
        ),
    ]
    seen = len(entries(client))
    for number, (what, method, url, kwargs) in enumerate(steps):
        response = write(client, method, url, f"req-{number}", **kwargs)
        assert response.is_success, (what, response.text)
        new = entries(client)[seen:]
        assert len(new) == 1, (what, new)
        (entry,) = new
        assert entry["actor_subject"] == "anna" and entry["actor_name"] == "Anna Andersson"
        assert entry["actor_role"] == "central"
        assert entry["request_id"] == f"req-{number}"
        assert entry["municipality_id"] == "stockholm"
        seen += 1

    plan_id = client.get(f"{V1}/organizations/hasselby-vallingby/plans").json()["items"][0]["id"]
    revision = write(
        client,
        "POST",
        f"{V1}/plans/{plan_id}/revisions",
        "req-revision",
        json={"label": "Vers. 1", "cycle_year": 2026},
        headers=KARIN,
    )
    assert revision.status_code == 201, revision.text
    tag = revision.headers["etag"]
    revision_id = revision.json()["id"]
    for request_id, method, url, kwargs in (
        (
            "req-section",
            "PUT",
            f"{V1}/revisions/{revision_id}/sections/collaboration",
            {
                "json": {"heading": "Samverkan", "body": "Med polisen."},
                "headers": {**KARIN, "If-Match": tag},
            },
        ),
        (
            "req-activity",
            "POST",
            f"{V1}/revisions/{revision_id}/activities",
            {
                "json": ACTIVITY,
                "headers": KARIN,
            },
        ),
        (
            "req-review",
            "POST",
            f"{V1}/revisions/{revision_id}/reviews",
            {"json": {"feedback": "Tydligt."}},
        ),
    ):
        before = len(entries(client))
        response = write(client, method, url, request_id, **kwargs)
        assert response.is_success, response.text
        new = entries(client)[before:]
        assert [e["request_id"] for e in new] == [request_id], new
    by_karin = entries(client, actor="karin")
    assert {e["request_id"] for e in by_karin} == {"req-revision", "req-section", "req-activity"}
    assert all(e["organization_id"] == "hasselby-vallingby" for e in by_karin)
    assert all(e["actor_role"] == "coordinator" for e in by_karin)


def test_refused_writes_leave_no_entry(client, registry: Registry) -> None:
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    organization = client.get(f"{V1}/organizations/hasselby-vallingby")
    tag = organization.headers["etag"]
    before = entries(client)
    url = f"{V1}/organizations/hasselby-vallingby"
    refused = [
        # 403: a reader changes nothing.
        (
            client.post(
                f"{V1}/organizations", json={**ORGANIZATION, "id": "x"}, headers=bearer("reader")
            ),
            403,
        ),
        # 404: not in the caller's municipality.
        (client.patch(url, json={"name": "X"}, headers={**GOTEBORG, "If-Match": tag}), 404),
        # 412: a stale ETag; 428: none.
        (client.patch(url, json={"name": "X"}, headers={"If-Match": '"organization-x-v9"'}), 412),
        (client.patch(url, json={"name": "X"}), 428),
        # 422: a body that does not validate.
        (client.post(f"{V1}/organizations", json={**ORGANIZATION, "kind": "nope"}), 422),
        # 409: a duplicate.
        (client.post(f"{V1}/organizations", json=ORGANIZATION), 409),
        # 401: no credentials at all.
        (
            client.post(
                f"{V1}/api-keys",
                json={"name": "x", "role": "reader"},
                headers={"Authorization": "Bearer x"},
            ),
            401,
        ),
    ]
    for response, status in refused:
        assert response.status_code == status, response.text
    assert entries(client) == before


@pytest.mark.parametrize("role", ["reader", "coordinator"])
def test_only_the_central_role_reads_the_audit_trail(client, role: str) -> None:
    headers = bearer(role, organization="hasselby-vallingby" if role == "coordinator" else None)
    assert_problem(client.get(f"{V1}/audit", headers=headers), 403, "forbidden")


def test_another_municipality_sees_none_of_it(client) -> None:
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    assert entries(client)
    elsewhere = client.get(f"{V1}/audit", headers=GOTEBORG)
    assert elsewhere.status_code == 200 and elsewhere.json()["items"] == []


def test_filters_and_paging(client) -> None:
    for slug in ("bromma", "farsta", "skarholmen"):
        created = client.post(f"{V1}/organizations", json={**ORGANIZATION, "id": slug})
        assert created.status_code == 201
    first = client.get(f"{V1}/audit", params={"limit": 2, "entity": "organization"})
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert first.headers["link"].endswith('rel="next"')
    rest = client.get(page["links"]["next"]).json()
    assert [e["entity_id"] for e in page["items"] + rest["items"]] == [
        "bromma",
        "farsta",
        "skarholmen",
    ]
    assert [e["entity_id"] for e in entries(client, entity_id="farsta")] == ["farsta"]
    everything = entries(client)
    middle = everything[1]["occurred_at"]
    assert [e["entity_id"] for e in entries(client, since=middle)] == ["farsta", "skarholmen"]
    assert [e["entity_id"] for e in entries(client, until=middle)] == ["bromma"]
    assert entries(client, actor="nobody") == []
    bad = client.get(f"{V1}/audit", params={"since": "yesterday"})
    assert_problem(bad, 400, "invalid-parameter")


def test_the_audit_trail_cannot_be_changed_over_http(client) -> None:
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    before = entries(client)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, f"{V1}/audit", json={})
        assert_problem(response, 405, "method-not-allowed")
        response = client.request(method, f"{V1}/audit/{before[0]['id']}", json={})
        assert response.status_code in (404, 405)
    assert entries(client) == before
