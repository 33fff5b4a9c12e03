"""The library's keyset paging: pages, cursors, filters and `modified_since`."""

from __future__ import annotations

import datetime as dt

import pytest

from planregistry import OrganizationKind, Registry, ValidationError
from planregistry_domain.paging import Page, decode_cursor, encode_cursor


def test_cursor_round_trip_and_refusals() -> None:
    cursor = encode_cursor("follow-ups", [dt.datetime(2018, 1, 2, 3, 4, 5, tzinfo=dt.UTC), 7])
    assert decode_cursor(cursor, "follow-ups", (dt.datetime, int)) == (
        dt.datetime(2018, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        7,
    )
    for bad in (
        "",
        "!!!",
        cursor[:-3],
        encode_cursor("revisions", [1]),
        encode_cursor("plans", ["x"]),
    ):
        with pytest.raises(ValidationError):
            decode_cursor(bad, "plans", (int,))


def test_a_page_iterates_and_has_a_length() -> None:
    page = Page(items=[1, 2], next_cursor="x")
    assert list(page) == [1, 2]
    assert len(page) == 2
    assert not Page[int]()


def test_library_callers_get_everything_by_default(demo_registry: Registry) -> None:
    everything = demo_registry.list_organizations()
    assert len(everything) == 19
    assert everything.next_cursor is None
    ids: list[str] = []
    cursor = None
    while True:
        page = demo_registry.list_organizations(limit=6, cursor=cursor)
        ids.extend(o.id for o in page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert ids == [o.id for o in everything]
    specialists = demo_registry.list_organizations(kind=OrganizationKind.SPECIALIST, limit=500)
    assert len(specialists) == 5


def test_limit_and_modified_since_are_checked(demo_registry: Registry) -> None:
    for limit in (0, 501):
        with pytest.raises(ValidationError):
            demo_registry.list_organizations(limit=limit)
    with pytest.raises(ValidationError):
        demo_registry.list_organizations(modified_since=dt.datetime(2018, 1, 1))


def test_modified_since_compares_instants_whatever_the_zone(demo_registry: Registry, clock) -> None:
    since = clock.current + dt.timedelta(microseconds=1)
    demo_registry.update_organization("farsta", {"name": "Farsta"})
    stockholm = dt.timezone(dt.timedelta(hours=1))
    for stamp in (since, since.astimezone(stockholm)):
        assert [o.id for o in demo_registry.list_organizations(modified_since=stamp)] == ["farsta"]
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    assert not demo_registry.list_plans("hasselby-vallingby", modified_since=since)
    demo_registry.put_section(plan.revisions[0].id, "extra", {"heading": "Extra", "body": ""})
    assert len(demo_registry.list_plans("hasselby-vallingby", modified_since=since)) == 1
    revisions = demo_registry.list_revisions(plan.id, modified_since=since)
    assert [r.id for r in revisions] == [plan.revisions[0].id]
    assert not demo_registry.list_activities(plan.revisions[0].id, modified_since=since)
