"""The served OpenAPI document states the constraints the server enforces.

`test_schemathesis_acceptance.py` checks it by generated requests; these pin down the
cases found by hand: item constraints and caps of arrays, bounds beside optional
fields, a required `If-Match`, the roles a key may have, 400/415 for JSON bodies.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from planregistry_api.openapi_exact import KEY_ROLES
from planregistry_domain.constraints import MAX_CASE_NUMBERS, MAX_LIST_ITEMS
from tests.api.support import V1


@pytest.fixture(scope="module")
def document(shared_app: Any) -> dict[str, Any]:
    with TestClient(shared_app) as client:
        body: dict[str, Any] = client.get(f"{V1}/schema/openapi.json").json()
    return body


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_arrays_carry_their_item_constraints_and_caps(document: dict[str, Any]) -> None:
    for name in ("CreateActivity", "UpdateActivity"):
        properties = _schema(document, name)["properties"]
        for field in ("partners", "areas", "themes"):
            array = properties[field]
            assert array["maxItems"] == MAX_LIST_ITEMS, (name, field)
            assert {"minLength", "maxLength", "pattern"} <= set(array["items"]), (name, field)
    revision = _schema(document, "UpdateRevision")["properties"]
    assert revision["case_numbers"]["maxItems"] == MAX_CASE_NUMBERS
    assert revision["section_order"]["items"]["pattern"].startswith("^[a-z0-9]")
    assert _schema(document, "UpdateActivity")["properties"]["position"]["minimum"] == 0
    situation = _schema(document, "PutSituation")["properties"]
    assert situation["sources"]["maxItems"] == MAX_LIST_ITEMS


def test_if_match_is_required_wherever_it_is_taken(document: dict[str, Any]) -> None:
    seen = 0
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "If-Match":
                    seen += 1
                    assert parameter["required"] is True
                    assert parameter["schema"]["type"] == "string"
    assert seen >= 7


def test_a_key_role_is_never_system(document: dict[str, Any]) -> None:
    for name in ("CreateApiKey", "ApiKey"):
        role = _schema(document, name)["properties"]["role"]
        assert role["enum"] == KEY_ROLES
        assert "system" not in role["enum"]


def test_every_json_body_can_be_refused_as_unreadable_or_not_json(
    document: dict[str, Any],
) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert {"400", "415", "422"} <= set(operation["responses"]), (method, path)


def test_a_patch_that_changes_nothing_keeps_the_etag(demo_client: Any) -> None:
    organization = demo_client.get(f"{V1}/organizations/hasselby-vallingby")
    tag = organization.headers["etag"]
    response = demo_client.patch(
        f"{V1}/organizations/hasselby-vallingby",
        json={"name": organization.json()["name"]},
        headers={"If-Match": tag},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == tag
    audit = demo_client.get(f"{V1}/audit", params={"entity": "organization", "limit": 500})
    assert all(e["action"] != "update" for e in audit.json()["items"])
