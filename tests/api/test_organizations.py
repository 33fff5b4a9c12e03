"""Organisations over HTTP: create with Location and ETag, read, conditional change."""

from __future__ import annotations

from planregistry import Registry
from tests.api.support import ORGANIZATION, V1, assert_problem, refused_without_change


def test_create_answers_201_with_location_and_etag(client, registry: Registry) -> None:
    response = client.post(f"{V1}/organizations", json=ORGANIZATION)
    assert response.status_code == 201
    assert response.headers["location"] == f"{V1}/organizations/hasselby-vallingby"
    assert response.headers["etag"] == '"organization-hasselby-vallingby-v1"'
    body = response.json()
    assert body["id"] == "hasselby-vallingby"
    assert body["version"] == 1
    assert client.get(response.headers["location"]).json() == body
    assert registry.get_organization("hasselby-vallingby").name == ORGANIZATION["name"]


def test_read_one_has_etag_and_answers_304_when_unchanged(demo_client) -> None:
    url = f"{V1}/organizations/bromma"
    first = demo_client.get(url)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag == '"organization-bromma-v1"'
    again = demo_client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert demo_client.get(url, headers={"If-None-Match": f"W/{tag}"}).status_code == 304
    assert demo_client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_list_filters_by_kind_and_municipality(demo_client) -> None:
    districts = demo_client.get(f"{V1}/organizations", params={"kind": "district"}).json()
    assert len(districts["items"]) == 14
    assert {o["kind"] for o in districts["items"]} == {"district"}
    specialists = demo_client.get(
        f"{V1}/organizations", params={"kind": "specialist", "municipality": "stockholm"}
    ).json()
    assert len(specialists["items"]) == 5
    elsewhere = demo_client.get(f"{V1}/organizations", params={"municipality": "goteborg"})
    assert elsewhere.json() == {"items": [], "next_cursor": None, "links": {"next": None}}


def test_patch_with_current_etag_changes_and_returns_the_new_etag(demo_client) -> None:
    url = f"{V1}/organizations/bromma"
    tag = demo_client.get(url).headers["etag"]
    response = demo_client.patch(url, json={"committee": "Bromma nämnd"}, headers={"If-Match": tag})
    assert response.status_code == 200
    assert response.json()["committee"] == "Bromma nämnd"
    assert response.headers["etag"] == '"organization-bromma-v2"'
    assert demo_client.get(url).headers["etag"] == response.headers["etag"]


def test_patch_without_if_match_is_428_and_with_an_old_one_412(demo_client, demo_registry) -> None:
    url = f"{V1}/organizations/bromma"
    old = demo_client.get(url).headers["etag"]
    refused_without_change(
        demo_registry,
        lambda: demo_client.patch(url, json={"name": "X"}),
        428,
        "precondition-required",
    )
    demo_client.patch(url, json={"name": "Bromma"}, headers={"If-Match": old})
    refused_without_change(
        demo_registry,
        lambda: demo_client.patch(url, json={"name": "Y"}, headers={"If-Match": old}),
        412,
        "stale-version",
    )
    # Another entity's tag, a weak tag or garbage never match.
    for header in ('"organization-farsta-v2"', 'W/"organization-bromma-v2"', "nonsense"):
        refused_without_change(
            demo_registry,
            lambda h=header: demo_client.patch(url, json={"name": "Z"}, headers={"If-Match": h}),
            412,
            "stale-version",
        )


def test_if_match_star_and_a_list_with_the_current_tag_are_accepted(demo_client) -> None:
    url = f"{V1}/organizations/bromma"
    star = demo_client.patch(url, json={"name": "A"}, headers={"If-Match": "*"})
    assert star.status_code == 200
    listed = demo_client.patch(
        url,
        json={"name": "B"},
        headers={"If-Match": '"organization-bromma-v1", "organization-bromma-v2"'},
    )
    assert listed.status_code == 200
    assert listed.json()["name"] == "B"


def test_patch_refuses_server_owned_and_unknown_fields(demo_client, demo_registry) -> None:
    url = f"{V1}/organizations/bromma"
    for field, value in (("id", "x"), ("version", 9), ("municipality", "x"), ("status", "ok")):
        body = refused_without_change(
            demo_registry,
            lambda f=field, v=value: demo_client.patch(url, json={f: v}, headers={"If-Match": "*"}),
            422,
            "validation",
        )
        assert body["errors"][0]["path"] == f"$.{field}"


def test_create_refuses_bad_bodies(client, registry: Registry) -> None:
    url = f"{V1}/organizations"
    cases = {
        "wrong type": ({**ORGANIZATION, "coordinators": 5}, "$.coordinators"),
        "number as text": ({**ORGANIZATION, "name": 5}, "$.name"),
        "unknown kind": ({**ORGANIZATION, "kind": "county"}, "$.kind"),
        "bad slug": ({**ORGANIZATION, "id": "Bad Id"}, "$.id"),
        "missing field": ({k: v for k, v in ORGANIZATION.items() if k != "name"}, "$.name"),
        "server-owned field": ({**ORGANIZATION, "version": 1}, "$.version"),
        "not an object": (["hasselby-vallingby"], "$"),
    }
    for name, (payload, path) in cases.items():
        body = refused_without_change(
            registry, lambda p=payload: client.post(url, json=p), 422, "validation"
        )
        assert [e["path"] for e in body["errors"]] == [path], name


def test_duplicate_is_409_and_unknown_municipality_404(client, registry: Registry) -> None:
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    refused_without_change(
        registry,
        lambda: client.post(f"{V1}/organizations", json=ORGANIZATION),
        409,
        "conflict",
    )
    refused_without_change(
        registry,
        lambda: client.post(
            f"{V1}/organizations", json={**ORGANIZATION, "id": "x", "municipality": "atlantis"}
        ),
        404,
        "not-found",
    )


def test_unknown_organization_is_404(client) -> None:
    assert_problem(client.get(f"{V1}/organizations/atlantis"), 404, "not-found")
    assert_problem(
        client.patch(f"{V1}/organizations/atlantis", json={}, headers={"If-Match": "*"}),
        404,
        "not-found",
    )
