"""Plans, revisions and a draft's content over HTTP, with the revision's ETag guarding edits."""

from __future__ import annotations

import asyncio

import httpx

from planregistry import Registry
from planregistry_api import create_app
from tests.api.support import (
    KEYS,
    V1,
    assert_problem,
    bearer,
    refused_without_change,
    seed_revision_id,
)


def test_plan_create_read_and_list(client, registry: Registry) -> None:
    assert client.post(f"{V1}/organizations", json=_org("bromma")).status_code == 201
    created = client.post(f"{V1}/organizations/bromma/plans", json={"programme_id": "vbe"})
    assert created.status_code == 201
    plan = created.json()
    assert created.headers["location"] == f"{V1}/plans/{plan['id']}"
    assert client.get(created.headers["location"]).json() == plan
    listed = client.get(f"{V1}/organizations/bromma/plans").json()
    assert listed["items"] == [plan]
    assert client.get(f"{V1}/organizations/bromma/plans?programme=other").json()["items"] == []
    refused_without_change(
        registry,
        lambda: client.post(f"{V1}/organizations/bromma/plans", json={"programme_id": "vbe"}),
        409,
        "conflict",
    )
    refused_without_change(
        registry,
        lambda: client.post(f"{V1}/organizations/bromma/plans", json={"programme_id": "nope"}),
        404,
        "not-found",
    )
    assert_problem(client.get(f"{V1}/organizations/atlantis/plans"), 404, "not-found")
    assert_problem(client.get(f"{V1}/plans/999"), 404, "not-found")


def test_revision_create_read_and_list(client, registry: Registry) -> None:
    client.post(f"{V1}/organizations", json=_org("bromma"))
    plan_id = client.post(f"{V1}/organizations/bromma/plans", json={"programme_id": "vbe"}).json()[
        "id"
    ]
    created = client.post(
        f"{V1}/plans/{plan_id}/revisions",
        json={"label": "Vers. 2, reviderad augusti 2017", "cycle_year": 2017},
    )
    assert created.status_code == 201
    revision = created.json()
    assert created.headers["location"] == f"{V1}/revisions/{revision['id']}"
    assert created.headers["etag"] == f'"revision-{revision["id"]}-v1"'
    assert revision["status"] == "draft"
    assert revision["number"] == 1
    read = client.get(created.headers["location"])
    assert read.json() == revision
    assert read.headers["etag"] == created.headers["etag"]
    listed = client.get(f"{V1}/plans/{plan_id}/revisions").json()["items"]
    assert [r["id"] for r in listed] == [revision["id"]]
    assert client.get(f"{V1}/plans/{plan_id}/revisions?status=approved").json()["items"] == []
    assert client.get(f"{V1}/plans/{plan_id}/revisions?cycle_year=2018").json()["items"] == []
    refused_without_change(
        registry,
        lambda: client.post(
            f"{V1}/plans/{plan_id}/revisions", json={"label": "Två utkast", "cycle_year": 2017}
        ),
        409,
        "conflict",
    )
    refused_without_change(
        registry,
        lambda: client.post(
            f"{V1}/plans/{plan_id}/revisions",
            json={"label": "x", "cycle_year": 2017, "status": "approved"},
        ),
        422,
        "validation",
    )
    assert_problem(client.get(f"{V1}/revisions/999"), 404, "not-found")


def test_revision_etag_changes_with_every_part(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    tags = [demo_client.get(url).headers["etag"]]
    assert demo_client.get(url, headers={"If-None-Match": tags[0]}).status_code == 304

    def changed() -> None:
        tag = demo_client.get(url).headers["etag"]
        assert tag not in tags
        tags.append(tag)

    response = demo_client.put(
        f"{url}/sections/collaboration",
        json={"heading": "Samverkan", "body": "Ny text."},
        headers={"If-Match": tags[-1]},
    )
    assert response.status_code == 200
    assert response.json() == {"key": "collaboration", "heading": "Samverkan", "body": "Ny text."}
    changed()
    assert response.headers["etag"] == tags[-1]  # The answer carries the revision's new tag.

    situation = demo_client.get(url).json()["situation"]
    situation["summary"] = "Sammanfattning."
    response = demo_client.put(f"{url}/situation", json=situation, headers={"If-Match": tags[-1]})
    assert response.status_code == 200
    assert response.json()["summary"] == "Sammanfattning."
    changed()
    assert response.headers["etag"] == tags[-1]

    response = demo_client.patch(
        url, json={"priority_areas": ["Grimsta"]}, headers={"If-Match": tags[-1]}
    )
    assert response.status_code == 200
    assert response.json()["priority_areas"] == ["Grimsta"]
    changed()
    assert response.headers["etag"] == tags[-1]

    activity = demo_client.get(f"{url}/activities?limit=1").json()["items"][0]
    tag = demo_client.get(f"{V1}/activities/{activity['id']}").headers["etag"]
    demo_client.patch(
        f"{V1}/activities/{activity['id']}", json={"title": "Ny"}, headers={"If-Match": tag}
    )
    changed()
    demo_client.post(f"{url}/activities", json={"title": "Extra", "level": "promoting"})
    changed()
    assert demo_client.get(url, headers={"If-None-Match": tags[0]}).status_code == 200


def test_content_writes_need_the_current_revision_etag(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    section = {"heading": "Samverkan", "body": "x"}
    situation = {"summary": "x"}
    writes = {
        "patch": lambda h: demo_client.patch(url, json={"label": "x"}, headers=h),
        "section": lambda h: demo_client.put(
            f"{url}/sections/collaboration", json=section, headers=h
        ),
        "situation": lambda h: demo_client.put(f"{url}/situation", json=situation, headers=h),
        "decision": lambda h: demo_client.post(
            f"{url}/decisions",
            json={"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
            headers=h,
        ),
    }
    stale = demo_client.get(url).headers["etag"]
    demo_client.put(f"{url}/sections/extra", json=section, headers={"If-Match": stale})
    for name, write in writes.items():
        refused_without_change(demo_registry, lambda w=write: w({}), 428, "precondition-required")
        body = refused_without_change(
            demo_registry, lambda w=write: w({"If-Match": stale}), 412, "stale-version"
        )
        assert body["status"] == 412, name


def test_content_body_errors_are_422_and_unknown_revision_404(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    star = {"If-Match": "*"}
    cases = [
        lambda: demo_client.put(f"{url}/sections/x", json={"heading": "X"}, headers=star),
        lambda: demo_client.put(
            f"{url}/sections/x", json={"heading": "X", "body": "", "key": "y"}, headers=star
        ),
        lambda: demo_client.put(
            f"{url}/situation", json={"survey": [{"question_key": "nope"}]}, headers=star
        ),
        lambda: demo_client.put(f"{url}/situation", json={"confidential": "yes"}, headers=star),
        lambda: demo_client.patch(url, json={"status": "approved"}, headers=star),
        lambda: demo_client.patch(url, json={"version": 99}, headers=star),
        lambda: demo_client.patch(url, json={"plan_id": 2}, headers=star),
        lambda: demo_client.patch(url, json={"cycle_year": 1999}, headers=star),
    ]
    for send in cases:
        refused_without_change(demo_registry, send, 422, "validation")
    refused_without_change(
        demo_registry,
        lambda: demo_client.put(
            f"{url}/sections/Bad Key", json={"heading": "X", "body": ""}, headers=star
        ),
        400,
        "invalid-parameter",
    )
    for send in (
        lambda: demo_client.put(
            f"{V1}/revisions/999/sections/x", json={"heading": "X", "body": ""}, headers=star
        ),
        lambda: demo_client.put(f"{V1}/revisions/999/situation", json={}, headers=star),
        lambda: demo_client.patch(f"{V1}/revisions/999", json={}, headers=star),
    ):
        refused_without_change(demo_registry, send, 404, "not-found")


def test_lost_update_is_prevented(demo_registry: Registry) -> None:
    """Two editors read the same revision and both save a section: exactly one wins."""
    app = create_app(demo_registry, keys=KEYS)
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    url = f"{V1}/revisions/{plan.revisions[0].id}"

    async def race() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(
                transport=transport, base_url="http://a", headers=bearer(subject="anna")
            ) as anna,
            httpx.AsyncClient(
                transport=transport, base_url="http://b", headers=bearer(subject="bengt")
            ) as bengt,
        ):
            tag_a = (await anna.get(url)).headers["etag"]
            tag_b = (await bengt.get(url)).headers["etag"]
            assert tag_a == tag_b
            return await asyncio.gather(
                anna.put(
                    f"{url}/sections/collaboration",
                    json={"heading": "Samverkan", "body": "Annas text"},
                    headers={"If-Match": tag_a},
                ),
                bengt.put(
                    f"{url}/sections/collaboration",
                    json={"heading": "Samverkan", "body": "Bengts text"},
                    headers={"If-Match": tag_b},
                ),
            )

    responses = asyncio.run(race())
    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 412)
    assert loser.json()["type"].endswith("/stale-version")
    stored = next(
        s
        for s in demo_registry.get_revision(plan.revisions[0].id).sections
        if s.key == "collaboration"
    )
    assert stored.body == winner.json()["body"]


def test_only_a_draft_can_be_edited(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    decided = demo_client.post(
        f"{url}/decisions",
        json={"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
        headers={"If-Match": demo_client.get(url).headers["etag"]},
    )
    assert decided.status_code == 201
    tag = decided.headers["etag"]
    assert tag == demo_client.get(url).headers["etag"]
    body = refused_without_change(
        demo_registry,
        lambda: demo_client.put(
            f"{url}/sections/collaboration",
            json={"heading": "S", "body": "x"},
            headers={"If-Match": tag},
        ),
        409,
        "read-only",
    )
    assert body["current_status"] == "awaiting_board"
    assert body["allowed"] == []


def _org(org_id: str) -> dict[str, str]:
    return {
        "id": org_id,
        "name": f"{org_id} förvaltning",
        "kind": "district",
        "committee": f"{org_id} nämnd",
        "municipality": "stockholm",
    }
