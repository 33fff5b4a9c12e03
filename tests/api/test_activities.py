"""Activities: listed and added under a revision; read, changed and removed with their ETag."""

from __future__ import annotations

from tests.api.support import ACTIVITY, V1, assert_problem, refused_without_change, seed_revision_id


def test_add_read_change_and_delete(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    created = demo_client.post(f"{V1}/revisions/{revision_id}/activities", json=ACTIVITY)
    assert created.status_code == 201
    activity = created.json()
    url = f"{V1}/activities/{activity['id']}"
    assert created.headers["location"] == url
    assert created.headers["etag"] == f'"activity-{activity["id"]}-v1"'
    assert activity["revision_id"] == revision_id
    assert activity["key"].startswith("utbildning-for-medarbetare")
    assert {k: activity[k] for k in ACTIVITY} == ACTIVITY

    read = demo_client.get(url)
    assert read.json() == activity
    assert demo_client.get(url, headers={"If-None-Match": read.headers["etag"]}).status_code == 304

    changed = demo_client.patch(
        url,
        json={"partners": ["Polis"], "description": None},
        headers={"If-Match": read.headers["etag"]},
    )
    assert changed.status_code == 200
    assert changed.json()["partners"] == ["Polis"]
    assert changed.json()["key"] == activity["key"]
    assert changed.headers["etag"] == f'"activity-{activity["id"]}-v2"'

    refused_without_change(
        demo_registry,
        lambda: demo_client.delete(url, headers={"If-Match": read.headers["etag"]}),
        412,
        "stale-version",
    )
    refused_without_change(
        demo_registry, lambda: demo_client.delete(url), 428, "precondition-required"
    )
    deleted = demo_client.delete(url, headers={"If-Match": changed.headers["etag"]})
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(demo_client.get(url), 404, "not-found")


def test_list_in_plan_order(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    items = demo_client.get(f"{V1}/revisions/{revision_id}/activities").json()["items"]
    assert len(items) == 14
    assert [a["position"] for a in items] == sorted(a["position"] for a in items)
    moved = items[-1]
    tag = demo_client.get(f"{V1}/activities/{moved['id']}").headers["etag"]
    demo_client.patch(
        f"{V1}/activities/{moved['id']}", json={"position": 0}, headers={"If-Match": tag}
    )
    again = demo_client.get(f"{V1}/revisions/{revision_id}/activities").json()["items"]
    assert again[0]["id"] == moved["id"]
    assert_problem(demo_client.get(f"{V1}/revisions/999/activities"), 404, "not-found")


def test_patch_with_the_revision_etag_is_refused(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    revision_tag = demo_client.get(f"{V1}/revisions/{revision_id}").headers["etag"]
    activity = demo_client.get(f"{V1}/revisions/{revision_id}/activities?limit=1").json()["items"][
        0
    ]
    refused_without_change(
        demo_registry,
        lambda: demo_client.patch(
            f"{V1}/activities/{activity['id']}",
            json={"title": "x"},
            headers={"If-Match": revision_tag},
        ),
        412,
        "stale-version",
    )


def test_bad_activity_bodies_are_422(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}/activities"
    cases = {
        "unknown level": ({**ACTIVITY, "level": "heroic"}, ["$.level"]),
        "unknown theme": ({**ACTIVITY, "themes": ["staff_training", "nope"]}, ["$.themes[1]"]),
        "wrong type": ({**ACTIVITY, "partners": "Polis"}, ["$.partners"]),
        "server-owned key": ({**ACTIVITY, "key": "my-key"}, ["$.key"]),
        "server-owned revision": ({**ACTIVITY, "revision_id": 2}, ["$.revision_id"]),
        "missing title": ({"level": "preventing"}, ["$.title"]),
    }
    for name, (payload, paths) in cases.items():
        body = refused_without_change(
            demo_registry, lambda p=payload: demo_client.post(url, json=p), 422, "validation"
        )
        assert [e["path"] for e in body["errors"]] == paths, name
    activity = demo_client.get(f"{url}?limit=1").json()["items"][0]
    for field, value in (
        ("id", 1),
        ("version", 3),
        ("status", "done"),
        ("updated_at", "2020-01-01"),
    ):
        refused_without_change(
            demo_registry,
            lambda f=field, v=value: demo_client.patch(
                f"{V1}/activities/{activity['id']}", json={f: v}, headers={"If-Match": "*"}
            ),
            422,
            "validation",
        )


def test_activities_of_a_decided_revision_are_read_only(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    demo_client.post(
        f"{url}/decisions",
        json={"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
        headers={"If-Match": "*"},
    )
    activity = demo_client.get(f"{url}/activities?limit=1").json()["items"][0]
    for send in (
        lambda: demo_client.post(f"{url}/activities", json=ACTIVITY),
        lambda: demo_client.patch(
            f"{V1}/activities/{activity['id']}", json={"title": "x"}, headers={"If-Match": "*"}
        ),
        lambda: demo_client.delete(f"{V1}/activities/{activity['id']}", headers={"If-Match": "*"}),
    ):
        refused_without_change(demo_registry, send, 409, "read-only")
