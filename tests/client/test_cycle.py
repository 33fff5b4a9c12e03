"""The whole yearly cycle, driven only through the typed client against the real server.

Hässelby-Vällingby's coordinator takes the demo's 2017 plan through its committee, the
central coordinator through KS; then the coordinator reports follow-up, drafts the 2018
revision from the 2017 one and records the committee's decision; the central
coordinator reviews it and records KS approval with conditions; the comparison views
show it. Nothing here but `planregistry_client` talks to the server.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from planregistry import (
    Activity,
    CreateActivity,
    CreateRevision,
    Decision,
    DecisionBody,
    DecisionOutcome,
    FollowUpStatus,
    PutSection,
    RecordDecision,
    ReportFollowUp,
    Revision,
    RevisionDiff,
    StatusBoard,
    UpdateActivity,
)
from planregistry_client import Client
from tests.client.support import Server

ORG = "hasselby-vallingby"
BOARD_CONDITIONS = "Förtydliga samverkan med polisen inför nästa revidering."


def _approve_2017(district: Client, central: Client) -> Revision:
    """The demo's 2017 draft through the committee (the district) and KS (central)."""
    (plan,) = district.list_plans(ORG)
    revision = district.get_revision(plan.revisions[0].id)
    assert (revision.cycle_year, revision.status) == (2017, "draft")
    committee = district.record_decision(
        revision.id,
        RecordDecision(
            body=DecisionBody.COMMITTEE,
            outcome=DecisionOutcome.APPROVED,
            decided_on=dt.date(2017, 5, 18),
            case_number="1.2.3-123/2017",
            minutes_ref="§ 12",
        ),
    )
    assert committee.value.status_after == "awaiting_board"
    central.get_revision(revision.id)  # the read gives central the ETag to write with
    board = central.record_decision(
        revision.id,
        {"body": "city_executive_board", "outcome": "approved", "decided_on": "2017-06-14"},
    )
    assert board.value.status_after == "approved"
    return district.get_revision(revision.id)


def test_the_2017_to_2018_cycle_through_the_client(server: Server) -> None:
    with server.coordinator(ORG) as district, server.central() as central:
        r2017 = _approve_2017(district, central)

        # Follow-up of every activity of the plan in force, walked page by page.
        activities = list(district.iter_activities(r2017.id, page_size=5))
        assert [a.id for a in activities] == [a.id for a in r2017.activities]
        for activity in activities:
            reported = district.report_follow_up(
                activity.id,
                ReportFollowUp(
                    period="2017-VB", status=FollowUpStatus.DONE, comment="Genomförd enligt plan."
                ),
            )
            assert (reported.activity_key, reported.status) == (activity.key, "done")
        assert [f.period for f in district.iter_follow_ups(activities[0].id)] == ["2017-VB"]

        # 2018: the new revision starts as a copy of 2017, activity keys kept.
        r2018 = district.create_revision(
            r2017.plan_id, CreateRevision(label="Vers. 3, reviderad mars 2018", cycle_year=2018)
        )
        assert (r2018.number, r2018.based_on, r2018.status) == (2, r2017.id, "draft")
        assert [a.key for a in r2018.activities] == [a.key for a in r2017.activities]
        assert [s.key for s in r2018.sections] == [s.key for s in r2017.sections]

        # Edits, each sending the ETag the previous answer carried: no explicit versions.
        district.put_section(
            r2018.id,
            "preface",
            PutSection(
                heading="Förord",
                body="Revideringen 2018 lägger till stöd till anhöriga och förtydligar målgrupper.",
            ),
        )
        reordered = district.update_revision(
            r2018.id,
            {"section_order": ["preface", *(s.key for s in r2018.sections)]},
        )
        assert reordered.sections[0].key == "preface"
        first = r2018.activities[0]
        changed = district.update_activity(
            first.id, UpdateActivity(target_group="Medarbetare 18–29 år")
        )
        assert isinstance(changed, Activity)
        assert (changed.target_group, changed.version) == (
            "Medarbetare 18–29 år",
            first.version + 1,
        )
        added = district.add_activity(
            r2018.id,
            CreateActivity(
                title="Stöd till anhöriga",
                level="protecting",
                themes=["relatives_support"],
                responsible="Stadsdelsförvaltningen",
                partners=["Polis", "Rädda Barnen"],
                follow_up_method="Uppföljning i ILS",
            ),
        )
        assert added.key not in {a.key for a in r2018.activities}

        # The activity changes changed the revision: read it, then the committee decides.
        r2018 = district.get_revision(r2018.id)
        assert len(r2018.activities) == len(r2017.activities) + 1
        committee = district.record_decision(
            r2018.id,
            RecordDecision(
                body=DecisionBody.COMMITTEE,
                outcome=DecisionOutcome.APPROVED,
                decided_on=dt.date(2018, 3, 22),
            ),
        )
        decided = committee.value
        assert (decided.status_before, decided.status_after) == ("draft", "awaiting_board")

        # Central review: feedback with the completeness check, and what changed.
        assert central.completeness(r2018.id) == []
        review = central.add_review(
            r2018.id, {"feedback": "Bra revidering; förtydliga polissamverkan nästa år."}
        )
        assert review.findings == []
        assert [r.id for r in central.list_reviews(r2018.id)] == [review.id]
        diff = central.diff_revisions(r2017.id, r2018.id)
        assert isinstance(diff, RevisionDiff)
        assert [a.key for a in diff.activities_added] == [added.key]
        assert [c.key for c in diff.activities_changed] == [first.key]
        assert "Stöd till anhöriga" in "\n".join(diff.changelog)

        # KS approves on conditions; 2017 is superseded.
        central.get_revision(r2018.id)
        board = central.record_decision(
            r2018.id,
            RecordDecision(
                body=DecisionBody.CITY_EXECUTIVE_BOARD,
                outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
                decided_on=dt.date(2018, 4, 18),
                case_number="KS 2018/123",
                conditions=BOARD_CONDITIONS,
            ),
        )
        assert isinstance(board.value, Decision)
        decided = board.value
        assert (decided.outcome, decided.status_after) == ("approved_with_conditions", "approved")
        plan = district.get_plan(r2017.plan_id)
        assert [(s.cycle_year, s.status) for s in plan.revisions] == [
            (2017, "superseded"),
            (2018, "approved"),
        ]
        assert [d.outcome for d in district.iter_decisions(r2018.id)] == [
            "approved",
            "approved_with_conditions",
        ]

        # Follow-up on the plan now in force.
        for activity in r2018.activities[:3]:
            district.report_follow_up(activity.id, {"period": "2018-T1", "status": "ongoing"})

        # The central coordinator's views show it.
        status = central.status_board()
        assert isinstance(status, StatusBoard)
        (row,) = [r for r in status.rows if r.organization_id == ORG]
        assert row.in_force is not None
        assert (row.in_force.revision_id, row.in_force.approved_on) == (
            r2018.id,
            dt.date(2018, 4, 18),
        )
        assert row.in_progress is None
        coverage = central.activity_coverage({"kind": "district"})
        (cov,) = [r for r in coverage.rows if r.organization_id == ORG]
        assert cov.revision is not None and cov.revision.revision_id == r2018.id
        assert cov.activities == len(r2018.activities)
        assert cov.levels["protecting"] >= 1 and cov.themes["relatives_support"] >= 1
        partners = central.partner_matrix()
        (par,) = [r for r in partners.rows if r.organization_id == ORG]
        assert par.partners["Rädda Barnen"] >= 1
        situation = central.situation_comparison()
        (sit,) = [r for r in situation.rows if r.organization_id == ORG]
        assert sit.has_situation and sit.revision is not None
        progress = central.follow_up_progress({"period": "2018-T1"})
        (prog,) = [r for r in progress.rows if r.organization_id == ORG]
        assert prog.counts["ongoing"] == 3
        assert prog.counts["not_reported"] == len(r2018.activities) - 3

        # …and as files for Excel.
        csv = central.export_comparison("status", "csv")
        assert csv.media_type == "text/csv"
        assert csv.filename is not None and csv.filename.endswith(".csv")
        assert csv.content.startswith(b"\xef\xbb\xbf")
        assert "Hässelby-Vällingby" in csv.content.decode("utf-8-sig")
        xlsx = central.export_comparison("coverage", "xlsx", {"kind": "district"})
        assert xlsx.filename is not None and xlsx.filename.endswith(".xlsx")
        workbook = load_workbook(io.BytesIO(xlsx.content))
        assert workbook.sheetnames[1] == "Om uttaget"

        # Every step is in the audit trail, under the caller who took it.
        subjects = {
            entry.actor_subject
            for entry in central.iter_audit(entity="revision", entity_id=r2018.id, page_size=3)
        }
        assert {"client-test-coordinator-hasselby-vallingby", "client-test-central"} <= subjects
