"""Kommunstyrelsen's joint decision, the review as a step and conditions answered, over HTTP."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from planregistry import Registry
from tests.api.support import ACTIVITY, V1, assert_problem, bearer, refused_without_change

HV, BROMMA = "hasselby-vallingby", "bromma"
CONDITIONS = ["Lägesbilden ska kompletteras.", "Ansvaret ska förtydligas."]


def _two_plans_awaiting_the_board(client: TestClient[Any]) -> dict[str, int]:
    plans = client.get(f"{V1}/organizations/{HV}/plans").json()["items"]
    revisions = {HV: plans[0]["revisions"][0]["id"]}
    plan = client.post(f"{V1}/organizations/{BROMMA}/plans", json={"programme_id": "vbe"}).json()
    revision = client.post(
        f"{V1}/plans/{plan['id']}/revisions", json={"label": "Vers. 1", "cycle_year": 2017}
    ).json()
    client.post(f"{V1}/revisions/{revision['id']}/activities", json=ACTIVITY)
    revisions[BROMMA] = revision["id"]
    for rid in revisions.values():
        decided = client.post(
            f"{V1}/revisions/{rid}/decisions",
            json={"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
            headers={"If-Match": "*"},
        )
        assert decided.status_code == 201, decided.text
    return revisions


def _tags(client: TestClient[Any], revisions: dict[str, int]) -> str:
    return ", ".join(
        client.get(f"{V1}/revisions/{rid}").headers["etag"] for rid in revisions.values()
    )


def _joint(revisions: dict[str, int]) -> dict[str, Any]:
    return {
        "decided_on": "2017-09-13",
        "case_number": "KS 2017/123",
        "minutes_ref": "§ 21",
        "items": [
            {
                "revision_id": revisions[HV],
                "outcome": "approved_with_conditions",
                "conditions": CONDITIONS,
            },
            {"revision_id": revisions[BROMMA], "outcome": "approved"},
        ],
    }


def test_one_joint_decision_moves_every_revision_and_conditions_are_answered(
    demo_client: TestClient[Any], demo_registry: Registry
) -> None:
    revisions = _two_plans_awaiting_the_board(demo_client)
    review = demo_client.post(
        f"{V1}/revisions/{revisions[HV]}/reviews",
        json={
            "feedback": "Granskad.",
            "outcome": "ready_for_board",
            "requests": ["Ange mätbara mål."],
            "expert_body": "Försvarshögskolan",
        },
    )
    assert review.status_code == 201 and review.json()["outcome"] == "ready_for_board"
    board = demo_client.get(f"{V1}/comparisons/status").json()
    (row,) = [r for r in board["rows"] if r["organization_id"] == HV]
    assert row["review_outcome"] == "ready_for_board"

    created = demo_client.post(
        f"{V1}/board-decisions",
        json=_joint(revisions),
        headers={"If-Match": _tags(demo_client, revisions)},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    joint = body["board_decision"]
    assert created.headers["location"] == f"{V1}/board-decisions/{joint['id']}"
    assert {i["status_after"] for i in joint["items"]} == {"approved"}
    for written in body["revisions"]:
        tag = demo_client.get(f"{V1}/revisions/{written['revision_id']}").headers["etag"]
        assert tag == f'"revision-{written["revision_id"]}-v{written["revision_version"]}"'
    assert demo_client.get(f"{V1}/board-decisions/{joint['id']}").json() == joint
    assert demo_client.get(f"{V1}/board-decisions").json()["items"] == [joint]
    # A coordinator reads its own organisation's part only.
    own = demo_client.get(
        f"{V1}/board-decisions/{joint['id']}", headers=bearer("coordinator", organization=BROMMA)
    ).json()
    assert [i["organization_id"] for i in own["items"]] == [BROMMA]

    # The next revision answers each condition; completeness clears when all are answered.
    hv = demo_client.get(f"{V1}/revisions/{revisions[HV]}").json()
    for activity in hv["activities"]:
        demo_client.post(
            f"{V1}/activities/{activity['id']}/follow-ups",
            json={"period": "2017-VB", "status": "done"},
        )
    new = demo_client.post(
        f"{V1}/plans/{hv['plan_id']}/revisions", json={"label": "Vers. 2", "cycle_year": 2018}
    ).json()
    url = f"{V1}/revisions/{new['id']}"
    to_answer = demo_client.get(f"{url}/conditions").json()["items"]
    assert [c["condition"]["text"] for c in to_answer] == CONDITIONS
    codes = [f["code"] for f in demo_client.get(f"{url}/completeness").json()["findings"]]
    assert codes.count("condition_unanswered") == 2
    for item in to_answer:
        answer_url = f"{url}/conditions/{item['condition']['id']}/response"
        assert_problem(
            demo_client.put(answer_url, json={"response": "Svar."}), 428, "precondition-required"
        )
        tag = demo_client.get(url).headers["etag"]
        answered = demo_client.put(
            answer_url, json={"response": "Svar."}, headers={"If-Match": tag}
        )
        assert answered.status_code == 200, answered.text
        assert answered.headers["etag"] != tag
        assert_problem(
            demo_client.put(answer_url, json={"response": "Igen."}, headers={"If-Match": tag}),
            412,
            "stale-version",
        )
    codes = [f["code"] for f in demo_client.get(f"{url}/completeness").json()["findings"]]
    assert "condition_unanswered" not in codes
    assert_problem(
        demo_client.put(
            f"{url}/conditions/99999/response", json={"response": "x"}, headers={"If-Match": "*"}
        ),
        404,
        "not-found",
    )


def test_the_joint_decision_is_refused_whole(
    demo_client: TestClient[Any], demo_registry: Registry
) -> None:
    revisions = _two_plans_awaiting_the_board(demo_client)
    url = f"{V1}/board-decisions"
    data = _joint(revisions)
    refused_without_change(
        demo_registry, lambda: demo_client.post(url, json=data), 428, "precondition-required"
    )
    # One revision's tag is stale (or missing): nothing is recorded.
    only_hv = demo_client.get(f"{V1}/revisions/{revisions[HV]}").headers["etag"]
    body = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, json=data, headers={"If-Match": only_hv}),
        412,
        "stale-version",
    )
    assert str(revisions[BROMMA]) in body["detail"]
    # One revision in the wrong state: 409 naming it, and nothing recorded.
    demo_registry.record_decision(
        revisions[BROMMA],
        {"body": "city_executive_board", "outcome": "returned", "decided_on": "2017-06-01"},
    )
    body = refused_without_change(
        demo_registry,
        lambda: demo_client.post(
            url, json=data, headers={"If-Match": _tags(demo_client, revisions)}
        ),
        409,
        "illegal-transition",
    )
    assert f"Revision {revisions[BROMMA]}" in body["detail"]
    bad = {**data, "items": [{"revision_id": revisions[HV], "outcome": "approved_with_conditions"}]}
    body = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, json=bad, headers={"If-Match": "*"}),
        422,
        "validation",
    )
    for payload in ({**data, "status": "approved"}, {**data, "items": "x"}):
        refused_without_change(
            demo_registry,
            lambda p=payload: demo_client.post(url, json=p, headers={"If-Match": "*"}),
            422,
            "validation",
        )
    # Only the central role records it; a coordinator is refused (403) for its own plan.
    coordinator = bearer("coordinator", organization=HV)
    own_only = {**data, "items": [data["items"][0]]}
    refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, json=own_only, headers={"If-Match": "*", **coordinator}),
        403,
        "forbidden",
    )
    review = {"feedback": "x", "outcome": "needs_changes"}
    refused_without_change(
        demo_registry,
        lambda: demo_client.post(
            f"{V1}/revisions/{revisions[HV]}/reviews", json=review, headers=coordinator
        ),
        403,
        "forbidden",
    )
    assert_problem(demo_client.get(f"{V1}/board-decisions/999"), 404, "not-found")
