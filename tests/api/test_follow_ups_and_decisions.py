"""Decisions move a revision along its lifecycle; follow-up is reported on the plan in force."""

from __future__ import annotations

from tests.api.support import V1, assert_problem, refused_without_change, seed_revision_id

COMMITTEE = {
    "body": "committee",
    "outcome": "approved",
    "decided_on": "2017-05-18",
    "case_number": "1.2.3-123/2017",
    "minutes_ref": "§ 12",
}
BOARD = {"body": "city_executive_board", "outcome": "approved", "decided_on": "2017-06-14"}


def test_decisions_are_recorded_and_listed(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    committee = demo_client.post(
        f"{url}/decisions",
        json=COMMITTEE,
        headers={"If-Match": demo_client.get(url).headers["etag"]},
    )
    assert committee.status_code == 201
    assert committee.headers["location"] == f"{url}/decisions"
    decision = committee.json()
    assert decision["status_before"] == "draft"
    assert decision["status_after"] == "awaiting_board"
    assert decision["minutes_ref"] == "§ 12"
    assert decision["recorded_by"] == "test-central"  # who the token names

    refused = refused_without_change(
        demo_registry,
        lambda: demo_client.post(
            f"{url}/decisions", json=COMMITTEE, headers={"If-Match": committee.headers["etag"]}
        ),
        409,
        "illegal-transition",
    )
    assert refused["current_status"] == "awaiting_board"
    assert "city_executive_board:approved" in refused["allowed"]

    board = demo_client.post(
        f"{url}/decisions", json=BOARD, headers={"If-Match": committee.headers["etag"]}
    )
    assert board.status_code == 201
    assert board.json()["status_after"] == "approved"
    assert demo_client.get(url).json()["status"] == "approved"
    listed = demo_client.get(f"{url}/decisions").json()["items"]
    assert [d["id"] for d in listed] == [decision["id"], board.json()["id"]]
    assert_problem(demo_client.get(f"{V1}/revisions/999/decisions"), 404, "not-found")


def test_bad_decisions_are_refused(demo_client, demo_registry) -> None:
    url = f"{V1}/revisions/{seed_revision_id(demo_client)}/decisions"
    star = {"If-Match": "*"}
    cases = [
        ({**COMMITTEE, "outcome": "maybe"}, 422, "validation"),
        ({**COMMITTEE, "decided_on": "18 maj 2017"}, 422, "validation"),
        ({**COMMITTEE, "decided_on": "2099-01-01"}, 422, "validation"),
        ({**COMMITTEE, "status_after": "approved"}, 422, "validation"),
        ({**COMMITTEE, "recorded_by": "Mallory"}, 422, "validation"),
        (BOARD, 409, "illegal-transition"),
    ]
    for payload, status, slug in cases:
        refused_without_change(
            demo_registry,
            lambda p=payload: demo_client.post(url, json=p, headers=star),
            status,
            slug,
        )


def test_follow_up_only_on_the_plan_in_force(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    activity = demo_client.get(f"{url}/activities?limit=1").json()["items"][0]
    follow_ups = f"{V1}/activities/{activity['id']}/follow-ups"
    report = {"period": "2017-VB", "status": "done", "comment": "Genomförd under hösten."}
    body = refused_without_change(
        demo_registry, lambda: demo_client.post(follow_ups, json=report), 409, "illegal-transition"
    )
    assert body["current_status"] == "draft"

    demo_client.post(f"{url}/decisions", json=COMMITTEE, headers={"If-Match": "*"})
    demo_client.post(f"{url}/decisions", json=BOARD, headers={"If-Match": "*"})
    created = demo_client.post(follow_ups, json=report)
    assert created.status_code == 201
    assert created.headers["location"] == follow_ups
    follow_up = created.json()
    assert follow_up["activity_key"] == activity["key"]
    assert follow_up["status"] == "done"
    demo_client.post(follow_ups, json={"period": "2018-T1", "status": "ongoing"})
    listed = demo_client.get(follow_ups).json()["items"]
    assert [f["period"] for f in listed] == ["2017-VB", "2018-T1"]
    assert [
        f["period"] for f in demo_client.get(f"{follow_ups}?period=2018-T1").json()["items"]
    ] == ["2018-T1"]
    for payload in (
        {"period": "2017", "status": "done"},
        {"period": "2017-VB", "status": "finished"},
        {"period": "2017-VB", "status": "done", "reported_by": "x"},
    ):
        refused_without_change(
            demo_registry, lambda p=payload: demo_client.post(follow_ups, json=p), 422, "validation"
        )
    assert_problem(
        demo_client.post(f"{V1}/activities/999/follow-ups", json=report), 404, "not-found"
    )
    assert_problem(demo_client.get(f"{V1}/activities/999/follow-ups"), 404, "not-found")
