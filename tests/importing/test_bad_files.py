"""Files that are not plans, or not readable, or too large: a clear error or findings."""

from __future__ import annotations

import io
import zipfile

import pytest

from planregistry.defaults.programme_vbe import VBE
from planregistry.importing import DocumentTooLarge, Limits, UnreadableDocument, propose
from planregistry_domain.errors import ValidationError
from tests.importing import documents


def test_an_encrypted_pdf_is_refused_as_unreadable():
    with pytest.raises(UnreadableDocument, match="krypterad"):
        propose(documents.encrypted_pdf(), "låst.pdf", VBE)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        documents.spanning_table_pdf(rows=3)[:1500],
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>",
    ],
    ids=["garbage", "truncated", "no-pages"],
)
def test_a_corrupt_pdf_is_refused_as_unreadable(data):
    with pytest.raises(UnreadableDocument):
        propose(data, "trasig.pdf", VBE)


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = documents.zip_bomb_docx()
    assert len(bomb) < 1_000_000
    with pytest.raises(DocumentTooLarge, match="zip-bomb"):
        propose(bomb, "bomb.docx", VBE)


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hej")
    with pytest.raises(UnreadableDocument, match="inget Word-dokument"):
        propose(out.getvalue(), "arkiv.docx", VBE)


def test_a_pdf_of_200_pages_is_refused_by_the_page_limit():
    with pytest.raises(DocumentTooLarge, match="200 sidor"):
        propose(documents.many_pages_pdf(200), "tjock.pdf", VBE)


def test_a_file_over_the_size_limit_is_refused_unread():
    with pytest.raises(DocumentTooLarge):
        propose(b"a" * 2000, "stor.txt", VBE, limits=Limits(max_bytes=1000))


def test_a_binary_file_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    with pytest.raises(UnreadableDocument):
        propose(png, "bild.png", VBE)


def test_a_text_that_is_not_a_plan_gives_findings_not_a_crash():
    recipe = "Kanelbullar\n\nBlanda mjöl, smör och socker. Grädda i 225 grader i tio minuter.\n"
    proposal = propose(recipe.encode(), "recept.txt", VBE)
    assert proposal.activities == []
    codes = {f.code for f in proposal.findings}
    assert {"no_activities", "no_cycle_year"} <= codes
    assert not [s for s in proposal.sections if not s.own]


def test_unreadable_documents_are_validation_errors():
    # The API answers every ValidationError with 422 problem details.
    assert issubclass(UnreadableDocument, ValidationError)


def test_restoring_letters_is_bounded_in_time_and_says_where_it_stopped():
    text = b"Inledning\n\nDet dr viktigt att forebygga vald.\n"
    proposal = propose(text, "ocr.txt", VBE, limits=Limits(max_restore_seconds=0))
    (stopped,) = [f for f in proposal.findings if f.code == "letters_not_restored"]
    assert stopped.location is not None and stopped.location.line == 1
    assert "forebygga" in proposal.sections[0].body


def test_reading_a_pdf_is_bounded_in_time():
    with pytest.raises(DocumentTooLarge, match="för lång tid"):
        propose(
            documents.spanning_table_pdf(rows=3), "p.pdf", VBE, limits=Limits(max_pdf_seconds=0)
        )
