"""Malformed input raises the library's typed errors and leaves the database unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from planregistry import (
    Conflict,
    CreateActivity,
    NotFound,
    PlanRegistryError,
    Registry,
    StaleVersion,
    ValidationError,
)


def _seed_revision_id(registry: Registry) -> int:
    (plan,) = registry.list_plans("hasselby-vallingby")
    return plan.revisions[0].id


BAD_CALLS: dict[str, tuple[type[PlanRegistryError], Callable[[Registry, int], Any]]] = {
    "organisation with unknown field": (
        ValidationError,
        lambda r, _: r.create_organization(
            {
                "id": "x",
                "name": "X",
                "kind": "district",
                "committee": "X",
                "municipality": "stockholm",
                "status": "approved",
            }
        ),
    ),
    "organisation with bad slug": (
        ValidationError,
        lambda r, _: r.create_organization(
            {
                "id": "Bad Id",
                "name": "X",
                "kind": "district",
                "committee": "X",
                "municipality": "stockholm",
            }
        ),
    ),
    "organisation with unknown kind": (
        ValidationError,
        lambda r, _: r.create_organization(
            {
                "id": "x",
                "name": "X",
                "kind": "county",
                "committee": "X",
                "municipality": "stockholm",
            }
        ),
    ),
    "organisation in unknown municipality": (
        NotFound,
        lambda r, _: r.create_organization(
            {
                "id": "x",
                "name": "X",
                "kind": "district",
                "committee": "X",
                "municipality": "atlantis",
            }
        ),
    ),
    "duplicate organisation": (
        Conflict,
        lambda r, _: r.create_organization(
            {
                "id": "bromma",
                "name": "X",
                "kind": "district",
                "committee": "X",
                "municipality": "stockholm",
            }
        ),
    ),
    "second plan under the same programme": (
        Conflict,
        lambda r, _: r.create_plan("hasselby-vallingby", {"programme_id": "vbe"}),
    ),
    "plan under unknown programme": (
        NotFound,
        lambda r, _: r.create_plan("bromma", {"programme_id": "nope"}),
    ),
    "second open draft": (
        Conflict,
        lambda r, rid: r.create_revision(
            r.get_revision(rid).plan_id, {"label": "Vers. 2", "cycle_year": 2018}
        ),
    ),
    "activity with unknown level": (
        ValidationError,
        lambda r, rid: r.add_activity(rid, {"title": "T", "level": "maybe"}),
    ),
    "activity with unknown theme": (
        ValidationError,
        lambda r, rid: r.add_activity(
            rid, {"title": "T", "level": "preventing", "themes": ["astrology"]}
        ),
    ),
    "activity with empty title (struct built in Python)": (
        ValidationError,
        lambda r, rid: r.add_activity(rid, CreateActivity(title="", level="preventing")),
    ),
    "activity with a server-owned key": (
        ValidationError,
        lambda r, rid: r.add_activity(rid, {"title": "T", "level": "preventing", "key": "k"}),
    ),
    "section with bad key": (
        ValidationError,
        lambda r, rid: r.put_section(rid, "Not a key!", {"heading": "H", "body": "B"}),
    ),
    "situation with unknown survey question": (
        ValidationError,
        lambda r, rid: r.put_situation(rid, {"survey": [{"question_key": "nope"}]}),
    ),
    "situation with more answers than respondents": (
        ValidationError,
        lambda r, rid: r.put_situation(
            rid,
            {
                "survey": [
                    {"question_key": "exit_work", "yes_count": 5, "no_count": 5, "respondents": 8}
                ]
            },
        ),
    ),
    "situation with duplicate police environment": (
        ValidationError,
        lambda r, rid: r.put_situation(
            rid,
            {
                "police": [
                    {"environment": "islamist", "status": "unknown"},
                    {"environment": "islamist", "status": "active"},
                ]
            },
        ),
    ),
    "revision update with status": (
        ValidationError,
        lambda r, rid: r.update_revision(rid, {"status": "approved"}),
    ),
    "revision update with stale version": (
        StaleVersion,
        lambda r, rid: r.update_revision(rid, {"label": "Ny"}, expected_version=1),
    ),
    "section order missing a section": (
        ValidationError,
        lambda r, rid: r.update_revision(rid, {"section_order": ["introduction"]}),
    ),
    "follow-up with bad period": (
        ValidationError,
        lambda r, rid: r.report_follow_up(
            r.get_revision(rid).activities[0].id, {"period": "2017", "status": "done"}
        ),
    ),
    "section body with a NUL character": (
        ValidationError,
        lambda r, rid: r.put_section(rid, "scope", {"heading": "H", "body": "B\x00"}),
    ),
    "activity partner with a NUL character": (
        ValidationError,
        lambda r, rid: r.add_activity(
            rid,
            {
                "title": "T",
                "level": "preventing",
                "responsible": "Stadsdelsförvaltningen",
                "partners": ["Polis", "Skola\x00"],
                "follow_up_method": "Uppföljning i ILS",
            },
        ),
    ),
    "unknown revision": (
        NotFound,
        lambda r, _: r.put_section(999_999, "scope", {"heading": "H", "body": "B"}),
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_raises_typed_error_and_changes_nothing(
    demo_registry: Registry, case: str
) -> None:
    expected, call = BAD_CALLS[case]
    revision_id = _seed_revision_id(demo_registry)
    before = demo_registry.export_json()
    with pytest.raises(expected) as info:
        call(demo_registry, revision_id)
    assert info.value.detail
    assert demo_registry.export_json() == before


def test_validation_error_names_the_field(demo_registry: Registry) -> None:
    revision_id = _seed_revision_id(demo_registry)
    with pytest.raises(ValidationError) as info:
        demo_registry.add_activity(
            revision_id,
            {"title": "T", "level": "preventing", "themes": ["staff_training", "astrology"]},
        )
    assert [e.path for e in info.value.errors] == ["$.themes[1]"]


def test_nul_character_is_named_by_its_path(demo_registry: Registry) -> None:
    revision_id = _seed_revision_id(demo_registry)
    with pytest.raises(ValidationError) as info:
        demo_registry.add_activity(
            revision_id, {"title": "T", "level": "preventing", "partners": ["Polis", "A\x00"]}
        )
    assert [e.path for e in info.value.errors] == ["$.partners[1]"]


def test_stale_version_reports_the_current_one(demo_registry: Registry) -> None:
    revision_id = _seed_revision_id(demo_registry)
    current = demo_registry.get_revision(revision_id).version
    demo_registry.update_revision(revision_id, {"label": "A"}, expected_version=current)
    with pytest.raises(StaleVersion) as info:
        demo_registry.update_revision(revision_id, {"label": "B"}, expected_version=current)
    assert (info.value.expected, info.value.current) == (current, current + 1)
    assert demo_registry.get_revision(revision_id).label == "A"


def test_every_content_change_bumps_the_revision_version(demo_registry: Registry) -> None:
    revision_id = _seed_revision_id(demo_registry)
    versions = [demo_registry.get_revision(revision_id).version]
    demo_registry.put_section(
        revision_id,
        "lokalt_brottsforebyggande_rad",
        {"heading": "Lokalt brottsförebyggande råd", "body": "Text."},
    )
    versions.append(demo_registry.get_revision(revision_id).version)
    activity = demo_registry.add_activity(revision_id, {"title": "Ny", "level": "promoting"})
    versions.append(demo_registry.get_revision(revision_id).version)
    updated = demo_registry.update_activity(
        activity.id, {"title": "Nyare"}, expected_version=activity.version
    )
    assert updated.version == activity.version + 1
    versions.append(demo_registry.get_revision(revision_id).version)
    demo_registry.delete_activity(activity.id, expected_version=updated.version)
    versions.append(demo_registry.get_revision(revision_id).version)
    assert versions == sorted(set(versions))
    revision = demo_registry.get_revision(revision_id)
    # The organisation's own section is appended after the programme's.
    assert revision.sections[-1].heading == "Lokalt brottsförebyggande råd"


def test_a_validation_error_names_every_bad_field(demo_registry: Registry) -> None:
    revision_id = _seed_revision_id(demo_registry)
    before = demo_registry.export_json()
    with pytest.raises(ValidationError) as refused:
        demo_registry.add_activity(
            revision_id,
            {"level": 3, "themes": ["staff_training", "Not A Slug", 3], "owner": "x"},
        )
    assert [(e.path, e.message) for e in refused.value.errors] == [
        ("$.title", "Object missing required field `title`"),
        ("$.level", "Expected `str`, got `int`"),
        ("$.themes[1]", "Expected `str` matching regex '^[a-z0-9]+(?:[-_][a-z0-9]+)*$'"),
        ("$.themes[2]", "Expected `str`, got `int`"),
        ("$.owner", "Object contains unknown field `owner`"),
    ]
    assert demo_registry.export_json() == before
