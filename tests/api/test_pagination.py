"""Collections page by keyset: walk them by `Link`/`next_cursor`; `modified_since` syncs."""

from __future__ import annotations

import datetime as dt
import re

from tests.api.support import ACTIVITY, V1, seed_revision_id

LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def walk(client, url: str, **params: object) -> tuple[list[dict], int]:
    """Every item, following the `Link` header; also checks the body's links agree."""
    items: list[dict] = []
    pages = 0
    # httpx drops a URL's own query when given params, even empty ones.
    response = client.get(url, params=params) if params else client.get(url)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        items.extend(body["items"])
        link = response.headers.get("link")
        if body["next_cursor"] is None:
            assert link is None
            assert body["links"] == {"next": None}
            return items, pages
        match = LINK.match(link)
        assert match, link
        assert match["url"] == body["links"]["next"]
        assert f"cursor={body['next_cursor']}" in match["url"]
        response = client.get(match["url"])


def test_walk_organisations_keeps_filters_and_sees_each_once(demo_client) -> None:
    everything = demo_client.get(f"{V1}/organizations", params={"limit": 500}).json()["items"]
    assert len(everything) == 19
    items, pages = walk(demo_client, f"{V1}/organizations", limit=5)
    assert pages == 4
    assert [o["id"] for o in items] == [o["id"] for o in everything]
    districts, pages = walk(demo_client, f"{V1}/organizations", limit=4, kind="district")
    assert pages == 4
    assert len(districts) == 14
    assert {o["kind"] for o in districts} == {"district"}


def test_default_page_is_50(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    for i in range(40):
        demo_client.post(
            f"{V1}/revisions/{revision_id}/activities", json={**ACTIVITY, "title": f"A{i}"}
        )
    first = demo_client.get(f"{V1}/revisions/{revision_id}/activities").json()
    assert len(first["items"]) == 50
    assert first["next_cursor"] is not None
    items, pages = walk(demo_client, f"{V1}/revisions/{revision_id}/activities", limit=7)
    assert len(items) == 54
    assert pages == 8
    assert len({a["id"] for a in items}) == 54


def test_a_walk_is_not_disturbed_by_inserts(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}/activities"
    first = demo_client.get(url, params={"limit": 5}).json()
    demo_client.post(url, json={**ACTIVITY, "title": "Ny sist"})
    rest, _ = walk(demo_client, first["links"]["next"])
    ids = [a["id"] for a in first["items"] + rest]
    assert len(ids) == len(set(ids)) == 15


def test_every_collection_pages(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    demo_client.post(
        f"{url}/decisions",
        json={"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
        headers={"If-Match": "*"},
    )
    demo_client.post(
        f"{url}/decisions",
        json={"body": "city_executive_board", "outcome": "approved", "decided_on": "2017-06-01"},
        headers={"If-Match": "*"},
    )
    activity_id = demo_client.get(f"{url}/activities").json()["items"][0]["id"]
    for period in ("2017-VB", "2018-T1", "2018-T2"):
        demo_client.post(
            f"{V1}/activities/{activity_id}/follow-ups",
            json={"period": period, "status": "ongoing"},
        )
    plan_id = demo_client.get(url).json()["plan_id"]
    demo_client.post(
        f"{V1}/plans/{plan_id}/revisions", json={"label": "Vers. 2018", "cycle_year": 2018}
    )
    expected = {
        f"{V1}/programmes": 1,
        f"{V1}/organizations/hasselby-vallingby/plans": 1,
        f"{V1}/plans/{plan_id}/revisions": 2,
        f"{url}/decisions": 2,
        f"{V1}/activities/{activity_id}/follow-ups": 3,
    }
    for collection, count in expected.items():
        items, pages = walk(demo_client, collection, limit=1)
        assert len(items) == count, collection
        assert pages == count, collection
    (draft,) = demo_client.get(
        f"{V1}/plans/{plan_id}/revisions", params={"status": "draft"}
    ).json()["items"]
    assert draft["cycle_year"] == 2018


def test_modified_since_returns_only_later_changes(demo_client, demo_registry, clock) -> None:
    since = clock.current + dt.timedelta(microseconds=1)
    stamp = since.isoformat()
    assert (
        demo_client.get(f"{V1}/organizations", params={"modified_since": stamp}).json()["items"]
        == []
    )
    demo_client.patch(
        f"{V1}/organizations/farsta", json={"name": "Farsta SDF"}, headers={"If-Match": "*"}
    )
    changed = demo_client.get(f"{V1}/organizations", params={"modified_since": stamp}).json()[
        "items"
    ]
    assert [o["id"] for o in changed] == ["farsta"]
    # The same instant in another zone selects the same rows.
    other_zone = since.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert (
        demo_client.get(f"{V1}/organizations", params={"modified_since": other_zone}).json()[
            "items"
        ]
        == changed
    )

    revision_id = seed_revision_id(demo_client)
    plans_url = f"{V1}/organizations/hasselby-vallingby/plans"
    assert demo_client.get(plans_url, params={"modified_since": stamp}).json()["items"] == []
    activities_url = f"{V1}/revisions/{revision_id}/activities"
    first = demo_client.get(activities_url).json()["items"][0]
    demo_client.patch(
        f"{V1}/activities/{first['id']}", json={"title": "Ändrad"}, headers={"If-Match": "*"}
    )
    assert [
        a["id"]
        for a in demo_client.get(activities_url, params={"modified_since": stamp}).json()["items"]
    ] == [first["id"]]
    # A plan lists its revisions, so a changed revision makes the plan changed too.
    assert len(demo_client.get(plans_url, params={"modified_since": stamp}).json()["items"]) == 1
    plan_id = demo_client.get(f"{V1}/revisions/{revision_id}").json()["plan_id"]
    revisions = demo_client.get(
        f"{V1}/plans/{plan_id}/revisions", params={"modified_since": stamp}
    ).json()["items"]
    assert [r["id"] for r in revisions] == [revision_id]
    later = (clock.current + dt.timedelta(seconds=1)).isoformat()
    assert demo_client.get(activities_url, params={"modified_since": later}).json()["items"] == []
