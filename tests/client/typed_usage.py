"""What mypy must see on both clients (checked by `test_typing.py`, never run)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from planregistry import (
    Activity,
    Decision,
    FollowUp,
    IssuedApiKey,
    Organization,
    Revision,
    Section,
    StatusBoard,
    Written,
)
from planregistry_client import AsyncClient, Client, Export
from planregistry_domain.paging import Page


def sync_surface(client: Client) -> None:
    assert_type(client.get_revision(1), Revision)
    assert_type(client.list_organizations(limit=10), Page[Organization])
    assert_type(client.iter_activities(1, page_size=10), Iterator[Activity])
    put = client.put_section(1, "preface", {"heading": "F", "body": "B"})
    assert_type(put, Written[Section])
    assert_type(client.record_decision(1, {}, if_match='"revision-1-v1"'), Written[Decision])
    assert_type(client.report_follow_up(1, {}), FollowUp)
    assert_type(client.status_board(), StatusBoard)
    assert_type(client.export_comparison("status", "csv"), Export)
    assert_type(client.create_api_key({}), IssuedApiKey)
    assert_type(client.delete_activity(1, expected_version=2), None)


async def async_surface(client: AsyncClient) -> None:
    assert_type(await client.get_revision(1), Revision)
    assert_type(await client.list_organizations(limit=10), Page[Organization])
    assert_type(client.iter_activities(1, page_size=10), AsyncIterator[Activity])
    put = await client.put_section(1, "preface", {"heading": "F", "body": "B"})
    assert_type(put, Written[Section])
    assert_type(await client.status_board(), StatusBoard)
    assert_type(await client.delete_activity(1, expected_version=2), None)


async def wrong_calls(client: Client, aclient: AsyncClient) -> None:
    client.get_revision("12")  # E: arg-type
    client.update_revision(1, {}, if_match=3)  # E: arg-type
    client.list_revisions(1, page_size=3)  # E: call-arg
    client.export_comparison("everything", "csv")  # E: arg-type
    await aclient.get_revision(1, 2)  # E: call-arg
