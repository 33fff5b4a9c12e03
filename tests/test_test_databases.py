"""The test databases themselves: a test's copy of a template is whole and its own."""

from __future__ import annotations

import re
from pathlib import Path

from planregistry import Registry
from tests.conftest import Clock, DatabaseCopy, Templates
from tests.world import ACTIVITY, World, build_world, snapshot


def _without_random_keys(state: tuple[bytes, int]) -> tuple[bytes, int]:
    """An activity's key ends in random hex; everything else of a build is determined."""
    data, audit = state
    return re.sub(rb'(key": "[a-z0-9-]+-)[0-9a-f]{6}"', rb'\1xxxxxx"', data), audit


def test_a_copy_of_the_world_is_the_world_built_anew(
    world: World, clock: Clock, database: DatabaseCopy, templates: Templates, tmp_path: Path
) -> None:
    copied = snapshot(world.registry)
    world.registry.close()
    # An empty copy (on PostgreSQL the same database, refilled), and the world built anew.
    url = templates.copy(database.kind, templates.get(database.kind), tmp_path)
    fresh_clock = Clock()
    with Registry.open(url, clock=fresh_clock) as fresh:
        built = build_world(fresh)
        assert _without_random_keys(snapshot(fresh)) == _without_random_keys(copied)
    assert (built.own, built.other, built.elsewhere) == (world.own, world.other, world.elsewhere)
    assert fresh_clock.current == clock.current


def test_writes_do_not_reach_the_next_copy(
    world: World, database: DatabaseCopy, templates: Templates, tmp_path: Path
) -> None:
    r = world.registry
    before = snapshot(r)
    added = r.add_activity(world.own.draft, ACTIVITY)
    r.delete_activity(world.own.draft_activity)
    assert snapshot(r) != before
    r.close()
    # Another copy of the same template, as the next test gets it.
    url = templates.copy(database.kind, database.template, tmp_path)
    with Registry.open(url, clock=Clock(database.template.clock)) as again:
        assert snapshot(again) == before
        # Sequences are put back too: the same write gets the same id.
        assert again.add_activity(world.own.draft, ACTIVITY).id == added.id
