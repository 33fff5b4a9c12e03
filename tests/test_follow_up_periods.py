"""`Registry.report_period`: a period's follow-up of several activities, saved whole.

Every report is stored or none; a save based on an older version of the period (a
report someone else made since) is refused; only the plan in force is followed up.
"""

from __future__ import annotations

import pytest

from planregistry import IllegalTransition, Registry, Revision, StaleVersion, ValidationError

HV = "hasselby-vallingby"
PERIOD = "2017-VB"


def _approved(registry: Registry) -> Revision:
    (plan,) = registry.list_plans(HV)
    revision_id = plan.revisions[0].id
    for body, outcome, on in [
        ("committee", "approved", "2017-05-18"),
        ("city_executive_board", "approved", "2017-06-14"),
    ]:
        registry.record_decision(revision_id, {"body": body, "outcome": outcome, "decided_on": on})
    return registry.get_revision(revision_id)


def _reported(registry: Registry, revision: Revision) -> list[tuple[int, str]]:
    return [
        (f.activity_id, f.status.value)
        for a in revision.activities
        for f in registry.list_follow_ups(a.id, period=PERIOD)
    ]


def test_a_period_is_reported_whole_and_its_version_grows(demo_registry: Registry) -> None:
    revision = _approved(demo_registry)
    assert demo_registry.period_version(revision.id, PERIOD) == 0
    reports = {a.id: {"status": "done", "comment": f"Klar: {a.title}"} for a in revision.activities}
    stored = demo_registry.report_period(revision.id, PERIOD, reports, expected_version=0)
    assert [f.activity_id for f in stored] == [a.id for a in revision.activities]
    version = demo_registry.period_version(revision.id, PERIOD)
    assert version == max(f.id for f in stored)
    assert demo_registry.period_version(revision.id, "2018-T1") == 0

    first = revision.activities[0].id
    demo_registry.report_period(
        revision.id, PERIOD, {first: {"status": "ongoing"}}, expected_version=version
    )
    assert demo_registry.period_version(revision.id, PERIOD) > version
    assert [f.status.value for f in demo_registry.list_follow_ups(first)] == ["done", "ongoing"]


def test_a_save_based_on_an_older_version_is_refused(demo_registry: Registry) -> None:
    revision = _approved(demo_registry)
    first, second = revision.activities[0].id, revision.activities[1].id
    demo_registry.report_period(
        revision.id, PERIOD, {first: {"status": "done"}}, expected_version=0
    )
    with pytest.raises(StaleVersion):
        demo_registry.report_period(
            revision.id, PERIOD, {second: {"status": "postponed"}}, expected_version=0
        )
    assert _reported(demo_registry, revision) == [(first, "done")]


@pytest.mark.parametrize("bad", ["status", "stranger"])
def test_one_bad_report_stores_none_of_them(demo_registry: Registry, bad: str) -> None:
    revision = _approved(demo_registry)
    reports: dict[int, dict[str, str]] = {a.id: {"status": "done"} for a in revision.activities}
    if bad == "status":
        reports[revision.activities[-1].id] = {"status": "finished"}
    else:
        reports[10**6] = {"status": "done"}
    with pytest.raises(ValidationError):
        demo_registry.report_period(revision.id, PERIOD, reports)
    assert _reported(demo_registry, revision) == []


def test_only_the_plan_in_force_is_followed_up(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans(HV)
    draft = demo_registry.get_revision(plan.revisions[0].id)
    with pytest.raises(IllegalTransition):
        demo_registry.report_period(draft.id, PERIOD, {draft.activities[0].id: {"status": "done"}})
    assert _reported(demo_registry, draft) == []
