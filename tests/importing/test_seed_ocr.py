"""The seed plan's OCR text against its hand transcription (see benchmarks/import_seed.py)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from planregistry.defaults.demo import read_seed
from planregistry.defaults.programme_vbe import VBE
from planregistry.importing import SourceFormat, read_document, source_of
from planregistry.importing.recognise import recognise
from planregistry.importing.swedish import restore_text
from planregistry.importing.yardstick import Figures, measure

SEED_TEXT = "hasselby_vallingby_2017.ocr.txt"


@pytest.fixture(scope="module")
def seed_import():
    data = files("planregistry.defaults").joinpath(SEED_TEXT).read_bytes()
    document = read_document(data, SEED_TEXT)
    proposal = recognise(document, VBE, source_of(data, SEED_TEXT, document), cycle_year=2017)
    return document, proposal


@pytest.fixture(scope="module")
def figures(seed_import) -> Figures:
    document, proposal = seed_import
    return measure(proposal, document, read_seed("hasselby_vallingby_2017.json"))


def test_every_activity_row_is_found_with_level_responsible_partners_and_follow_up(figures):
    assert figures.rows_found == 14
    # Right with actors in the form printed; the transcription gives some in the definite
    # form ("Utbildningsförvaltning" printed, "Utbildningsförvaltningen" transcribed).
    assert figures.rows_right_lenient == 14
    assert figures.rows_right >= 9
    assert all(row.level and row.responsible and row.follow_up_method for row in figures.rows)


def test_every_top_level_heading_is_found_and_mapped_to_the_programme(figures):
    assert figures.headings_found == figures.headings_expected == 11
    assert figures.headings_right == 11


def test_swedish_letters_are_restored_far_more_often_right_than_wrong(figures):
    assert figures.words_restored_right >= 740
    assert figures.words_restored_wrong <= 30
    assert figures.words_missed <= 50


def test_the_original_stands_beside_each_restored_passage(seed_import):
    document, proposal = seed_import
    assert document.format is SourceFormat.OCR_TEXT
    first = proposal.restorations[0]
    assert "rdtt" in first.original and "rätt" in first.restored
    assert first.location.line is not None and first.location.page == 1


def test_the_situation_picture_is_recognised(seed_import):
    _, proposal = seed_import
    assert proposal.scope_exclusions == ["Stadsdelsområdet skolor och gymnasier"]
    assert [a.casefold() for a in proposal.priority_areas] == [
        "grimsta",
        "hässelby gård",
        "smedshagen",
    ]
    situation = proposal.situation
    assert situation is not None
    assert [a.question_key for a in situation.survey] == [q.key for q in VBE.survey_questions]
    assert {p.environment for p in situation.police} == {"white_power", "autonomous", "islamist"}
    assert {p.status for p in situation.police} == {"not_active"}


def test_text_beside_a_table_is_a_finding_with_its_page_and_line(seed_import):
    _, proposal = seed_import
    beside = [f for f in proposal.findings if f.code == "text_beside_table"]
    assert beside
    assert all(f.location is not None and f.location.page and f.location.line for f in beside)


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("forebyggande arbete", "förebyggande arbete"),
        ("Hasselby-Villingby", "Hässelby-Vällingby"),
        ("unga vuxna 18-29 ar.", "unga vuxna 18-29 år."),
        ("stér 1 strid", "står i strid"),
        ("Smedshagen och Grimsta", "Smedshagen och Grimsta"),  # names the list lacks stay
    ],
)
def test_restoring_letters_from_the_swedish_word_list(read, restored):
    assert restore_text(read) == restored
