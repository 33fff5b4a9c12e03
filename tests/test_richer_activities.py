"""The richer activity fields: stored, read by every reader, copied, diffed, backed up."""

from __future__ import annotations

from pathlib import Path

from planregistry import Registry
from planregistry.storage import migrations
from tests.world import World


def test_contact_role_round_trips_through_every_reader_and_the_next_revision(
    world: World,
) -> None:
    registry = world.registry
    draft = world.own.draft
    added = registry.add_activity(
        draft,
        {"title": "Samråd med föreningar", "level": "preventing", "contact_role": "Samordnare"},
    )
    assert added.contact_role == "Samordnare"
    assert registry.get_activity(added.id).contact_role == "Samordnare"
    (read,) = [a for a in registry.get_revision(draft).activities if a.id == added.id]
    assert read == added
    changed = registry.update_activity(added.id, {"contact_role": "Enhetschef"})
    assert changed.contact_role == "Enhetschef"
    diff = registry.diff_revisions(world.own.approved, draft)
    assert any("kontaktroll" in line for line in diff.changelog) is False  # a new activity
    registry.update_activity(world.own.draft_activity, {"contact_role": "Enhetschef"})
    diff = registry.diff_revisions(world.own.approved, draft)
    assert any(
        line.endswith("har fått kontaktroll: Enhetschef.") for line in diff.changelog
    ), diff.changelog


def test_export_import_keeps_the_new_fields(world: World, tmp_path: Path) -> None:
    registry = world.registry
    registry.update_activity(world.own.draft_activity, {"contact_role": "Samordnare"})
    document = registry.export_json()
    url = f"sqlite:///{tmp_path}/copy.sqlite3"
    migrations.upgrade(url)
    with Registry.open(url) as copy:
        copy.import_json(document)
        assert copy.export_json() == document
        assert copy.get_activity(world.own.draft_activity).contact_role == "Samordnare"
