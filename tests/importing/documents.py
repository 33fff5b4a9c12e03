"""Plans generated as Word and PDF files for the importer's tests (python-docx, fpdf2)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

ACTIVITY_HEADER = ["Aktiviteter", "Ansvarig", "Samverkan", "Uppföljning"]

COMMITTEE_PREVENTING = [
    [
        "Kompetensutveckling för lärare om demokratiuppdraget",
        "Utbildningsförvaltningen",
        "Central samordnare\nPolisen",
        "Uppföljning i verksamhetsberättelsen",
    ],
    [
        "Elevhälsans rutiner vid oro för radikalisering",
        "Utbildningsförvaltningen",
        "Socialförvaltningen",
        "Uppföljning i ILS",
    ],
]
COMMITTEE_HINDERING = [
    [
        "Orosanmälan till socialtjänsten vid misstanke om radikalisering",
        "Utbildningsförvaltningen",
        "Socialtjänsten, Polisen",
        "Enligt samverkansavtal med polisen",
    ],
]


def committee_plan_docx() -> bytes:
    """A specialist committee's plan: title, case number, version line, Heading 1
    sections of the programme, two activity tables."""
    from docx import Document

    doc = Document()
    doc.add_heading("Utbildningsnämndens handlingsplan mot våldsbejakande extremism 2019", 0)
    doc.add_paragraph("Dnr UBN 2019/123")
    doc.add_paragraph("Reviderad 2019-03-14")
    doc.add_heading("Inledning", 1)
    doc.add_paragraph("Utbildningsnämnden ansvarar för stadens skolor och deras demokratiuppdrag.")
    doc.add_heading("Avgränsning", 1)
    doc.add_paragraph(
        "Planen omfattar nämndens verksamheter, vilket innebär att fristående skolor är "
        "undantagna från planen."
    )
    doc.add_heading("Lokal lägesbild", 1)
    doc.add_paragraph("I enkäten ställdes följande frågor till rektorerna:")
    doc.add_paragraph(
        "har sett några uttryck för våldsbejakande extremism i sin verksamhet", style="List Bullet"
    )
    doc.add_paragraph("jobbar med avhopparverksamhet", style="List Bullet")
    doc.add_paragraph(
        "Resultatet av enkäten visar att enheterna inte har sett några uttryck för "
        "våldsbejakande extremism."
    )
    doc.add_heading("Förebyggande arbete", 1)
    doc.add_paragraph("Skolan arbetar med värdegrunden varje dag.")
    _docx_table(doc, ACTIVITY_HEADER, COMMITTEE_PREVENTING)
    doc.add_heading("Förhindrande arbete", 1)
    doc.add_paragraph("Vid oro agerar skolan skyndsamt.")
    _docx_table(doc, ACTIVITY_HEADER, COMMITTEE_HINDERING)
    doc.add_heading("Uppföljning", 1)
    doc.add_paragraph("Planen följs upp i verksamhetsberättelsen.")
    return _docx_bytes(doc)


def council_plan_docx() -> bytes:
    """A district plan with sections of its own: a local crime-prevention council."""
    from docx import Document

    doc = Document()
    doc.add_heading("Lokal handlingsplan mot våldsbejakande extremism 2020", 0)
    doc.add_heading("Inledning", 1)
    doc.add_paragraph("Stadsdelsnämnden antar planen för 2020.")
    doc.add_heading("Lokalt brottsförebyggande råd", 1)
    doc.add_paragraph("Rådet samlar förvaltningen, polisen och bostadsbolagen varje månad.")
    doc.add_heading("Trygghetsvandringar", 2)
    doc.add_paragraph("Två gånger om året går rådet trygghetsvandringar med invånarna.")
    doc.add_heading("Förebyggande arbete", 1)
    doc.add_paragraph("Fritidsgårdarna arbetar med normer.")
    _docx_table(
        doc,
        ACTIVITY_HEADER,
        [
            [
                "Trygghetsvandringar i centrum",
                "Stadsdelsförvaltningen",
                "Polisen; Bostadsbolaget",
                "Uppföljning i ILS",
            ]
        ],
    )
    doc.add_heading("Samverkan med civilsamhället", 1)
    doc.add_paragraph("Föreningarna bjuds in till dialogmöten.")
    return _docx_bytes(doc)


def bullet_plan_docx() -> bytes:
    """A plan with no tables at all: its activities are bullet lists."""
    from docx import Document

    doc = Document()
    doc.add_heading("Handlingsplan mot våldsbejakande extremism 2021", 0)
    doc.add_heading("Inledning", 1)
    doc.add_paragraph("Planen gäller 2021.")
    doc.add_heading("Förebyggande arbete", 1)
    doc.add_paragraph("Förvaltningen arbetar brett.")
    doc.add_heading("Aktiviteter", 2)
    doc.add_paragraph(
        "Föräldraträffar om risker på nätet. Ansvarig: Fältgruppen. Samverkan: Polisen, "
        "Skolan. Uppföljning: Verksamhetsberättelsen.",
        style="List Bullet",
    )
    doc.add_paragraph(
        "Demokratidagar på fritidsgårdarna. Ansvarig: Fritidsenheten. Uppföljning: ILS.",
        style="List Bullet",
    )
    doc.add_heading("Förhindrande arbete", 1)
    doc.add_heading("Aktiviteter", 2)
    doc.add_paragraph(
        "Stöd till den som vill lämna en extremistisk miljö. Ansvarig: Socialtjänsten. "
        "Samverkan: Polisen och Kriminalvården. Uppföljning: Enligt samverkansavtal.",
        style="List Bullet",
    )
    return _docx_bytes(doc)


def _docx_table(doc: object, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _docx_bytes(doc: object) -> bytes:
    out = io.BytesIO()
    doc.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def _pdf() -> object:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    return pdf


def _pdf_heading(pdf: object, text: str, size: int = 15) -> None:
    pdf.set_font("Helvetica", "B", size)  # type: ignore[attr-defined]
    pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
    pdf.ln(2)  # type: ignore[attr-defined]


def _pdf_text(pdf: object, text: str) -> None:
    pdf.set_font("Helvetica", "", 10)  # type: ignore[attr-defined]
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
    pdf.ln(3)  # type: ignore[attr-defined]


def spanning_table_pdf(rows: int = 45) -> bytes:
    """A PDF whose activity table runs over several pages (the header repeated), with a
    running head and page numbers in the margins."""
    pdf = _pdf()

    class Paged(type(pdf)):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, "Stadsdelsförvaltningen - handlingsplan 2022", align="C")
            self.ln(8)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, str(self.page_no()), align="C")

    pdf = Paged(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    _pdf_heading(pdf, "Lokal handlingsplan mot våldsbejakande extremism 2022", 18)
    _pdf_heading(pdf, "Inledning")
    _pdf_text(pdf, "Planen beskriver förvaltningens arbete under 2022. " * 3)
    _pdf_heading(pdf, "Förebyggande arbete")
    _pdf_text(pdf, "Här följer förvaltningens förebyggande aktiviteter.")
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(60, 40, 40, 30), repeat_headings=1) as table:
        table.row(ACTIVITY_HEADER)
        for number in range(1, rows + 1):
            table.row(
                [
                    f"Aktivitet nummer {number} för unga i området",
                    "Stadsdelsförvaltningen",
                    "Polisen\nSkolan",
                    "Uppföljning i ILS",
                ]
            )
    _pdf_heading(pdf, "Uppföljning")
    _pdf_text(pdf, "Planen följs upp årligen.")
    return bytes(pdf.output())


def bullet_plan_pdf() -> bytes:
    pdf = _pdf()
    pdf.add_page()  # type: ignore[attr-defined]
    _pdf_heading(pdf, "Handlingsplan mot våldsbejakande extremism 2021", 18)
    _pdf_heading(pdf, "Förebyggande arbete")
    _pdf_text(pdf, "Förvaltningen arbetar brett.")
    _pdf_heading(pdf, "Aktiviteter", 12)
    _pdf_text(
        pdf,
        "- Föräldraträffar om risker på nätet. Ansvarig: Fältgruppen. Samverkan: Polisen, "
        "Skolan. Uppföljning: Verksamhetsberättelsen.",
    )
    return bytes(pdf.output())  # type: ignore[attr-defined]


def many_pages_pdf(pages: int = 200) -> bytes:
    pdf = _pdf()
    for number in range(pages):
        pdf.add_page()  # type: ignore[attr-defined]
        _pdf_text(pdf, f"Sida {number + 1}.")
    return bytes(pdf.output())  # type: ignore[attr-defined]


def encrypted_pdf() -> bytes:
    pdf = _pdf()
    pdf.set_encryption(owner_password="ägare", user_password="hemligt")  # type: ignore[attr-defined]
    pdf.add_page()  # type: ignore[attr-defined]
    _pdf_text(pdf, "Hemlig plan.")
    return bytes(pdf.output())  # type: ignore[attr-defined]


def zip_bomb_docx(unpacked: int = 120 * 1024 * 1024) -> bytes:
    """A "Word file" whose document.xml unpacks to `unpacked` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return out.getvalue()
