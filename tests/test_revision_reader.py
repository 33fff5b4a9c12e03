"""The one reader of a whole revision: every field as stored, the same on every path."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.storage.tables import ActivityRow, RevisionRow, SituationRow
from tests.conftest import StatementCounter


def _stored(registry: Registry, revision_id: int) -> dict[str, Any]:
    """The revision as its rows hold it, read plainly through the ORM: the oracle."""
    with Session(registry.engine) as session:
        row = session.scalars(
            select(RevisionRow)
            .where(RevisionRow.id == revision_id)
            .options(
                selectinload(RevisionRow.sections),
                selectinload(RevisionRow.situation).selectinload(SituationRow.survey),
                selectinload(RevisionRow.situation).selectinload(SituationRow.police),
                selectinload(RevisionRow.activities).selectinload(ActivityRow.themes),
                selectinload(RevisionRow.activities).selectinload(ActivityRow.partners),
                selectinload(RevisionRow.decisions),
            )
        ).one()
        situation = row.situation
        return {
            "header": (row.plan_id, row.number, row.label, row.cycle_year, row.status),
            "lists": (row.based_on_id, row.case_numbers, row.scope_exclusions, row.priority_areas),
            "conditions_response": row.conditions_response,
            "version": row.version,
            "sections": [(s.key, s.heading, s.body) for s in row.sections],
            "situation": None
            if situation is None
            else (
                situation.compiled_on,
                situation.sources,
                situation.confidential,
                situation.summary,
                [
                    (a.question_key, a.finding, a.yes_count, a.no_count, a.respondents)
                    for a in situation.survey
                ],
                [(p.environment, p.status, p.text) for p in situation.police],
            ),
            "activities": [
                (
                    a.id,
                    a.key,
                    a.position,
                    a.title,
                    a.description,
                    a.level,
                    [t.theme for t in a.themes],
                    a.responsible,
                    [p.partner for p in a.partners],
                    a.follow_up_method,
                    a.target_groups,
                    a.contact_role,
                    a.time_frame,
                    a.resources,
                    a.indicators,
                    a.goals,
                    a.areas,
                    a.version,
                )
                for a in row.activities
            ],
            "decisions": [
                (
                    d.id,
                    d.body,
                    d.outcome,
                    d.decided_on,
                    d.case_number,
                    d.minutes_ref,
                    d.conditions,
                    d.status_before,
                    d.status_after,
                    d.recorded_by,
                )
                for d in row.decisions
            ],
        }


def _as_read(registry: Registry, revision_id: int) -> dict[str, Any]:
    r = registry.get_revision(revision_id)
    situation = r.situation
    return {
        "header": (r.plan_id, r.number, r.label, r.cycle_year, r.status),
        "lists": (r.based_on, r.case_numbers, r.scope_exclusions, r.priority_areas),
        "conditions_response": r.conditions_response,
        "version": r.version,
        "sections": [(s.key, s.heading, s.body) for s in r.sections],
        "situation": None
        if situation is None
        else (
            situation.compiled_on,
            situation.sources,
            situation.confidential,
            situation.summary,
            [
                (a.question_key, a.finding, a.yes_count, a.no_count, a.respondents)
                for a in situation.survey
            ],
            [(p.environment, p.status, p.text) for p in situation.police],
        ),
        "activities": [
            (
                a.id,
                a.key,
                a.position,
                a.title,
                a.description,
                a.level,
                a.themes,
                a.responsible,
                a.partners,
                a.follow_up_method,
                a.target_groups,
                a.contact_role,
                msgspec.to_builtins(a.time_frame),
                a.resources,
                msgspec.to_builtins(a.indicators),
                a.goals,
                a.areas,
                a.version,
            )
            for a in r.activities
        ],
        "decisions": [
            (
                d.id,
                d.body,
                d.outcome,
                d.decided_on,
                d.case_number,
                d.minutes_ref,
                d.conditions,
                d.status_before,
                d.status_after,
                d.recorded_by,
            )
            for d in r.decisions
        ],
    }


def test_the_reader_gives_every_stored_field_on_demo_and_generated_data(
    demo_registry: Registry,
) -> None:
    generate(demo_registry.engine, 3, seed=11)
    with demo_registry.engine.connect() as conn:
        ids = list(conn.scalars(select(RevisionRow.id).order_by(RevisionRow.id)))
    assert len(ids) == 1 + 3 * 6
    for revision_id in ids:
        assert _as_read(demo_registry, revision_id) == _stored(demo_registry, revision_id)
        revision = demo_registry.get_revision(revision_id)
        # Instants come back in UTC, however the database returns them.
        stamps = [revision.created_at, revision.updated_at]
        stamps += [a.updated_at for a in revision.activities]
        stamps += [d.recorded_at for d in revision.decisions]
        assert all(s.utcoffset() is not None and not s.utcoffset() for s in stamps)


def test_every_path_that_returns_a_revision_returns_the_same(demo_registry: Registry) -> None:
    generate(demo_registry.engine, 1, seed=3)
    (plan,) = demo_registry.list_plans("bench-0001-01").items
    listed = demo_registry.list_revisions(plan.id).items
    assert listed == [demo_registry.get_revision(r.id) for r in listed]
    exported = demo_registry.export_document().revisions
    assert exported == [demo_registry.get_revision(r.id) for r in exported]
    draft = next(r for r in listed if r.status == "draft" or r.status == "awaiting_board")
    if draft.status == "draft":
        changed = demo_registry.update_revision(draft.id, {"label": "Ny etikett"})
        assert changed == demo_registry.get_revision(draft.id)


def test_core_reader_runs_three_statements(demo_registry: Registry) -> None:
    generate(demo_registry.engine, 1, seed=1)
    with StatementCounter(demo_registry.engine) as counter:
        revision = demo_registry.get_revision(4)
    assert len(revision.activities) >= 28 and revision.situation is not None
    assert counter.count == 3
