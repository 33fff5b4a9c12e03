"""The richer activity fields over HTTP: stored and read as JSON, refused as problem details."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from planregistry import Registry
from tests.api.support import V1, assert_problem, refused_without_change, seed_revision_id

RICH: dict[str, Any] = {
    "title": "Samråd med föreningar",
    "level": "preventing",
    "goals": ["collaboration"],
    "target_groups": ["Unga 13–17 år", "Föräldrar"],
    "time_frame": {"start": "2017-09-01", "end": "2018-06-30"},
    "resources": "Inom befintlig budget.",
    "contact_role": "Samordnare",
    "indicators": [{"key": "deltagare", "name": "Antal deltagare", "unit": "personer"}],
}


def test_new_fields_round_trip_as_json(demo_client: TestClient[Litestar]) -> None:
    revision_id = seed_revision_id(demo_client)
    created = demo_client.post(f"{V1}/revisions/{revision_id}/activities", json=RICH)
    assert created.status_code == 201, created.text
    activity = created.json()
    assert {k: activity[k] for k in RICH} == {
        **RICH,
        "time_frame": {"start": "2017-09-01", "end": "2018-06-30", "ongoing": False},
    }
    assert activity["target_group"] == "Unga 13–17 år, Föräldrar"
    url = f"{V1}/activities/{activity['id']}"
    assert demo_client.get(url).json() == activity
    changed = demo_client.patch(
        url,
        json={"time_frame": {"ongoing": True}, "goals": ["collaboration", "knowledge"]},
        headers={"If-Match": created.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["time_frame"] == {"start": None, "end": None, "ongoing": True}
    revision = demo_client.get(f"{V1}/revisions/{revision_id}").json()
    assert changed.json() in revision["activities"]
    programme = demo_client.get(f"{V1}/programmes/vbe").json()
    assert "collaboration" in [goal["key"] for goal in programme["goals"]]


def test_bad_goal_and_time_frame_are_problem_details(
    demo_client: TestClient[Litestar], demo_registry: Registry
) -> None:
    revision_id = seed_revision_id(demo_client)
    url = f"{V1}/revisions/{revision_id}/activities"
    bad_goal = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, json={**RICH, "goals": ["world_peace"]}),
        422,
        "validation",
    )
    assert [e["path"] for e in bad_goal["errors"]] == ["$.goals[0]"]
    backwards = {"start": "2018-01-01", "end": "2017-01-01"}
    bad_frame = refused_without_change(
        demo_registry,
        lambda: demo_client.post(url, json={**RICH, "time_frame": backwards}),
        422,
        "validation",
    )
    assert [e["path"] for e in bad_frame["errors"]] == ["$.time_frame"]
    assert "före" in bad_frame["errors"][0]["message"]
    assert_problem(demo_client.post(url, json={**RICH, "target_group": "Vuxna"}), 422, "validation")
