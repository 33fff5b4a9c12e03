"""API keys: issued and revoked by the central role of a municipality, stored as hashes;
a token stands for its key's actor until the key is revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planregistry.storage.tables import ApiKeyRow
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound, PermissionDenied, ValidationError
from planregistry_domain.vocabulary import Role
from tests.world import (
    CENTRAL,
    COORDINATOR,
    ELSEWHERE_ORG,
    GOTEBORG_CENTRAL,
    OWN_ORG,
    READER,
    World,
    snapshot,
)


def test_a_key_authenticates_as_its_actor_until_revoked(world: World) -> None:
    registry = world.registry
    issued = registry.create_api_key(
        {"name": "Ärendesystemet", "role": "coordinator", "organization": OWN_ORG}, actor=CENTRAL
    )
    key = issued.key
    assert (key.municipality, key.organization, key.role) == ("stockholm", OWN_ORG, "coordinator")
    assert key.created_by == CENTRAL.name and key.revoked_at is None
    assert issued.token.startswith(f"prk_{key.id}_")
    actor = registry.authenticate_api_key(issued.token)
    assert actor == Actor(
        subject=f"api-key:{key.id}",
        name="Ärendesystemet",
        role=Role.COORDINATOR,
        municipality="stockholm",
        organization=OWN_ORG,
    )
    # It works as that coordinator: its own plans, no other district's.
    assert registry.list_plans(OWN_ORG, actor=actor).items
    with pytest.raises(NotFound):
        registry.get_plan(world.other.plan, actor=actor)

    # Only a hash is stored: the secret is nowhere in the database.
    secret = issued.token.split("_", 2)[2]
    with registry.engine.connect() as conn:
        stored = conn.execute(select(ApiKeyRow.secret_hash)).scalars().all()
    assert stored and all(secret not in value for value in stored)

    def revoked_at(key_id: str) -> object:
        return next(k.revoked_at for k in registry.list_api_keys(actor=CENTRAL) if k.id == key_id)

    registry.revoke_api_key(key.id, actor=CENTRAL)
    revoked = revoked_at(key.id)
    assert revoked is not None
    assert registry.authenticate_api_key(issued.token) is None
    registry.revoke_api_key(key.id, actor=CENTRAL)
    assert revoked_at(key.id) == revoked


def test_malformed_unknown_and_wrong_secret_tokens_are_nobody(world: World) -> None:
    registry = world.registry
    token = registry.create_api_key({"name": "S", "role": "reader"}, actor=CENTRAL).token
    _prefix, key_id, secret = token.split("_", 2)
    for presented in (
        "",
        "nonsense",
        "prk",
        "prk_",
        f"prk_{key_id}",
        f"xyz_{key_id}_{secret}",
        f"prk_{key_id}_{secret[:-1]}",
        f"prk_{key_id}_{secret}x",
        f"prk_000000000000_{secret}",
        "prk_" + "a" * 5000,
    ):
        assert registry.authenticate_api_key(presented) is None, presented
    assert registry.authenticate_api_key(token) is not None


def test_keys_belong_to_one_municipality(world: World) -> None:
    registry = world.registry
    ours = registry.create_api_key({"name": "Vår", "role": "reader"}, actor=CENTRAL)
    theirs = registry.create_api_key({"name": "Deras", "role": "reader"}, actor=GOTEBORG_CENTRAL)
    assert theirs.key.municipality == "goteborg"
    assert [k.id for k in registry.list_api_keys(actor=CENTRAL)] == [ours.key.id]
    assert [k.id for k in registry.list_api_keys(actor=GOTEBORG_CENTRAL)] == [theirs.key.id]
    assert len(registry.list_api_keys()) == 2  # the system sees every key
    before = snapshot(registry)
    with pytest.raises(NotFound):
        registry.revoke_api_key(theirs.key.id, actor=CENTRAL)
    with pytest.raises(NotFound):
        registry.create_api_key(
            {"name": "X", "role": "reader", "municipality": "goteborg"}, actor=CENTRAL
        )
    with pytest.raises(NotFound):  # an organisation of another municipality
        registry.create_api_key(
            {"name": "X", "role": "coordinator", "organization": ELSEWHERE_ORG}, actor=CENTRAL
        )
    assert snapshot(registry) == before
    assert registry.authenticate_api_key(theirs.token) is not None


def test_only_the_central_role_manages_keys_and_never_hands_out_the_system_role(
    world: World,
) -> None:
    registry = world.registry
    before = snapshot(registry)
    for actor in (COORDINATOR, READER):
        with pytest.raises(PermissionDenied):
            registry.create_api_key({"name": "X", "role": "reader"}, actor=actor)
        with pytest.raises(PermissionDenied):
            registry.list_api_keys(actor=actor)
    for body in (
        {"name": "X", "role": "system"},
        {"name": "X", "role": "coordinator"},  # a coordinator key names its organisation
        {"name": "X", "role": "reader", "organization": OWN_ORG},  # and only it does
        {"name": "X", "role": "reader", "extra": True},
    ):
        with pytest.raises(ValidationError):
            registry.create_api_key(body, actor=CENTRAL)
    assert snapshot(registry) == before


def test_a_key_cannot_manage_keys_so_revoking_it_leaves_no_children(world: World) -> None:
    registry = world.registry
    issued = registry.create_api_key({"name": "Integration", "role": "central"}, actor=CENTRAL)
    as_key = registry.authenticate_api_key(issued.token)
    assert as_key is not None and as_key.role is Role.CENTRAL
    before = snapshot(registry)
    with pytest.raises(PermissionDenied, match="API-nyckel"):
        registry.create_api_key({"name": "Barn", "role": "central"}, actor=as_key)
    with pytest.raises(PermissionDenied):
        registry.list_api_keys(actor=as_key)
    with pytest.raises(PermissionDenied):
        registry.revoke_api_key(issued.key.id, actor=as_key)
    assert snapshot(registry) == before
    # Revoking the key is then the end of everything it could do.
    registry.revoke_api_key(issued.key.id, actor=CENTRAL)
    assert registry.authenticate_api_key(issued.token) is None
    assert [k.id for k in registry.list_api_keys(actor=CENTRAL)] == [issued.key.id]
