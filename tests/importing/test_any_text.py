"""Whatever text comes in, the importer answers with a proposal whose commands are valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planregistry.defaults.programme_vbe import VBE
from planregistry.importing import propose
from planregistry_domain.commands import CreateActivity, PutSection, PutSituation, UpdateRevision
from planregistry_domain.validation import coerce

# Lines like a plan's: headings, sentences, list marks, table words, OCR noise.
WORDS = st.sampled_from(
    [
        "Inledning",
        "Förebyggande",
        "arbete",
        "Aktiviteter",
        "för",
        "Ansvarig",
        "aktör",
        "Samverkan",
        "Uppföljning",
        "i",
        "ILS",
        "Stadsdelsförvaltningen",
        "Polis",
        "|",
        "-",
        "Enligt",
        "samverkansavtal",
        "vald",
        "dr",
        "1",
        "é&r",
        "6ka",
        "Dnr",
        "2019/12",
        "prioriterade",
        "Grimsta,",
        "och",
        "undantagna",
        "är",
        "att",
        "Polisen",
        "inte",
        "aktivitet",
        ".",
        "x" * 40,
        "Lokal",
        "lägesbild",
        "- har",
        "sett",
        "•",
    ]
)
LINES = st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=60).map("\n".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        LINES,
        # A NUL makes it binary (a clear UnreadableDocument, tested in test_bad_files).
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=400),
    )
)
def test_any_text_gives_a_proposal_whose_commands_validate(text: str) -> None:
    proposal = propose(text.encode(), "x.txt", VBE)
    for section in proposal.sections:
        coerce(PutSection, proposal.section_command(section))
    for activity in proposal.activities:
        coerce(CreateActivity, activity.command())
    if proposal.situation is not None:
        coerce(PutSituation, proposal.situation)
    coerce(
        UpdateRevision,
        UpdateRevision(
            label=proposal.label,
            case_numbers=proposal.case_numbers,
            scope_exclusions=proposal.scope_exclusions,
            priority_areas=proposal.priority_areas,
        ),
    )
