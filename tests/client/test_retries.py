"""Retries against the real server, through a proxy that loses requests and answers.

A POST carries a generated `Idempotency-Key`, so the retry after a lost answer is
answered with the first answer and nothing is created twice; reads are retried; what is
not safe to repeat is not repeated; and retries are bounded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from planregistry_client import AsyncClient, Client, TransportError
from tests.client.flaky_proxy import LOSE_ANSWER, LOSE_REQUEST, FlakyProxy
from tests.client.support import Server, mint, unique


@pytest.fixture
def proxy(server: Server) -> Iterator[FlakyProxy]:
    with FlakyProxy(server.base_url) as flaky:
        yield flaky


def through(proxy: FlakyProxy, **options: object) -> Client:
    return Client(proxy.base_url, token=mint("central"), retry_backoff=0, **options)  # type: ignore[arg-type]


def organization(org_id: str) -> dict[str, str]:
    return {
        "id": org_id,
        "name": f"{org_id} stadsdelsförvaltning",
        "kind": "district",
        "committee": f"{org_id} stadsdelsnämnd",
        "municipality": "stockholm",
    }


def creations(server: Server, org_id: str) -> int:
    """How many times the organisation was created (its audit trail says)."""
    with server.central() as client:
        entries = client.list_audit(entity="organization", entity_id=org_id).items
    return sum(1 for e in entries if e.action == "create")


def test_a_create_whose_answer_was_lost_is_retried_and_made_once(
    server: Server, proxy: FlakyProxy
) -> None:
    org_id = unique("retry")
    proxy.plan.append(LOSE_ANSWER)
    with through(proxy) as client:
        created = client.create_organization(organization(org_id))
    # The server created it on the first request; the retry got that answer back (a
    # second create would have been refused as a conflict).
    assert created.id == org_id and creations(server, org_id) == 1
    sent_keys = proxy.header_values("Idempotency-Key")
    assert len(sent_keys) == 2 and sent_keys[0] is not None and sent_keys[0] == sent_keys[1]


def test_each_post_has_a_key_of_its_own(server: Server, proxy: FlakyProxy) -> None:
    with through(proxy) as client:
        for _ in range(2):
            client.create_organization(organization(unique("retry")))
    first, second = proxy.header_values("Idempotency-Key")
    assert first and second and first != second


def test_without_retries_a_lost_answer_is_an_error(server: Server, proxy: FlakyProxy) -> None:
    org_id = unique("retry")
    proxy.plan.append(LOSE_ANSWER)
    with through(proxy, retries=0) as client, pytest.raises(TransportError, match="may or may"):
        client.create_organization(organization(org_id))
    assert creations(server, org_id) == 1  # applied, although the answer was lost
    assert len(proxy.heads) == 1


def test_a_post_without_a_key_is_not_sent_twice(server: Server, proxy: FlakyProxy) -> None:
    org_id = unique("retry")
    proxy.plan.append(LOSE_ANSWER)
    with through(proxy, idempotency_keys=False) as client, pytest.raises(TransportError):
        client.create_organization(organization(org_id))
    assert proxy.header_values("Idempotency-Key") == [None]
    assert creations(server, org_id) == 1


def test_reads_are_retried_a_bounded_number_of_times(server: Server, proxy: FlakyProxy) -> None:
    proxy.plan.extend([LOSE_REQUEST, LOSE_ANSWER])
    with through(proxy, retries=2) as client:
        assert client.get_organization("hasselby-vallingby").id == "hasselby-vallingby"
        assert len(proxy.heads) == 3
        proxy.plan.extend([LOSE_REQUEST] * 3)
        with pytest.raises(TransportError):
            client.get_organization("hasselby-vallingby")
    assert len(proxy.heads) == 6  # the first try and two retries


def test_the_async_client_retries_a_create_with_its_key(server: Server, proxy: FlakyProxy) -> None:
    org_id = unique("retry")
    proxy.plan.append(LOSE_ANSWER)

    async def create() -> str:
        async with AsyncClient(proxy.base_url, token=mint("central"), retry_backoff=0) as client:
            created = await client.create_organization(organization(org_id))
            return created.id

    assert asyncio.run(create()) == org_id
    assert creations(server, org_id) == 1
    first, second = proxy.header_values("Idempotency-Key")
    assert first is not None and first == second
