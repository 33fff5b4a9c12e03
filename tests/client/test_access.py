"""Authentication (token, API key), authorisation and not-found through the client."""

from __future__ import annotations

import datetime as dt

import pytest

import planregistry
from planregistry import CreateApiKey, IssuedApiKey, Role
from planregistry_client import (
    Client,
    NotFound,
    PermissionDenied,
    Unauthorized,
)
from tests.client.support import Server, mint, unique

ORG = "hasselby-vallingby"


def _seed_revision_id(client: Client) -> int:
    (plan,) = client.list_plans(ORG)
    return plan.revisions[0].id


def test_health_needs_no_credentials_but_everything_else_does(server: Server) -> None:
    with Client(server.base_url) as anonymous:
        assert anonymous.health().status == "ok"
        with pytest.raises(Unauthorized) as raised:
            anonymous.list_organizations()
    assert raised.value.status == 401
    assert raised.value.problem.slug == "unauthorized"
    assert "/api/v1/organizations" in str(raised.value)


@pytest.mark.parametrize(
    "token",
    [
        mint("central", secret="another-secret-entirely-" + "x" * 32),
        mint("central", ttl=dt.timedelta(seconds=-120)),
        mint("system"),
        "not-a-jwt",
    ],
    ids=["wrong-key", "expired", "system-role", "garbage"],
)
def test_invalid_tokens_are_unauthorized(server: Server, token: str) -> None:
    with Client(server.base_url, token=token) as client, pytest.raises(Unauthorized):
        client.get_organization(ORG)


def test_a_token_function_is_asked_for_every_request(server: Server) -> None:
    issued: list[str] = []

    def token() -> str:
        issued.append(mint("reader"))
        return issued[-1]

    with Client(server.base_url, token=token) as client:
        client.get_organization(ORG)
        client.get_organization(ORG)
    assert len(issued) == 2


def test_what_a_caller_may_not_do_is_forbidden(server: Server) -> None:
    with server.client("reader") as reader, server.coordinator(ORG) as coordinator:
        revision_id = _seed_revision_id(reader)
        reader.get_revision(revision_id)  # a reader reads…
        with pytest.raises(PermissionDenied) as raised:  # …and changes nothing
            reader.put_section(revision_id, "preface", {"heading": "Förord", "body": "Nej."})
        assert isinstance(raised.value, planregistry.PermissionDenied)
        assert raised.value.status == 403
        with pytest.raises(PermissionDenied):
            reader.list_audit()
        with pytest.raises(PermissionDenied):
            coordinator.update_organization(ORG, {"committee": "Ny nämnd"}, if_match="*")
        with pytest.raises(PermissionDenied):
            coordinator.create_api_key({"name": "Mitt system", "role": "reader"})


def test_what_a_caller_may_not_see_is_not_found(server: Server) -> None:
    with (
        server.central() as central,
        server.coordinator("bromma") as bromma,
        server.client("central", municipality="goteborg") as goteborg,
    ):
        revision_id = _seed_revision_id(central)
        for client in (bromma, goteborg):
            with pytest.raises(NotFound) as raised:
                client.get_revision(revision_id)
            assert isinstance(raised.value, planregistry.NotFound)
            assert raised.value.key == str(revision_id)
        with pytest.raises(NotFound):
            goteborg.get_organization(ORG)
        with pytest.raises(NotFound):
            central.get_revision(2_000_000_000)
        with pytest.raises(NotFound):
            central.get_organization("finns-inte")
        with pytest.raises(NotFound):
            central.update_activity(2_000_000_000, {"title": "X"}, if_match="*")
        with pytest.raises(NotFound):
            central.revoke_api_key("finns-inte")


def test_api_keys_for_city_systems(server: Server) -> None:
    name = unique("Ärendesystemet")
    with server.central() as central:
        issued = central.create_api_key(CreateApiKey(name=name, role=Role.READER))
        assert isinstance(issued, IssuedApiKey)
        assert issued.token.startswith("prk_")
        assert (issued.key.role, issued.key.municipality) == ("reader", "stockholm")
        listed = {key.id: key for key in central.list_api_keys()}
        assert listed[issued.key.id].name == name and listed[issued.key.id].revoked_at is None

        with Client(server.base_url, api_key=issued.token) as system:
            assert system.get_organization(ORG).id == ORG
            assert len(system.status_board().rows) >= 19
            with pytest.raises(PermissionDenied):
                system.create_plan("bromma", {"programme_id": "vbe"})
            central.revoke_api_key(issued.key.id)
            with pytest.raises(Unauthorized):
                system.get_organization(ORG)
        assert {key.id: key for key in central.list_api_keys()}[issued.key.id].revoked_at

        keys = list(central.iter_audit(entity="api_key", entity_id=issued.key.id, page_size=1))
        assert [e.action for e in keys][:1] == ["create"] and len(keys) >= 2

    with pytest.raises(ValueError, match="not both"):
        Client(server.base_url, token="t", api_key="k")
