"""The actors register over HTTP: ETags, problem details, and the partner matrix after a
name is mapped."""

from __future__ import annotations

from planregistry import Registry
from tests.api.support import V1, assert_problem, bearer, refused_without_change

REGISTER = f"{V1}/municipalities/stockholm/actors"


def _police(client) -> dict:
    (police,) = [a for a in client.get(REGISTER).json()["items"] if a["name"] == "Polisen"]
    return police


def test_add_read_and_change_an_actor(demo_client) -> None:
    created = demo_client.post(REGISTER, json={"kind": "civil_society", "name": "Fryshuset"})
    assert created.status_code == 201
    body = created.json()
    assert created.headers["location"] == f"{V1}/actors/{body['id']}"
    assert created.headers["etag"] == f'"actor-{body["id"]}-v1"'
    assert demo_client.get(created.headers["location"]).json() == body
    changed = demo_client.patch(
        created.headers["location"],
        json={"aliases": ["Stiftelsen Fryshuset"]},
        headers={"If-Match": created.headers["etag"]},
    )
    assert changed.status_code == 200
    assert changed.json()["aliases"] == ["Stiftelsen Fryshuset"]
    assert changed.headers["etag"] == f'"actor-{body["id"]}-v2"'
    duplicate = demo_client.post(REGISTER, json={"kind": "other", "name": "fryshuset"})
    assert_problem(duplicate, 409, "conflict")
    unknown = demo_client.post(REGISTER, json={"kind": "sect", "name": "X"})
    assert_problem(unknown, 422, "validation")


def test_mapping_a_name_needs_the_actors_etag_and_regroups_the_matrix(
    demo_client, demo_registry: Registry
) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    activity = demo_registry.get_revision(plan.revisions[0].id).activities[0]
    demo_registry.update_activity(
        activity.id, {"partners": [*activity.partners, "Lokalpolisområde Vällingby"]}
    )
    unmatched = demo_client.get(f"{V1}/municipalities/stockholm/unmatched-actor-names").json()
    assert [u["name"] for u in unmatched["items"]] == ["Lokalpolisområde Vällingby"]

    police = _police(demo_client)
    aliases = f"{V1}/actors/{police['id']}/aliases"
    name = {"name": "Lokalpolisområde Vällingby"}
    refused_without_change(
        demo_registry, lambda: demo_client.post(aliases, json=name), 428, "precondition-required"
    )
    stale = {"If-Match": f'"actor-{police["id"]}-v{police["version"] + 1}"'}
    refused_without_change(
        demo_registry,
        lambda: demo_client.post(aliases, json=name, headers=stale),
        412,
        "stale-version",
    )
    tag = {"If-Match": f'"actor-{police["id"]}-v{police["version"]}"'}
    mapped = demo_client.post(aliases, json=name, headers=tag)
    assert mapped.status_code == 200
    assert "Lokalpolisområde Vällingby" in mapped.json()["aliases"]

    matrix = demo_client.get(f"{V1}/comparisons/partners", params={"basis": "latest"}).json()
    columns = {p["partner"]: p for p in matrix["partners"]}
    assert "Lokalpolisområde Vällingby" not in columns
    assert columns["Polisen"]["actor_id"] == police["id"]
    assert columns["Polisen"]["names"] == ["Lokalpolisområde Vällingby", "Polis"]
    after = demo_client.get(f"{V1}/municipalities/stockholm/unmatched-actor-names").json()
    assert after["items"] == []


def test_only_central_keeps_the_register(demo_client) -> None:
    police = _police(demo_client)
    for headers in (bearer("reader"), bearer("coordinator", organization="bromma")):
        assert demo_client.get(REGISTER, headers=headers).status_code == 200
        refused = demo_client.post(
            REGISTER, json={"kind": "other", "name": "Fryshuset"}, headers=headers
        )
        assert_problem(refused, 403, "forbidden")
    elsewhere = bearer("central", municipality="goteborg")
    assert_problem(
        demo_client.get(f"{V1}/actors/{police['id']}", headers=elsewhere), 404, "not-found"
    )


def test_organisations_carry_their_history(demo_client) -> None:
    new = {
        "id": "hagersten-alvsjo",
        "name": "Hägersten-Älvsjö stadsdelsförvaltning",
        "kind": "district",
        "committee": "Hägersten-Älvsjö stadsdelsnämnd",
        "municipality": "stockholm",
        "valid_from": "2020-01-01",
    }
    assert demo_client.post(f"{V1}/organizations", json=new).status_code == 201
    url = f"{V1}/organizations/alvsjo"
    tag = demo_client.get(url).headers["etag"]
    merged = demo_client.patch(
        url,
        json={"valid_to": "2019-12-31", "successor": "hagersten-alvsjo"},
        headers={"If-Match": tag},
    )
    assert merged.status_code == 200
    assert (merged.json()["valid_to"], merged.json()["successor"]) == (
        "2019-12-31",
        "hagersten-alvsjo",
    )
    circle = demo_client.patch(
        f"{V1}/organizations/hagersten-alvsjo",
        json={"valid_to": "2030-01-01", "successor": "alvsjo"},
        headers={"If-Match": '"organization-hagersten-alvsjo-v1"'},
    )
    body = assert_problem(circle, 422, "validation")
    assert "$.successor" in {e["path"] for e in body["errors"]}
    today = demo_client.get(f"{V1}/organizations", params={"valid_on": "2026-01-01"}).json()
    ids = {o["id"] for o in today["items"]}
    assert "hagersten-alvsjo" in ids and "alvsjo" not in ids
