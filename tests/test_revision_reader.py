"""The Core reader of a whole revision gives exactly what the ORM aggregate gives."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.storage import convert, queries
from planregistry.storage.revision_reader import read_revision
from planregistry.storage.tables import RevisionRow
from tests.conftest import StatementCounter


def _orm(registry: Registry, revision_id: int) -> object:
    with Session(registry.engine) as session:
        return convert.revision(queries.get_revision_aggregate(session, revision_id))


def test_core_reader_matches_the_orm_on_demo_and_generated_data(demo_registry: Registry) -> None:
    generate(demo_registry.engine, 3, seed=11)
    with demo_registry.engine.connect() as conn:
        ids = list(conn.scalars(select(RevisionRow.id).order_by(RevisionRow.id)))
    assert len(ids) == 1 + 3 * 6
    for revision_id in ids:
        with demo_registry.engine.connect() as conn:
            assert read_revision(conn, revision_id) == _orm(demo_registry, revision_id)
        assert demo_registry.get_revision(revision_id) == _orm(demo_registry, revision_id)


def test_core_reader_runs_three_statements(demo_registry: Registry) -> None:
    generate(demo_registry.engine, 1, seed=1)
    with StatementCounter(demo_registry.engine) as counter:
        revision = demo_registry.get_revision(4)
    assert len(revision.activities) >= 28 and revision.situation is not None
    assert counter.count == 3
