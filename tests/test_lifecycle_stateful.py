"""Hypothesis drives a plan's lifecycle against a real SQLite registry.

Rules create revisions, edit the draft, record random decisions (any body, outcome
and date, on any revision), report follow-ups and answer board conditions. A small
model written from DESIGN.md predicts each outcome; a refused call must raise the
predicted kind of error and leave the database byte-for-byte unchanged. After every
step the invariants are checked against what the registry returns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from planregistry import (
    Conflict,
    DecisionBody,
    DecisionOutcome,
    IllegalTransition,
    ReadOnly,
    Registry,
    Revision,
    RevisionStatus,
    ValidationError,
)
from planregistry.defaults.programme_vbe import VBE
from tests.conftest import TODAY, Clock
from tests.test_lifecycle import EXPECTED

S, B, O = RevisionStatus, DecisionBody, DecisionOutcome  # noqa: E741
OPEN = {S.DRAFT, S.AWAITING_BOARD}
START = dt.date(2017, 1, 1)
LEVELS = [t.key for t in VBE.levels]
PAIRS = [(b, o) for b in B for o in O]
PROGRESS = (S.AWAITING_BOARD, S.APPROVED)


@dataclass
class Modelled:
    """What the model knows of one revision."""

    status: RevisionStatus
    based_on: int | None
    cycle_year: int
    last_decided_on: dt.date | None = None
    transitions: list[tuple[RevisionStatus, RevisionStatus]] = field(default_factory=list)
    board_conditions: str | None = None  # of the board approval that put it in force
    response: str | None = None


def _content(revision: Revision) -> bytes:
    """Everything a revision says, as bytes; approval freezes all of it."""
    return msgspec.json.encode(
        [
            revision.label,
            revision.cycle_year,
            revision.case_numbers,
            revision.sections,
            revision.scope_exclusions,
            revision.priority_areas,
            revision.situation,
            revision.conditions_response,
            revision.activities,
        ]
    )


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.registry = Registry.open(url, clock=Clock())
        r = self.registry
        r.put_programme(VBE)
        r.create_municipality({"id": "stockholm", "name": "Stockholms stad"})
        r.create_organization(
            {
                "id": "bromma",
                "name": "Bromma stadsdelsförvaltning",
                "kind": "district",
                "committee": "Bromma stadsdelsnämnd",
                "municipality": "stockholm",
            }
        )
        self.plan_id = r.create_plan("bromma", {"programme_id": "vbe"}).id
        first = r.create_revision(self.plan_id, {"label": "Vers. 1", "cycle_year": 2017})
        r.add_activity(first.id, {"title": "Förebygga", "level": "preventing"})
        r.add_activity(first.id, {"title": "Förhindra", "level": "hindering"})
        self.first = first.id
        self.model: dict[int, Modelled] = {first.id: Modelled(S.DRAFT, None, 2017)}
        self.reported: set[int] = set()
        self.frozen: dict[int, bytes] = {}

    @initialize(generations=st.integers(0, 2), with_conditions=st.booleans())
    def start(self, generations: int, with_conditions: bool) -> None:
        """Start from a first draft, a plan in force, or one in force that replaced another.

        Random steps alone rarely get as far as a superseded revision in a short run;
        these starts go there through the same model-checked calls as the rules.
        """
        for generation in range(generations):
            if generation:
                self.create_revision(1)
                self.report_follow_up(0, 0, every=True)
                self.answer_conditions("Lägesbilden är kompletterad.")
            rid = self._open()
            assert rid is not None
            self._decide(rid, B.COMMITTEE, O.APPROVED, 30, None)
            conditions = "Redovisa enkätsvaren i siffror." if with_conditions else None
            outcome = O.APPROVED_WITH_CONDITIONS if conditions else O.APPROVED
            self._decide(rid, B.CITY_EXECUTIVE_BOARD, outcome, 30, conditions)
            assert self.model[rid].status is S.APPROVED

    def teardown(self) -> None:
        self.registry.close()

    # --- helpers ----------------------------------------------------------------

    def _pick(self, index: int) -> int:
        ids = sorted(self.model)
        return ids[index % len(ids)]

    def _with_status(self, *statuses: RevisionStatus) -> list[int]:
        return [rid for rid, m in sorted(self.model.items()) if m.status in statuses]

    def _open(self) -> int | None:
        found = self._with_status(S.DRAFT, S.AWAITING_BOARD)
        return found[0] if found else None

    def _refused(self, errors: set[type[Exception]], call: Any) -> None:
        before = self.registry.export_json()
        try:
            call()
        except (IllegalTransition, ValidationError, Conflict) as exc:
            assert any(isinstance(exc, e) for e in errors), (exc, errors)
        else:
            raise AssertionError(f"expected one of {errors}")
        assert self.registry.export_json() == before

    # --- rules ------------------------------------------------------------------

    @rule(year_step=st.integers(-1, 2))
    def create_revision(self, year_step: int) -> None:
        in_force = self._with_status(S.APPROVED)
        base_year = self.model[in_force[0]].cycle_year if in_force else 2017
        year = base_year + year_step
        call = lambda: self.registry.create_revision(  # noqa: E731
            self.plan_id, {"label": f"Vers. {len(self.model) + 1}", "cycle_year": year}
        )
        if self._open() is not None:
            self._refused({Conflict}, call)
            return
        if in_force and year < base_year:
            self._refused({ValidationError}, call)
            return
        created = call()
        based_on = in_force[0] if in_force else None
        assert (created.status, created.based_on) == (S.DRAFT, based_on)
        assert created.number == len(self.model) + 1
        if based_on is not None:
            source = self.registry.get_revision(based_on)
            assert [a.key for a in created.activities] == [a.key for a in source.activities]
        self.model[created.id] = Modelled(S.DRAFT, based_on, year)

    @precondition(lambda self: bool(self._with_status(S.DRAFT)))
    @rule(
        op=st.sampled_from(["section", "add", "update", "delete", "situation"]), n=st.integers(0, 7)
    )
    def edit_draft(self, op: str, n: int) -> None:
        r, (rid,) = self.registry, self._with_status(S.DRAFT)
        activities = r.get_revision(rid).activities
        if op == "section":
            r.put_section(rid, ["collaboration", "forord"][n % 2], {"heading": "H", "body": f"{n}"})
        elif op == "add" or not activities:
            r.add_activity(rid, {"title": f"Aktivitet {n}", "level": LEVELS[n % len(LEVELS)]})
        elif op == "update":
            r.update_activity(activities[n % len(activities)].id, {"responsible": f"Aktör {n}"})
        elif op == "delete":
            r.delete_activity(activities[n % len(activities)].id)
        else:
            status = ["active", "not_active", "unknown"][n % 3]
            r.put_situation(rid, {"police": [{"environment": "white_power", "status": status}]})

    @precondition(lambda self: bool(self._with_status(*(set(S) - {S.DRAFT}))))
    @rule(index=st.integers(0, 50))
    def edit_locked(self, index: int) -> None:
        locked = self._with_status(*(set(S) - {S.DRAFT}))
        rid = locked[index % len(locked)]
        self._refused(
            {ReadOnly},
            lambda: self.registry.put_section(rid, "scope", {"heading": "H", "body": "Ny."}),
        )

    @precondition(lambda self: self._open() is not None)
    @rule(
        data=st.data(),
        days=st.integers(-5, 120),
        future=st.integers(0, 9).map(lambda n: n == 0),  # now and then a future date
        conditions=st.sampled_from([None, "Komplettera lägesbilden."]),
    )
    def decide_open(
        self, data: st.DataObject, days: int, future: bool, conditions: str | None
    ) -> None:
        open_id = self._open()
        assert open_id is not None
        status = self.model[open_id].status
        legal = [(b, o) for (s, b, o) in EXPECTED if s is status]
        forward = [(b, o) for b, o in legal if EXPECTED[status, b, o] in PROGRESS]
        # Half the time the usual path (committee, then board approves), so that runs
        # reach approval and supersession; otherwise any legal or any decision at all.
        pairs = [st.sampled_from(forward)] * 2 + [st.sampled_from(legal), st.sampled_from(PAIRS)]
        body, outcome = data.draw(st.one_of(pairs))
        if outcome is O.APPROVED_WITH_CONDITIONS and data.draw(st.booleans()):
            conditions = "Redovisa enkätsvaren i siffror."
        self._decide(open_id, body, outcome, days, conditions, future=future)

    @rule(
        index=st.integers(0, 50),
        body=st.sampled_from(B),
        outcome=st.sampled_from(O),
        days=st.integers(-5, 120),
        conditions=st.sampled_from([None, "Villkor."]),
    )
    def decide_any(
        self, index: int, body: B, outcome: O, days: int, conditions: str | None
    ) -> None:
        self._decide(self._pick(index), body, outcome, days, conditions)

    def _decide(
        self,
        rid: int,
        body: B,
        outcome: O,
        days: int,
        conditions: str | None,
        *,
        future: bool = False,
    ) -> None:
        m = self.model[rid]
        decided_on = (m.last_decided_on or START) + dt.timedelta(days=days)
        if future:
            decided_on = TODAY.date() + dt.timedelta(days=days % 30 + 1)
        errors = self._predicted_errors(m, body, outcome, decided_on, conditions)
        data = {
            "body": body.value,
            "outcome": outcome.value,
            "decided_on": decided_on.isoformat(),
            "conditions": conditions,
        }
        if errors:
            self._refused(errors, lambda: self.registry.record_decision(rid, data))
            return
        written = self.registry.record_decision(rid, data)
        result = self.registry.get_revision(rid)
        new = EXPECTED[m.status, body, outcome]
        assert result.status is new
        assert written.value.status_after is new
        assert written.revision_version == result.version
        if new is S.APPROVED:
            for other in self._with_status(S.APPROVED):
                self.model[other].status = S.SUPERSEDED
            m.board_conditions = conditions
            self.frozen[rid] = _content(result)
        m.transitions.append((m.status, new))
        m.status, m.last_decided_on = new, decided_on

    def _predicted_errors(
        self,
        m: Modelled,
        body: B,
        outcome: O,
        decided_on: dt.date,
        conditions: str | None,
    ) -> set[type[Exception]]:
        errors: set[type[Exception]] = set()
        if (m.status, body, outcome) not in EXPECTED:
            return {IllegalTransition}
        if decided_on > TODAY.date():
            errors.add(ValidationError)
        if m.last_decided_on is not None and decided_on < m.last_decided_on:
            errors.add(ValidationError)
        if outcome is O.APPROVED_WITH_CONDITIONS and not conditions:
            errors.add(ValidationError)
        if (body, outcome) == (B.COMMITTEE, O.APPROVED) and m.based_on is not None:
            previous = self.registry.get_revision(m.based_on)
            if any(a.id not in self.reported for a in previous.activities):
                errors.add(IllegalTransition)
            answered = m.response is not None and m.response.strip()
            if self.model[m.based_on].board_conditions and not answered:
                errors.add(IllegalTransition)
        return errors

    @rule(index=st.integers(0, 50), which=st.integers(0, 50), every=st.booleans())
    def report_follow_up(self, index: int, which: int, every: bool) -> None:
        in_force = self._with_status(S.APPROVED)
        if every and in_force:  # the whole plan in force, as the yearly report does
            (rid,) = in_force
            for activity in self.registry.get_revision(rid).activities:
                data = {"period": f"{self.model[rid].cycle_year}-VB", "status": "done"}
                self.registry.report_follow_up(activity.id, data)
                self.reported.add(activity.id)
            return
        rid = self._pick(index)
        activities = self.registry.get_revision(rid).activities
        if not activities:
            return
        activity = activities[which % len(activities)]
        data = {"period": f"{self.model[rid].cycle_year}-T1", "status": "ongoing"}
        if self.model[rid].status is not S.APPROVED:
            self._refused(
                {IllegalTransition}, lambda: self.registry.report_follow_up(activity.id, data)
            )
            return
        assert self.registry.report_follow_up(activity.id, data).activity_key == activity.key
        self.reported.add(activity.id)

    @precondition(lambda self: bool(self._with_status(S.DRAFT)))
    @rule(response=st.sampled_from([None, " ", "Lägesbilden är kompletterad."]))
    def answer_conditions(self, response: str | None) -> None:
        (rid,) = self._with_status(S.DRAFT)
        updated = self.registry.update_revision(rid, {"conditions_response": response})
        assert updated.conditions_response == response
        self.model[rid].response = response

    # --- invariants ---------------------------------------------------------------

    @invariant()
    def lifecycle_holds(self) -> None:
        revisions = self.registry.list_revisions(self.plan_id)
        statuses = {r.id: r.status for r in revisions}
        assert statuses == {rid: m.status for rid, m in self.model.items()}
        assert sum(s is S.APPROVED for s in statuses.values()) <= 1
        assert sum(s in OPEN for s in statuses.values()) <= 1
        approved_numbers = [r.number for r in revisions if r.status is S.APPROVED]
        for revision in revisions:
            m = self.model[revision.id]
            assert revision.based_on == m.based_on
            # Every status change has its decision, chained end to end.
            chain = [(d.status_before, d.status_after) for d in revision.decisions]
            assert chain == m.transitions
            current = S.DRAFT
            for before, after in chain:
                assert before is current
                current = after
            if revision.status is S.SUPERSEDED:
                assert current is S.APPROVED
                assert any(n > revision.number for n in approved_numbers)
            else:
                assert current is revision.status
            if revision.id in self.frozen:
                assert _content(revision) == self.frozen[revision.id]


@pytest.mark.property
def test_lifecycle_state_machine(sqlite_template: Path, tmp_path: Path) -> None:
    counter = itertools.count()

    def fresh_machine() -> LifecycleMachine:
        path = tmp_path / f"machine-{next(counter)}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        return LifecycleMachine(f"sqlite:///{path}")

    run_state_machine_as_test(
        fresh_machine,
        # max_examples comes from the hypothesis profile (tests/conftest.py).
        settings=settings(
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
