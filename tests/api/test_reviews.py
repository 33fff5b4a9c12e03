"""Central review over HTTP: feedback with findings, the completeness check, a revision diff."""

from __future__ import annotations

from tests.api.support import ACTIVITY, V1, assert_problem, refused_without_change, seed_revision_id


def test_review_is_stored_with_findings_and_leaves_the_etag(demo_client, demo_registry) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    tag = demo_client.get(url).headers["etag"]
    created = demo_client.post(f"{url}/reviews", json={"feedback": "Komplettera lägesbilden."})
    assert created.status_code == 201
    assert created.headers["location"] == f"{url}/reviews"
    review = created.json()
    assert review["revision_id"] == revision_id
    assert review["feedback"] == "Komplettera lägesbilden."
    assert review["findings"] == demo_client.get(f"{url}/completeness").json()["findings"]
    assert demo_client.get(url).headers["etag"] == tag
    listed = demo_client.get(f"{url}/reviews").json()
    assert listed == {"items": [review], "next_cursor": None, "links": {"next": None}}
    for payload in ({}, {"feedback": 5}, {"feedback": "x", "reviewer": "Mallory"}):
        refused_without_change(
            demo_registry,
            lambda p=payload: demo_client.post(f"{url}/reviews", json=p),
            422,
            "validation",
        )
    assert_problem(demo_client.get(f"{V1}/revisions/999/reviews"), 404, "not-found")
    assert_problem(
        demo_client.post(f"{V1}/revisions/999/reviews", json={"feedback": "x"}), 404, "not-found"
    )


def test_completeness_lists_the_gaps(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    before = demo_client.get(f"{url}/completeness").json()
    assert before["revision_id"] == revision_id
    assert before["complete"] is (before["findings"] == [])
    demo_client.post(f"{url}/activities", json={"title": "Utan ansvarig", "level": "preventing"})
    after = demo_client.get(f"{url}/completeness").json()
    assert after["complete"] is False
    assert len(after["findings"]) > len(before["findings"])
    assert {"code", "message"} <= set(after["findings"][0])
    assert_problem(demo_client.get(f"{V1}/revisions/999/completeness"), 404, "not-found")


def test_diff_between_two_revisions_of_a_plan(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}"
    plan_id = demo_client.get(url).json()["plan_id"]
    for body, day in (("committee", "2017-05-18"), ("city_executive_board", "2017-06-14")):
        decided = demo_client.post(
            f"{url}/decisions",
            json={"body": body, "outcome": "approved", "decided_on": day},
            headers={"If-Match": "*"},
        )
        assert decided.status_code == 201
    new = demo_client.post(
        f"{V1}/plans/{plan_id}/revisions", json={"label": "Vers. 2018", "cycle_year": 2018}
    ).headers["location"]
    demo_client.post(f"{new}/activities", json={**ACTIVITY, "title": "Ny aktivitet 2018"})
    diff = demo_client.get(f"{new}/diff", params={"against": revision_id})
    assert diff.status_code == 200
    body = diff.json()
    assert body["old_revision_id"] == revision_id
    assert [a["title"] for a in body["activities_added"]] == ["Ny aktivitet 2018"]
    assert body["changelog"]
    assert_problem(demo_client.get(f"{new}/diff"), 400, "invalid-parameter")
    assert_problem(demo_client.get(f"{new}/diff", params={"against": 999}), 404, "not-found")


def test_diff_across_plans_is_a_bad_parameter(demo_client) -> None:
    revision_id = seed_revision_id(demo_client)
    demo_client.post(f"{V1}/organizations/bromma/plans", json={"programme_id": "vbe"})
    (plan,) = demo_client.get(f"{V1}/organizations/bromma/plans").json()["items"]
    other = demo_client.post(
        f"{V1}/plans/{plan['id']}/revisions", json={"label": "Bromma 2017", "cycle_year": 2017}
    ).json()["id"]
    response = demo_client.get(f"{V1}/revisions/{other}/diff", params={"against": revision_id})
    assert_problem(response, 400, "invalid-parameter")
