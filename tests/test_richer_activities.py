"""The richer activity fields: stored, read by every reader, copied, diffed, backed up,
validated against the programme's goals; measured values in follow-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from planregistry import Registry, ValidationError
from planregistry.storage import migrations
from planregistry_domain.activity_details import Indicator, Measurement, TimeFrame
from tests.world import World

RICH = {
    "title": "Samråd med föreningar",
    "level": "preventing",
    "goals": ["collaboration", "prevention"],
    "target_groups": ["Unga 13–17 år", "Föräldrar"],
    "time_frame": {"start": "2026-09-01", "ongoing": True},
    "resources": "Inom befintlig budget; en halv tjänst.",
    "contact_role": "Samordnare",
    "indicators": [
        {"key": "deltagare", "name": "Antal deltagare", "unit": "personer"},
        {"key": "traffar", "name": "Antal träffar"},
    ],
}


def _approve(registry: Registry, revision_id: int) -> None:
    for body, day in (("committee", "2026-05-01"), ("city_executive_board", "2026-06-01")):
        registry.record_decision(
            revision_id, {"body": body, "outcome": "approved", "decided_on": day}
        )


def test_every_new_field_round_trips_through_every_reader(world: World) -> None:
    registry = world.registry
    added = registry.add_activity(world.own.draft, RICH)
    assert added.goals == ["collaboration", "prevention"]
    assert added.target_groups == ["Unga 13–17 år", "Föräldrar"]
    assert added.target_group == "Unga 13–17 år, Föräldrar"  # the older single text
    assert added.time_frame == TimeFrame(start=dt.date(2026, 9, 1), ongoing=True)
    assert added.resources == "Inom befintlig budget; en halv tjänst."
    assert added.contact_role == "Samordnare"
    assert added.indicators == [
        Indicator(key="deltagare", name="Antal deltagare", unit="personer"),
        Indicator(key="traffar", name="Antal träffar"),
    ]
    assert registry.get_activity(added.id) == added
    assert [a for a in registry.get_revision(world.own.draft).activities if a.id == added.id] == [
        added
    ]
    assert added in registry.list_activities(world.own.draft).items


def test_the_next_revision_copies_the_new_fields(world: World) -> None:
    registry = world.registry
    added = registry.add_activity(world.own.draft, RICH)
    _approve(registry, world.own.draft)
    registry.report_follow_up(world.own.draft_activity, {"period": "2026-T2", "status": "ongoing"})
    registry.report_follow_up(added.id, {"period": "2026-T2", "status": "ongoing"})
    plan = registry.get_plan(world.own.plan)
    following = registry.create_revision(plan.id, {"label": "Vers. 3", "cycle_year": 2027})
    (copied,) = [a for a in following.activities if a.key == added.key]
    fields = ("goals", "target_groups", "time_frame", "resources", "contact_role", "indicators")
    assert {f: getattr(copied, f) for f in fields} == {f: getattr(added, f) for f in fields}


def test_old_single_target_group_is_still_accepted_and_read(world: World) -> None:
    registry = world.registry
    added = registry.add_activity(
        world.own.draft, {"title": "Stöd", "level": "preventing", "target_group": "Vuxna"}
    )
    assert (added.target_group, added.target_groups) == ("Vuxna", ["Vuxna"])
    changed = registry.update_activity(added.id, {"target_group": None})
    assert (changed.target_group, changed.target_groups) == (None, [])
    changed = registry.update_activity(added.id, {"target_groups": ["Unga", "Vuxna"]})
    assert changed.target_group == "Unga, Vuxna"
    with pytest.raises(ValidationError):
        registry.update_activity(added.id, {"target_group": "Unga", "target_groups": ["Vuxna"]})


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        ({"goals": ["world_peace"]}, "$.goals[0]", "Okänt mål 'world_peace'"),
        ({"goals": ["knowledge", "knowledge"]}, "$.goals[1]", "två gånger"),
        ({"time_frame": {"start": "2026-09-01", "end": "2026-01-01"}}, "$.time_frame", "före"),
        ({"time_frame": {"end": "2026-12-31", "ongoing": True}}, "$.time_frame", "löpande"),
        ({"time_frame": {}}, "$.time_frame", "tom"),
        (
            {"indicators": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]},
            "$.indicators[1].key",
            "finns redan",
        ),
    ],
    ids=["unknown-goal", "goal-twice", "end-before-start", "ongoing-with-end", "empty", "dup"],
)
def test_bad_goals_time_frames_and_indicators_are_refused(
    world: World, fields: dict[str, Any], path: str, words: str
) -> None:
    registry = world.registry
    before = registry.get_revision(world.own.draft)
    for write in (
        lambda: registry.add_activity(
            world.own.draft, {"title": "X", "level": "hindering", **fields}
        ),
        lambda: registry.update_activity(world.own.draft_activity, fields),
    ):
        with pytest.raises(ValidationError) as refused:
            write()
        (error,) = refused.value.errors
        assert error.path == path and words in error.message, error
    assert registry.get_revision(world.own.draft) == before


def test_follow_up_records_a_measured_value_per_indicator(world: World) -> None:
    registry = world.registry
    added = registry.add_activity(world.own.draft, RICH)
    _approve(registry, world.own.draft)
    report = registry.report_follow_up(
        added.id,
        {
            "period": "2026-T2",
            "status": "ongoing",
            "measurements": [
                {"indicator": "deltagare", "value": 42},
                {"indicator": "traffar", "value": 6},
            ],
        },
    )
    assert report.measurements == [
        Measurement(indicator="deltagare", value=42.0),
        Measurement(indicator="traffar", value=6.0),
    ]
    (listed,) = registry.list_follow_ups(added.id).items
    assert listed == report
    without = registry.report_follow_up(added.id, {"period": "2026-VB", "status": "done"})
    assert without.measurements == []


@pytest.mark.parametrize(
    ("measurements", "path"),
    [
        ([{"indicator": "besokare", "value": 1}], "$.measurements[0].indicator"),
        (
            [{"indicator": "deltagare", "value": 1}, {"indicator": "deltagare", "value": 2}],
            "$.measurements[1].indicator",
        ),
    ],
    ids=["unknown-indicator", "twice"],
)
def test_a_measured_value_must_belong_to_one_of_the_activitys_indicators(
    world: World, measurements: list[dict[str, Any]], path: str
) -> None:
    registry = world.registry
    added = registry.add_activity(world.own.draft, RICH)
    _approve(registry, world.own.draft)
    with pytest.raises(ValidationError) as refused:
        registry.report_follow_up(
            added.id, {"period": "2026-T2", "status": "ongoing", "measurements": measurements}
        )
    assert [e.path for e in refused.value.errors] == [path]
    assert registry.list_follow_ups(added.id).items == []


def test_the_changelog_names_changes_to_the_new_fields(world: World) -> None:
    registry = world.registry
    registry.update_activity(
        world.own.draft_activity,
        {key: value for key, value in RICH.items() if key not in ("title", "level")},
    )
    lines = registry.diff_revisions(world.own.approved, world.own.draft).changelog
    name = 'Aktiviteten "Utbildning för medarbetare om våldsbejakande extremism"'
    assert lines == [
        f"{name} har fått målgrupper: Unga 13–17 år och Föräldrar.",
        f"{name} har fått kontaktroll: Samordnare.",
        f"{name} har fått tidsram: från 2026-09-01, löpande.",
        f"{name} har fått en resursbeskrivning.",
        f"{name} har fått indikatorer: Antal deltagare (personer) och Antal träffar.",
        f'{name} har fått mål: "Samverkan med polisen och andra aktörer" och '
        '"Förebygga att barn och unga dras in i extremism".',
    ]


def test_the_seed_plan_is_valid_with_none_of_the_new_fields(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby").items
    revision = demo_registry.get_revision(plan.revisions[-1].id)
    assert len(revision.activities) == 14
    assert all(a.goals == [] and a.indicators == [] for a in revision.activities)
    assert all(a.time_frame is None and a.resources is None for a in revision.activities)
    groups = [a.target_groups for a in revision.activities if a.target_groups]
    assert groups == [["Unga vuxna 18–29 år"]]  # the one the plan states, as before


def test_export_import_keeps_the_new_fields(world: World, tmp_path: Path) -> None:
    registry = world.registry
    added = registry.add_activity(world.own.draft, RICH)
    _approve(registry, world.own.draft)
    registry.report_follow_up(
        added.id,
        {
            "period": "2026-T2",
            "status": "ongoing",
            "measurements": [{"indicator": "traffar", "value": 3}],
        },
    )
    document = registry.export_json()
    url = f"sqlite:///{tmp_path}/copy.sqlite3"
    migrations.upgrade(url)
    with Registry.open(url) as copy:
        copy.import_json(document)
        assert copy.export_json() == document
        assert copy.get_activity(added.id) == registry.get_activity(added.id)
        assert copy.list_follow_ups(added.id).items == registry.list_follow_ups(added.id).items


def test_the_migration_moves_a_target_group_into_the_list_and_back(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from planregistry.defaults.demo import load_demo

    url = f"sqlite:///{tmp_path}/migrated.sqlite3"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        load_demo(registry)
    engine = create_engine(url)
    try:
        migrations.downgrade(url, "0004")
        with engine.connect() as conn:
            groups = conn.scalars(text("SELECT target_group FROM activities")).all()
        assert [g for g in groups if g] == ["Unga vuxna 18–29 år"]
        migrations.upgrade(url)
    finally:
        engine.dispose()
    with Registry.open(url) as registry:
        (plan,) = registry.list_plans("hasselby-vallingby").items
        activities = registry.get_revision(plan.revisions[0].id).activities
        assert [a.target_groups for a in activities if a.target_groups] == [["Unga vuxna 18–29 år"]]


def test_an_export_of_format_3_still_imports_its_target_groups(
    demo_registry: Registry, tmp_path: Path
) -> None:
    import msgspec

    document = msgspec.json.decode(demo_registry.export_json())
    document["format_version"] = 3
    for key in ("documents", "files"):
        del document[key]
    new_fields = ("target_groups", "contact_role", "time_frame", "resources", "indicators", "goals")
    for revision in document["revisions"]:
        for activity in revision["activities"]:
            for key in new_fields:
                del activity[key]
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    migrations.upgrade(url)
    with Registry.open(url) as copy:
        copy.import_json(msgspec.json.encode(document))
        assert copy.export_json() == demo_registry.export_json()
