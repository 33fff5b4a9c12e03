"""The completeness check flags real gaps only, in Swedish; reviews snapshot it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from planregistry import (
    Activity,
    CompletenessFinding,
    EnvironmentActivity,
    NotFound,
    PoliceAssessment,
    Programme,
    Registry,
    Revision,
    RevisionStatus,
    Section,
    SituationPicture,
    SurveyAnswer,
    ValidationError,
)
from planregistry.defaults.programme_vbe import VBE
from planregistry_domain.completeness import check_completeness
from planregistry_domain.programme import SituationRules

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def _activity(key: str, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "title": f"Aktivitet {key}",
        "level": "preventing",
        "themes": ["staff_training"],
        "responsible": "Stadsdelsförvaltningen",
        "follow_up_method": "Uppföljning i ILS",
        **fields,
    }
    return Activity(id=1, revision_id=1, key=key, position=0, updated_at=NOW, **values)


def _complete(**fields: Any) -> Revision:
    values: dict[str, Any] = {
        "sections": [Section(key=s.key, heading=s.heading, body="Text.") for s in VBE.sections],
        "situation": SituationPicture(
            survey=[SurveyAnswer(question_key="observed_expressions", finding="Inga uttryck.")],
            police=[
                PoliceAssessment(environment="white_power", status=EnvironmentActivity.NOT_ACTIVE)
            ],
        ),
        "activities": [
            _activity("forebygga"),
            _activity("forhindra", level="hindering", themes=["exit_support"]),
        ],
        **fields,
    }
    return Revision(
        id=1,
        plan_id=1,
        number=1,
        label="Vers. 1",
        cycle_year=2017,
        status=RevisionStatus.DRAFT,
        created_at=NOW,
        updated_at=NOW,
        **values,
    )


def _codes(findings: list[CompletenessFinding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.subject) for f in findings]


def test_a_complete_revision_has_no_findings() -> None:
    assert check_completeness(_complete(), VBE) == []


def test_what_a_plan_may_leave_out_is_not_flagged() -> None:
    revision = _complete(
        # Optional sections (definitions, environments) missing, nothing excluded from scope,
        # no priority areas, survey in words only, one environment assessed, no date.
        sections=[
            Section(key=s.key, heading=s.heading, body="Text.") for s in VBE.sections if s.required
        ],
        scope_exclusions=[],
        priority_areas=[],
    )
    assert check_completeness(revision, VBE) == []
    previous_year = SituationPicture(
        compiled_on=dt.date(2016, 10, 1),
        survey=[SurveyAnswer(question_key="exit_work", yes_count=0, no_count=12)],
        police=[PoliceAssessment(environment="islamist", status=EnvironmentActivity.UNKNOWN)],
    )
    assert check_completeness(_complete(situation=previous_year), VBE) == []


def test_missing_and_empty_sections_name_the_heading() -> None:
    sections = [Section(key=s.key, heading=s.heading, body="Text.") for s in VBE.sections]
    sections = [s for s in sections if s.key != "collaboration"]
    sections = [
        Section(key=s.key, heading=s.heading, body=" \n") if s.key == "relatives_support" else s
        for s in sections
    ]
    findings = check_completeness(_complete(sections=sections), VBE)
    assert _codes(findings) == [
        ("empty_section", "relatives_support"),
        ("missing_section", "collaboration"),
    ]
    assert findings[0].message == 'Avsnittet "Stöd till anhöriga" saknar text.'
    assert findings[1].message == 'Avsnittet "Samverkan" saknas.'


def test_missing_situation_picture() -> None:
    (finding,) = check_completeness(_complete(situation=None), VBE)
    assert (finding.code, finding.subject) == ("missing_situation", "situation")
    assert "Lägesbild saknas" in finding.message


def test_situation_without_police_assessment_and_the_survey_only_where_required() -> None:
    empty_answers = SituationPicture(
        summary="Sammanfattning.",
        survey=[SurveyAnswer(question_key="exit_work"), SurveyAnswer(question_key="exit_work")],
    )
    findings = check_completeness(_complete(situation=empty_answers), VBE)
    # The manager survey is one way of building the picture, not a requirement …
    assert _codes(findings) == [("situation_without_police", "situation")]
    assert "polisens bedömning" in findings[0].message
    # … unless a programme makes it one.
    strict = msgspec.structs.replace(VBE, situation=SituationRules(survey=True))
    findings = check_completeness(_complete(situation=empty_answers), strict)
    assert _codes(findings)[0] == ("situation_without_survey", "situation")
    assert "enkäten" in findings[0].message


def test_a_situation_picture_with_nothing_in_it_is_flagged() -> None:
    findings = check_completeness(_complete(situation=SituationPicture()), VBE)
    assert _codes(findings) == [
        ("empty_situation", "situation"),
        ("situation_without_police", "situation"),
    ]


def test_a_situation_picture_two_years_old_is_stale() -> None:
    old = SituationPicture(
        compiled_on=dt.date(2015, 12, 1),
        survey=[SurveyAnswer(question_key="exit_work", finding="Nej.")],
        police=[PoliceAssessment(environment="islamist", status=EnvironmentActivity.UNKNOWN)],
    )
    (finding,) = check_completeness(_complete(situation=old), VBE)
    assert finding.code == "stale_situation"
    assert "2015-12-01" in finding.message and "2017" in finding.message


def test_required_levels_named_with_their_labels() -> None:
    only_promoting = [_activity("a", level="promoting")]
    findings = check_completeness(_complete(activities=only_promoting), VBE)
    assert _codes(findings) == [("missing_level", "preventing"), ("missing_level", "hindering")]
    assert findings[1].message == (
        "Planen har ingen förhindrande aktivitet; programmet kräver minst en förebyggande "
        "och en förhindrande aktivitet."
    )


def test_a_programme_without_required_levels_requires_none() -> None:
    relaxed = msgspec.structs.replace(VBE, required_levels=())
    assert check_completeness(_complete(activities=[]), relaxed) == []


def test_activity_gaps_name_the_activity() -> None:
    activities = [
        _activity("forebygga"),
        _activity("forhindra", level="hindering"),
        _activity(
            "brist",
            title="Värdegrundsarbete i förskolan.",
            responsible="  ",
            follow_up_method=None,
            themes=[],
        ),
    ]
    findings = check_completeness(_complete(activities=activities), VBE)
    assert _codes(findings) == [
        ("activity_without_responsible", "brist"),
        ("activity_without_follow_up_method", "brist"),
        ("activity_without_themes", "brist"),
    ]
    assert [f.message for f in findings] == [
        'Aktiviteten "Värdegrundsarbete i förskolan" saknar ansvarig aktör.',
        'Aktiviteten "Värdegrundsarbete i förskolan" saknar uppgift om hur den följs upp.',
        'Aktiviteten "Värdegrundsarbete i förskolan" saknar tema.',
    ]


def test_vocabulary_the_programme_no_longer_has_is_flagged() -> None:
    narrower: Programme = msgspec.structs.replace(
        VBE,
        levels=tuple(t for t in VBE.levels if t.key != "protecting"),
        themes=tuple(t for t in VBE.themes if t.key != "exit_support"),
    )
    activities = [
        _activity("forebygga"),
        _activity("forhindra", level="hindering", themes=["exit_support", "staff_training"]),
        _activity("skydda", level="protecting"),
    ]
    findings = check_completeness(_complete(activities=activities), narrower)
    assert _codes(findings) == [("unknown_theme", "forhindra"), ("unknown_level", "skydda")]
    assert "exit_support" in findings[0].message
    assert '"protecting"' in findings[1].message


# --- Reviews against the database ---------------------------------------------------


def _seed(registry: Registry) -> Revision:
    (plan,) = registry.list_plans("hasselby-vallingby")
    return registry.get_revision(plan.revisions[0].id)


def test_review_stores_feedback_and_a_snapshot_of_the_findings(demo_registry: Registry) -> None:
    seed = _seed(demo_registry)
    assert demo_registry.completeness(seed.id) == []
    demo_registry.delete_section(seed.id, "collaboration")
    gap = demo_registry.add_activity(seed.id, {"title": "Ny aktivitet", "level": "promoting"})
    version = demo_registry.get_revision(seed.id).version

    review = demo_registry.add_review(seed.id, {"feedback": "Komplettera planen."})
    assert review.revision_id == seed.id and review.reviewer == "System"
    assert _codes(review.findings) == [
        ("missing_section", "collaboration"),
        ("activity_without_responsible", gap.key),
        ("activity_without_follow_up_method", gap.key),
        ("activity_without_themes", gap.key),
    ]
    assert demo_registry.get_revision(seed.id).version == version  # no new ETag

    # The snapshot stays as it was when the draft is fixed afterwards.
    demo_registry.delete_activity(gap.id)
    demo_registry.put_section(seed.id, "collaboration", {"heading": "Samverkan", "body": "Text."})
    assert demo_registry.completeness(seed.id) == []
    second = demo_registry.add_review(seed.id, {"feedback": "Nu är planen komplett."})
    assert demo_registry.list_reviews(seed.id) == [review, second]
    assert second.findings == []


def test_reviews_are_allowed_in_any_status(demo_registry: Registry) -> None:
    seed = _seed(demo_registry)
    for body, outcome, on in (
        ("committee", "approved", "2017-05-18"),
        ("city_executive_board", "approved", "2017-06-14"),
    ):
        demo_registry.record_decision(seed.id, {"body": body, "outcome": outcome, "decided_on": on})
        revision = demo_registry.get_revision(seed.id)
        review = demo_registry.add_review(seed.id, {"feedback": f"Granskad ({revision.status})."})
        assert review.findings == []
        assert demo_registry.get_revision(seed.id) == revision
    assert len(demo_registry.list_reviews(seed.id)) == 2


def test_review_input_is_checked(demo_registry: Registry) -> None:
    seed = _seed(demo_registry)
    before = demo_registry.export_json()
    with pytest.raises(ValidationError):
        demo_registry.add_review(seed.id, {"feedback": "x", "findings": []})
    with pytest.raises(NotFound):
        demo_registry.add_review(999_999, {"feedback": "x"})
    with pytest.raises(NotFound):
        demo_registry.list_reviews(999_999)
    assert demo_registry.export_json() == before
