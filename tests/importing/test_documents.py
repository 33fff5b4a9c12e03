"""Word and PDF plans generated here, of other shapes than the seed's, read back."""

from __future__ import annotations

import pytest

from planregistry.defaults.programme_vbe import VBE
from planregistry.importing import SourceFormat, propose
from tests.importing import documents


def test_a_specialist_committees_plan_from_word():
    proposal = propose(documents.committee_plan_docx(), "utbildning.docx", VBE)
    assert proposal.source.format is SourceFormat.DOCX
    assert proposal.title == "Utbildningsnämndens handlingsplan mot våldsbejakande extremism 2019"
    assert proposal.version_line == "Reviderad 2019-03-14"
    assert proposal.case_numbers == ["UBN 2019/123"]
    assert proposal.cycle_year == 2019
    assert [s.key for s in proposal.sections] == [
        "introduction",
        "scope",
        "situation",
        "prevention",
        "hindering",
        "follow_up",
    ]
    assert proposal.scope_exclusions == ["Fristående skolor"]
    rows = [
        (a.level, a.title, a.responsible, a.partners, a.follow_up_method)
        for a in proposal.activities
    ]
    assert rows == [
        (
            "preventing",
            "Kompetensutveckling för lärare om demokratiuppdraget",
            "Utbildningsförvaltningen",
            ["Central samordnare", "Polisen"],
            "Uppföljning i verksamhetsberättelsen",
        ),
        (
            "preventing",
            "Elevhälsans rutiner vid oro för radikalisering",
            "Utbildningsförvaltningen",
            ["Socialförvaltningen"],
            "Uppföljning i ILS",
        ),
        (
            "hindering",
            "Orosanmälan till socialtjänsten vid misstanke om radikalisering",
            "Utbildningsförvaltningen",
            ["Socialtjänsten", "Polisen"],
            "Enligt samverkansavtal med polisen",
        ),
    ]
    situation = proposal.situation
    assert situation is not None
    assert [a.question_key for a in situation.survey] == ["observed_expressions", "exit_work"]
    missing = {f.message for f in proposal.findings if f.code == "missing_section"}
    assert "Avsnittet ”Stöd till anhöriga” finns inte i dokumentet." in missing


def test_a_plans_own_sections_are_kept_as_its_own():
    proposal = propose(documents.council_plan_docx(), "brå.docx", VBE)
    sections = [(s.key, s.heading, s.own) for s in proposal.sections]
    assert sections == [
        ("introduction", "Inledning", False),
        ("lokalt_brottsforebyggande_rad", "Lokalt brottsförebyggande råd", True),
        ("prevention", "Förebyggande arbete", False),
        ("samverkan_med_civilsamhallet", "Samverkan med civilsamhället", True),
    ]
    council = proposal.sections[1]
    assert "### Trygghetsvandringar" in council.body
    assert proposal.activities[0].partners == ["Polisen", "Bostadsbolaget"]


def test_an_activity_table_running_over_pages_is_one_table():
    proposal = propose(documents.spanning_table_pdf(rows=45), "lång.pdf", VBE)
    assert proposal.source.format is SourceFormat.PDF
    assert proposal.source.pages is not None and proposal.source.pages >= 3
    titles = [a.title for a in proposal.activities]
    assert titles == [f"Aktivitet nummer {n} för unga i området" for n in range(1, 46)]
    assert {a.level for a in proposal.activities} == {"preventing"}
    assert all(a.partners == ["Polisen", "Skolan"] for a in proposal.activities)
    # The running head and the page numbers are not text of the plan.
    bodies = " ".join(s.body for s in proposal.sections)
    assert "handlingsplan 2022" not in bodies
    assert not [f for f in proposal.findings if f.code == "unplaced_text"]
    assert [s.key for s in proposal.sections] == ["introduction", "prevention", "follow_up"]


@pytest.mark.parametrize("make", [documents.bullet_plan_docx, documents.bullet_plan_pdf])
def test_a_plan_without_tables_gives_its_bulleted_activities(make):
    proposal = propose(make(), "punkter", VBE)
    first = proposal.activities[0]
    assert first.title == "Föräldraträffar om risker på nätet"
    assert first.level == "preventing"
    assert first.responsible == "Fältgruppen"
    assert first.partners == ["Polisen", "Skolan"]
    assert first.follow_up_method == "Verksamhetsberättelsen"


def test_bulleted_activities_take_their_level_from_the_section():
    proposal = propose(documents.bullet_plan_docx(), "punkter.docx", VBE)
    last = proposal.activities[-1]
    assert last.level == "hindering"
    assert last.partners == ["Polisen", "Kriminalvården"]
