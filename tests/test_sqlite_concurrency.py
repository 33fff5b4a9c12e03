"""SQLite: concurrent writers wait for each other instead of failing with 'database is locked'."""

from __future__ import annotations

import threading

import pytest

from planregistry import Registry
from planregistry.defaults.demo import load_demo


def test_concurrent_writers_all_succeed(sqlite_template, tmp_path) -> None:
    import shutil

    path = tmp_path / "concurrent.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with Registry.open(url) as registry:
        load_demo(registry)
        (plan,) = registry.list_plans("hasselby-vallingby")
        revision_id = plan.revisions[0].id
        before = len(registry.get_revision(revision_id).activities)

    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with Registry.open(url) as own:
                for i in range(10):
                    own.add_activity(
                        revision_id, {"title": f"Aktivitet {worker}-{i}", "level": "promoting"}
                    )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Registry.open(url) as registry:
        revision = registry.get_revision(revision_id)
    assert len(revision.activities) == before + 60
    # Positions stay unique: every writer saw the others' rows.
    assert len({a.position for a in revision.activities}) == len(revision.activities)
    assert revision.version >= 60


@pytest.mark.postgres
def test_concurrent_writers_on_postgres(postgres_template: str) -> None:
    from tests.conftest import _truncate

    _truncate(postgres_template)
    with Registry.open(postgres_template) as registry:
        load_demo(registry)
        (plan,) = registry.list_plans("hasselby-vallingby")
        revision_id = plan.revisions[0].id
        before = len(registry.get_revision(revision_id).activities)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with Registry.open(postgres_template) as own:
                for i in range(10):
                    own.add_activity(
                        revision_id, {"title": f"Aktivitet {worker}-{i}", "level": "promoting"}
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Registry.open(postgres_template) as registry:
        revision = registry.get_revision(revision_id)
    assert len(revision.activities) == before + 60
    assert len({a.position for a in revision.activities}) == len(revision.activities)
