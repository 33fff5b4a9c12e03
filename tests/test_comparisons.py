"""The comparison views agree with hand-written SQL, in a fixed number of statements."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from benchmarks import handwritten
from sqlalchemy import select

from planregistry import (
    Actor,
    NotFound,
    Registry,
    RevisionStatus,
    Role,
    ValidationError,
)
from planregistry.benchdata import generate
from planregistry.storage.tables import PlanRow
from planregistry_domain.comparisons import NOT_REPORTED, Basis, share, survey_share
from tests.conftest import StatementCounter

HV = "hasselby-vallingby"
KS_DATE = dt.date(2017, 6, 14)
READER = Actor(subject="r", name="Läsare", role=Role.READER, municipality="stockholm")
CENTRAL = Actor(subject="c", name="Central", role=Role.CENTRAL, municipality="stockholm")


def _approve(registry: Registry, revision_id: int, *, conditions: str | None = None) -> None:
    registry.record_decision(
        revision_id,
        {"body": "committee", "outcome": "approved", "decided_on": "2017-05-18"},
    )
    registry.record_decision(
        revision_id,
        {
            "body": "city_executive_board",
            "outcome": "approved_with_conditions" if conditions else "approved",
            "decided_on": KS_DATE.isoformat(),
            "conditions": conditions,
        },
    )


def plan_id_of(registry: Registry, org_id: str) -> int:
    # Straight from the table: the list methods' paging is not what these tests are about.
    with registry.engine.connect() as conn:
        plan_id = conn.scalar(select(PlanRow.id).where(PlanRow.organization_id == org_id))
    assert plan_id is not None
    return plan_id


@pytest.fixture
def hv(demo_registry: Registry) -> dict[str, Any]:
    """The seed plan approved by KS, followed up twice, and a new draft for 2018."""
    registry = demo_registry
    plan = registry.get_plan(plan_id_of(registry, HV))
    first = plan.revisions[0].id
    _approve(registry, first, conditions="Komplettera lägesbilden med siffror.")
    activities = registry.get_revision(first).activities
    report = registry.report_follow_up
    report(activities[0].id, {"period": "2017-VB", "status": "ongoing"})
    for activity in activities[:6]:  # the first one is corrected: the latest report counts
        report(activity.id, {"period": "2017-VB", "status": "done"})
    for activity in activities[6:10]:
        report(activity.id, {"period": "2017-VB", "status": "ongoing"})
    report(activities[10].id, {"period": "2017-VB", "status": "postponed"})
    for activity in activities[:2]:
        report(activity.id, {"period": "2018-T1", "status": "done"})
    draft = registry.create_revision(
        plan.id, {"label": "Vers. 2, reviderad mars 2018", "cycle_year": 2018}
    )
    registry.add_activity(
        draft.id,
        {
            "title": "Föräldraträffar om ungas nätvanor",
            "level": "preventing",
            "themes": ["relatives_support", "family_support"],
            "partners": ["Polis", "Rädda Barnen"],
        },
    )
    registry.put_situation(
        draft.id,
        {
            "confidential": True,
            "survey": [
                {"question_key": "observed_expressions", "yes_count": 3, "no_count": 9,
                 "respondents": 14, "finding": "Några enheter har sett uttryck."},
                {"question_key": "exit_work", "finding": "Ingen avhopparverksamhet."},
            ],
            "police": [{"environment": "islamist", "status": "active", "text": "Förändrat läge."}],
        },
    )  # fmt: skip
    return {"registry": registry, "first": first, "draft": draft.id}


def test_shares_round_halves_up_to_four_decimals() -> None:
    assert share(13, 32) == 0.4063  # 0.40625: round() on a float would give 0.4062
    assert (share(1, 3), share(2, 3), share(0, 5), share(3, 0)) == (0.3333, 0.6667, 0.0, None)
    assert survey_share(3, 9) == 0.25
    assert survey_share(None, 9) is None and survey_share(0, 0) is None


def _row(rows: list[Any], org: str = HV, **match: Any) -> Any:
    (row,) = [
        r
        for r in rows
        if r.organization_id == org and all(getattr(r, k) == v for k, v in match.items())
    ]
    return row


def test_status_board_shows_in_force_ks_date_draft_and_deadline(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    board = registry.status_board()
    assert len(board.rows) == 19
    row = _row(board.rows)
    assert row.organization_name == "Hässelby-Vällingby stadsdelsförvaltning"
    assert row.in_force is not None and row.in_progress is not None
    assert (row.in_force.revision_id, row.in_force.number) == (hv["first"], 1)
    assert row.in_force.approved_on == KS_DATE
    assert (row.in_progress.revision_id, row.in_progress.status) == (
        hv["draft"],
        RevisionStatus.DRAFT,
    )
    # In force for 2017, so the 2018 revision was due on 31 May 2018; today is 2026.
    assert row.next_due == dt.date(2018, 5, 31)
    assert row.overdue is True
    without_plan = _row(board.rows, "bromma")
    assert without_plan.programme_id is None
    assert (without_plan.in_force, without_plan.in_progress, without_plan.next_due) == (
        None,
        None,
        None,
    )
    assert without_plan.overdue is False


def test_a_draft_alone_is_due_for_its_own_cycle_year(demo_registry: Registry) -> None:
    row = _row(demo_registry.status_board().rows)
    assert row.in_force is None
    assert row.in_progress is not None and row.in_progress.cycle_year == 2017
    assert row.next_due == dt.date(2017, 5, 31)
    assert row.overdue


def test_a_withdrawn_plan_still_owes_its_cycle_year(demo_registry: Registry) -> None:
    plan = demo_registry.get_plan(plan_id_of(demo_registry, HV))
    demo_registry.record_decision(
        plan.revisions[0].id,
        {"body": "committee", "outcome": "withdrawn", "decided_on": "2017-04-02"},
    )
    row = _row(demo_registry.status_board().rows)
    assert (row.in_force, row.in_progress) == (None, None)
    assert (row.next_due, row.overdue) == (dt.date(2017, 5, 31), True)


def test_status_board_for_one_cycle_year(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    of_2017 = _row(registry.status_board({"cycle_year": 2017}).rows)
    assert of_2017.in_force is not None and of_2017.in_force.revision_id == hv["first"]
    assert of_2017.in_progress is None
    assert (of_2017.next_due, of_2017.overdue) == (dt.date(2017, 5, 31), False)
    of_2018 = _row(registry.status_board({"cycle_year": 2018}).rows)
    assert of_2018.in_force is None
    assert of_2018.in_progress is not None and of_2018.in_progress.revision_id == hv["draft"]
    assert (of_2018.next_due, of_2018.overdue) == (dt.date(2018, 5, 31), True)


def test_coverage_counts_levels_and_themes_of_in_force_or_latest(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    view = registry.activity_coverage()
    assert [t.label for t in view.levels] == [
        "Främjande",
        "Förebyggande",
        "Förhindrande",
        "Skyddande",
    ]
    row = _row(view.rows)
    assert row.revision is not None and row.revision.revision_id == hv["first"]
    assert row.activities == 14
    assert row.levels == {"promoting": 0, "preventing": 12, "hindering": 2, "protecting": 0}
    assert row.themes["information_sharing_police"] == 2
    latest = _row(registry.activity_coverage({"basis": "latest"}).rows)
    assert latest.revision is not None and latest.revision.revision_id == hv["draft"]
    assert latest.activities == 15
    assert latest.themes["family_support"] == row.themes["family_support"] + 1
    # No plan is not the same as no activities: nothing is counted, not zeros.
    bromma = _row(view.rows, "bromma")
    assert (bromma.revision, bromma.activities, bromma.levels) == (None, 0, {})


def test_partner_matrix_counts_activities_per_partner(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    matrix = registry.partner_matrix()
    row = _row(matrix.rows)
    # Columns are the actors of the register: the seed's "Polis" is the actor "Polisen".
    assert row.partners["Polisen"] == 6
    assert matrix.partners[0].partner == "Polisen"
    assert matrix.partners[0].names == ["Polis"]
    assert (matrix.partners[0].organizations, matrix.partners[0].activities) == (1, 6)
    latest = _row(registry.partner_matrix({"basis": Basis.LATEST}).rows)
    assert latest.partners["Polisen"] == 7
    assert latest.partners["Rädda Barnen"] == row.partners.get("Rädda Barnen", 0) + 1


def test_situation_shares_where_counts_exist_and_findings_where_not(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    seed = _row(registry.situation_comparison().rows)
    observed = seed.survey[0]
    assert observed.question_key == "observed_expressions" and observed.answered
    assert (observed.share_yes, observed.respondents) == (None, None)
    assert observed.finding == "Enheterna har inte sett några uttryck för våldsbejakande extremism."
    assert {p.environment: p.status for p in seed.police if p.status} == {
        "white_power": "not_active",
        "autonomous": "not_active",
        "islamist": "not_active",
    }
    draft = _row(registry.situation_comparison({"basis": "latest"}, actor=CENTRAL).rows)
    by_key = {s.question_key: s for s in draft.survey}
    assert by_key["observed_expressions"].share_yes == 0.25
    assert by_key["observed_expressions"].respondents == 14
    assert by_key["exit_work"].share_yes is None
    assert by_key["exit_work"].finding == "Ingen avhopparverksamhet."
    assert by_key["preventive_work"].answered is False
    assert [p.status for p in draft.police if p.status] == ["active"]


def test_confidential_situation_is_withheld_from_a_reader(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    row = _row(registry.situation_comparison({"basis": "latest"}, actor=READER).rows)
    assert row.confidential and row.withheld
    assert row.survey == [] and row.police == []


def test_follow_up_progress_counts_latest_report_and_not_reported(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    view = registry.follow_up_progress()
    assert view.periods == ["2017-VB", "2018-T1"]
    assert len(view.rows) == 19 * 2
    vb = _row(view.rows, period="2017-VB")
    assert vb.activities == 14
    assert vb.counts == {
        "not_started": 0,
        "ongoing": 4,
        "done": 6,
        "postponed": 1,
        "discontinued": 0,
        NOT_REPORTED: 3,
    }
    assert vb.shares["done"] == round(6 / 14, 4)
    t1 = _row(registry.follow_up_progress({"period": "2018-T1"}).rows)
    assert (t1.counts["done"], t1.counts[NOT_REPORTED]) == (2, 12)
    nothing = _row(view.rows, "bromma", period="2017-VB")
    assert nothing.activities == 0 and nothing.shares["done"] is None
    of_year = registry.follow_up_progress({"cycle_year": 2017})
    assert of_year.periods == ["2017-T1", "2017-T2", "2017-VB"]


def test_filters_narrow_the_organisations(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    specialists = registry.status_board({"kind": "specialist"}).rows
    assert len(specialists) == 5 and all(r.kind == "specialist" for r in specialists)
    assert registry.activity_coverage({"municipality": "goteborg"}).rows == []
    vbe = registry.partner_matrix({"programme": "vbe"})
    assert len(vbe.rows) == 19
    with pytest.raises(NotFound):
        registry.status_board({"programme": "vald-i-nara-relationer"})


def test_filters_that_do_not_apply_to_a_view_are_refused(demo_registry: Registry) -> None:
    with pytest.raises(ValidationError):
        demo_registry.status_board({"period": "2017-VB"})
    with pytest.raises(ValidationError):
        demo_registry.follow_up_progress({"basis": "latest"})
    with pytest.raises(ValidationError):
        demo_registry.activity_coverage({"colour": "red"})


def test_a_caller_sees_only_its_own_municipality(demo_registry: Registry) -> None:
    assert len(demo_registry.status_board(actor=READER).rows) == 19
    with pytest.raises(NotFound):
        demo_registry.status_board({"municipality": "goteborg"}, actor=READER)
    elsewhere = Actor(subject="g", name="G", role=Role.CENTRAL, municipality="goteborg")
    assert demo_registry.status_board(actor=elsewhere).rows == []


# Hand-written SQL, on the demo state and on generated data.


def _agree(registry: Registry) -> None:
    for name, (method, _from_sql, from_view) in handwritten.VIEWS.items():
        view = getattr(registry, method)()
        with registry.engine.connect() as conn:
            rows = handwritten.run(conn, name)
        assert from_view(view) == handwritten.expected(name, rows, view), name


def test_views_agree_with_hand_written_sql_on_the_demo(hv: dict[str, Any]) -> None:
    _agree(hv["registry"])


def test_views_agree_with_hand_written_sql_on_generated_data(registry: Registry) -> None:
    generate(registry.engine, 12, seed=7)
    board = registry.status_board()
    assert len(board.rows) == 12
    assert {r.in_progress.status for r in board.rows if r.in_progress} <= {
        RevisionStatus.DRAFT,
        RevisionStatus.AWAITING_BOARD,
    }
    _agree(registry)


def _statements(registry: Registry) -> dict[str, int]:
    counts = {}
    for name, (method, _sql, _view) in handwritten.VIEWS.items():
        with StatementCounter(registry.engine) as counter:
            getattr(registry, method)()
        counts[name] = counter.count
    return counts


def test_each_view_runs_a_fixed_number_of_statements(hv: dict[str, Any]) -> None:
    registry: Registry = hv["registry"]
    small = _statements(registry)
    generate(registry.engine, 24, seed=2)
    assert len(registry.status_board().rows) == 19 + 24
    assert _statements(registry) == small
    # Rows, details, programmes, the organisations' validity; the partner matrix also
    # reads the register, and counts exactly where a plan writes one actor two ways (the
    # seed names both "Central samordnare" and "Stadsledningskontoret").
    assert max(v for k, v in small.items() if k != "partners") <= 5
    assert small["partners"] <= 6
