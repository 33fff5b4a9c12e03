"""Revision diff, field by field, and its Swedish changelog."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from planregistry import (
    Activity,
    EnvironmentActivity,
    PoliceAssessment,
    Registry,
    Revision,
    RevisionDiff,
    RevisionStatus,
    Section,
    SituationPicture,
    SurveyAnswer,
    ValidationError,
)
from planregistry.defaults.programme_vbe import VBE
from planregistry_domain.activity_details import TimeFrame
from planregistry_domain.diff import changelog_sv, diff_revisions

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
E = EnvironmentActivity
TITLE = "Utbildning för medarbetare om våldsbejakande extremism."


def _activity(key: str = "utbildning", activity_id: int = 1, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "title": TITLE,
        "level": "preventing",
        "themes": ["staff_training"],
        "responsible": "Stadsdelsförvaltningen",
        "partners": ["Polis", "Central samordnare"],
        "follow_up_method": "Uppföljning i ILS",
        **fields,
    }
    return Activity(id=activity_id, revision_id=1, key=key, position=0, updated_at=NOW, **values)


SITUATION = SituationPicture(
    compiled_on=dt.date(2016, 11, 1),
    sources=["Enkät till chefer", "Polisen"],
    summary="Inga uttryck.",
    survey=[SurveyAnswer(question_key="exit_work", finding="Nej.", yes_count=1, no_count=9)],
    police=[
        PoliceAssessment(environment="white_power", status=E.NOT_ACTIVE, text="Ingen aktivitet."),
        PoliceAssessment(environment="islamist", status=E.UNKNOWN),
    ],
)


def _revision(revision_id: int = 1, **fields: Any) -> Revision:
    values: dict[str, Any] = {
        "sections": [
            Section(key="introduction", heading="Inledning", body="Inledning."),
            Section(key="collaboration", heading="Samverkan", body="Samverkan."),
        ],
        "scope_exclusions": ["Skolor"],
        "priority_areas": ["Grimsta", "Hässelby gård"],
        "situation": SITUATION,
        "activities": [_activity()],
        **fields,
    }
    return Revision(
        id=revision_id,
        plan_id=1,
        number=revision_id,
        label=f"Vers. {revision_id}",
        cycle_year=2016 + revision_id,
        status=RevisionStatus.DRAFT,
        created_at=NOW,
        updated_at=NOW,
        **values,
    )


def _changelog(old: Revision, new: Revision) -> list[str]:
    return changelog_sv(diff_revisions(old, new, VBE), VBE)


def test_identical_content_is_an_empty_diff() -> None:
    old = _revision(1)
    # Other ids, header and reordered set-like lists are not content changes.
    new = _revision(
        2,
        priority_areas=["Hässelby gård", "Grimsta"],
        activities=[_activity(activity_id=2, partners=["Central samordnare", "Polis"])],
    )
    diff = diff_revisions(old, new, VBE)
    assert diff.is_empty
    assert (diff.old_revision_id, diff.new_revision_id, diff.new_number) == (1, 2, 2)
    assert changelog_sv(diff, VBE) == []


def test_sections_added_removed_changed_and_reordered() -> None:
    old = _revision(
        1,
        sections=[
            Section(key="introduction", heading="Inledning", body="Inledning."),
            Section(key="collaboration", heading="Samverkan", body="Samverkan."),
            Section(key="training", heading="Utbildning", body="Utbildning."),
            Section(key="follow_up", heading="Uppföljning", body="Uppföljning."),
            Section(key="definitions", heading="Definitioner", body="Definitioner."),
        ],
    )
    new = _revision(
        2,
        sections=[
            Section(key="forord", heading="Förord", body="Vad som ändrats."),
            Section(key="collaboration", heading="Samverkan", body="Ny samverkan."),
            Section(key="introduction", heading="Inledning", body="Inledning."),
            Section(key="training", heading="Kompetens", body="Utbildning."),
            Section(key="follow_up", heading="Uppföljning och revidering", body="Nytt."),
        ],
    )
    diff = diff_revisions(old, new)
    assert [s.key for s in diff.sections_added] == ["forord"]
    assert [s.key for s in diff.sections_removed] == ["definitions"]
    changes = {c.key: (c.heading_changed, c.body_changed) for c in diff.sections_changed}
    assert changes == {
        "collaboration": (False, True),
        "training": (True, False),
        "follow_up": (True, True),
    }
    collaboration = diff.sections_changed[0]
    assert (collaboration.old_body, collaboration.new_body) == ("Samverkan.", "Ny samverkan.")
    assert diff.section_order_changed
    assert changelog_sv(diff, VBE) == [
        "Nytt avsnitt: Förord.",
        "Avsnittet Definitioner har strukits.",
        "Avsnittet Samverkan är omarbetat.",
        "Avsnittet Utbildning heter nu Kompetens.",
        "Avsnittet Uppföljning är omarbetat och heter nu Uppföljning och revidering.",
        "Avsnitten har fått en ny ordning.",
    ]


def test_scope_exclusions_and_priority_areas() -> None:
    new = _revision(2, scope_exclusions=["Förskolor"], priority_areas=["Grimsta", "Vällingby"])
    diff = diff_revisions(_revision(1), new)
    assert (diff.scope_exclusions_added, diff.scope_exclusions_removed) == (
        ["Förskolor"],
        ["Skolor"],
    )
    assert (diff.priority_areas_added, diff.priority_areas_removed) == (
        ["Vällingby"],
        ["Hässelby gård"],
    )
    assert changelog_sv(diff, VBE) == [
        "Ny avgränsning: Förskolor omfattas inte av planen.",
        "Avgränsningen är borttagen: Skolor omfattas nu av planen.",
        "Nytt utvecklingsområde: Vällingby.",
        "Utvecklingsområdet Hässelby gård utgår.",
    ]


def test_activities_added_and_removed_are_matched_by_key() -> None:
    kept = _activity()
    gone = _activity("fritid", 2, title="Arbeta våldsförebyggande inom fritidsverksamheten.")
    fresh = _activity("anhoriga", 3, title="Stöd till anhöriga", level="hindering")
    diff = diff_revisions(
        _revision(1, activities=[kept, gone]), _revision(2, activities=[fresh, kept])
    )
    assert [a.key for a in diff.activities_added] == ["anhoriga"]
    assert [a.key for a in diff.activities_removed] == ["fritid"]
    assert diff.activities_changed == []
    assert changelog_sv(diff, VBE) == [
        "Ny aktivitet: Stöd till anhöriga (förhindrande).",
        'Aktiviteten "Arbeta våldsförebyggande inom fritidsverksamheten" utgår.',
    ]


A = 'Aktiviteten "Utbildning för medarbetare om våldsbejakande extremism"'
FIELD_CASES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"title": "Utbildning för alla medarbetare"},
        [f'{A} heter nu "Utbildning för alla medarbetare".'],
    ),
    ({"description": "Halvdagsutbildning."}, [f"{A} har fått en beskrivning."]),
    ({"level": "hindering"}, [f"{A} är flyttad från nivån förebyggande till förhindrande."]),
    (
        {"themes": ["values_work", "early_identification"]},
        [
            f"{A} har fått temana Värdegrundsarbete och Tidig upptäckt.",
            f"{A} har inte längre temat Utbildning av medarbetare.",
        ],
    ),
    (
        {"responsible": "Avdelningen för förebyggande arbete"},
        [
            f"{A} har fått ny ansvarig aktör: Stadsdelsförvaltningen → "
            "Avdelningen för förebyggande arbete."
        ],
    ),
    ({"responsible": None}, [f"{A} saknar nu ansvarig aktör (tidigare Stadsdelsförvaltningen)."]),
    (
        {"partners": ["Polis", "Rädda Barnen", "Samfund"]},
        [
            f"{A} samverkar nu även med Rädda Barnen och Samfund.",
            f"{A} samverkar inte längre med Central samordnare.",
        ],
    ),
    (
        {"follow_up_method": "Enligt samverkansavtal med polisen"},
        [
            f"{A} har fått ny uppföljningsmetod: Uppföljning i ILS → "
            "Enligt samverkansavtal med polisen."
        ],
    ),
    ({"target_groups": ["Unga vuxna 18–29 år"]}, [f"{A} har fått målgrupp: Unga vuxna 18–29 år."]),
    ({"areas": ["Grimsta"]}, [f"{A} omfattar nu även Grimsta."]),
    ({"contact_role": "Samordnare"}, [f"{A} har fått kontaktroll: Samordnare."]),
    (
        {"time_frame": TimeFrame(start=dt.date(2017, 9, 1), ongoing=True)},
        [f"{A} har fått tidsram: från 2017-09-01, löpande."],
    ),
    ({"resources": "Inom befintlig budget"}, [f"{A} har fått en resursbeskrivning."]),
    (
        {"goals": ["knowledge", "collaboration"]},
        [
            f'{A} har fått mål: "Kunskap om våldsbejakande extremism hos medarbetare" '
            'och "Samverkan med polisen och andra aktörer".'
        ],
    ),
]


@pytest.mark.parametrize(("fields", "lines"), FIELD_CASES, ids=lambda v: str(v)[:30])
def test_each_activity_field_change(fields: dict[str, Any], lines: list[str]) -> None:
    old = _revision(1)
    new = _revision(2, activities=[_activity(activity_id=2, **fields)])
    diff = diff_revisions(old, new, VBE)
    (change,) = diff.activities_changed
    assert (change.key, change.old_id, change.new_id) == ("utbildning", 1, 2)
    assert [c.field for c in change.changes] == list(fields)
    name = next(iter(fields))
    field_change = change.field_change(name)
    assert field_change is not None
    assert (field_change.old, field_change.new) == (getattr(old.activities[0], name), fields[name])
    assert changelog_sv(diff, VBE) == lines


def test_several_changes_to_one_activity_read_in_field_order() -> None:
    new = _activity(
        activity_id=2, title="Utbildning för chefer.", description=None, areas=["Grimsta"]
    )
    old = _activity(description="Text.", areas=["Grimsta", "Vällingby"])
    lines = _changelog(_revision(1, activities=[old]), _revision(2, activities=[new]))
    assert lines == [
        'Aktiviteten "Utbildning för medarbetare om våldsbejakande extremism" heter nu '
        '"Utbildning för chefer".',
        'Aktiviteten "Utbildning för chefer" saknar nu beskrivning.',
        'Aktiviteten "Utbildning för chefer" omfattar inte längre Vällingby.',
    ]


def test_situation_picture_changes() -> None:
    situation = SituationPicture(
        compiled_on=dt.date(2017, 11, 15),
        sources=["Enkät till chefer", "Polisen", "Fältassistenterna"],
        confidential=True,
        summary="Enstaka uttryck.",
        survey=[
            SurveyAnswer(question_key="exit_work", finding="Nej.", yes_count=2, no_count=8),
            SurveyAnswer(question_key="observed_expressions", finding="Enstaka uttryck."),
        ],
        police=[
            PoliceAssessment(environment="white_power", status=E.ACTIVE, text="Ingen aktivitet."),
            PoliceAssessment(environment="lone_actors", status=E.UNKNOWN),
        ],
    )
    diff = diff_revisions(_revision(1), _revision(2, situation=situation), VBE)
    assert diff.situation is not None
    assert [s.question_key for s in diff.situation.survey] == ["observed_expressions", "exit_work"]
    assert [(p.environment, p.status_changed, p.text_changed) for p in diff.situation.police] == [
        ("white_power", True, False),
        ("islamist", True, False),
        ("lone_actors", True, False),
    ]
    assert changelog_sv(diff, VBE) == [
        "Lägesbilden är uppdaterad: sammanställd 2017-11-15 (tidigare 2016-11-01).",
        "Lägesbildens sammanfattning är omarbetad.",
        "Lägesbilden är nu sekretessmarkerad.",
        "Lägesbilden bygger nu även på: Fältassistenterna.",
        'Lägesbilden: frågan "Har enheten sett några uttryck för våldsbejakande extremism i '
        'sin verksamhet?" har fått en slutsats.',
        'Lägesbilden: enkätsvaren på frågan "Jobbar enheten med avhopparverksamhet?" är '
        "ändrade: 1 ja, 9 nej → 2 ja, 8 nej.",
        "Lägesbilden: polisens bedömning av vit makt-miljön ändrad från Inte aktiv till Aktiv.",
        "Lägesbilden: polisens bedömning av den islamistiska extremistmiljön är borttagen.",
        "Lägesbilden: polisen har nu bedömt ensamagerande extremister: Ej bedömd.",
    ]


def test_police_text_only_and_survey_counts_with_respondents() -> None:
    situation = msgspec.structs.replace(
        SITUATION,
        survey=[SurveyAnswer(question_key="exit_work", finding="Nej.", respondents=12)],
        police=[
            PoliceAssessment(environment="white_power", status=E.NOT_ACTIVE, text="Ny text."),
            SITUATION.police[1],
        ],
    )
    assert _changelog(_revision(1), _revision(2, situation=situation)) == [
        'Lägesbilden: enkätsvaren på frågan "Jobbar enheten med avhopparverksamhet?" är '
        "ändrade: 1 ja, 9 nej → 12 svarande.",
        "Lägesbilden: polisens beskrivning av vit makt-miljön är omarbetad.",
    ]


def test_situation_picture_added_or_removed() -> None:
    without = _revision(1, situation=None)
    added = diff_revisions(without, _revision(2), VBE)
    assert added.situation is not None and added.situation.added
    assert [p.environment for p in added.situation.police] == ["white_power", "islamist"]
    assert changelog_sv(added, VBE) == ["Planen har fått en lokal lägesbild."]
    removed = diff_revisions(_revision(2), without, VBE)
    assert removed.situation is not None and removed.situation.removed
    assert changelog_sv(removed, VBE) == ["Lägesbilden är borttagen."]
    assert diff_revisions(without, without).situation is None


def test_without_a_programme_keys_stand_in_for_labels() -> None:
    new = _revision(2, activities=[_activity(activity_id=2, level="hindering")])
    diff = diff_revisions(_revision(1), new)
    assert changelog_sv(diff, None) == [f"{A} är flyttad från nivån preventing till hindering."]


def test_the_diff_is_plain_json() -> None:
    diff = diff_revisions(_revision(1), _revision(2, activities=[]), VBE)
    decoded = msgspec.json.decode(msgspec.json.encode(diff), type=RevisionDiff)
    assert decoded == diff


# --- The registry ------------------------------------------------------------------


def test_registry_diff_refuses_revisions_of_different_plans(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    other_plan = demo_registry.create_plan("bromma", {"programme_id": "vbe"})
    other = demo_registry.create_revision(other_plan.id, {"label": "Vers. 1", "cycle_year": 2017})
    with pytest.raises(ValidationError, match="olika planer"):
        demo_registry.diff_revisions(plan.revisions[0].id, other.id)


def test_registry_diff_of_a_draft_against_itself_and_after_an_edit(
    demo_registry: Registry,
) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    same = demo_registry.diff_revisions(revision_id, revision_id)
    assert same.is_empty and same.changelog == []
    version = demo_registry.get_revision(revision_id).version
    demo_registry.diff_revisions(revision_id, revision_id)
    assert demo_registry.get_revision(revision_id).version == version
