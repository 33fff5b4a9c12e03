"""Every view exported as JSON, CSV and Excel reads back with the same numbers and å/ä/ö."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import msgspec
import pytest
from openpyxl import load_workbook

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.views.export import ColumnKind, table
from planregistry.views.formats import ExportFormat, render

METHODS = (
    "status_board",
    "activity_coverage",
    "partner_matrix",
    "situation_comparison",
    "follow_up_progress",
)


@pytest.fixture
def generated(demo_registry: Registry) -> Registry:
    generate(demo_registry.engine, 12, seed=5)
    return demo_registry


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _from_csv(text: str, kind: ColumnKind) -> Any:
    if text == "":
        return None
    if kind is ColumnKind.INTEGER:
        return int(text)
    if kind is ColumnKind.SHARE:
        return float(text.replace(",", "."))
    if kind is ColumnKind.DATE:
        return dt.date.fromisoformat(text)
    if kind is ColumnKind.YES_NO:
        return {"Ja": True, "Nej": False}[text]
    return text


def _from_xlsx(value: Any, kind: ColumnKind) -> Any:
    if kind is ColumnKind.DATE and isinstance(value, dt.datetime):
        return value.date()
    if kind is ColumnKind.YES_NO and value is not None:
        return {"Ja": True, "Nej": False}[value]
    return value


@pytest.mark.parametrize("method", METHODS)
def test_csv_and_xlsx_read_back_as_the_table(generated: Registry, method: str) -> None:
    view = getattr(generated, method)()
    expected = table(view)
    kinds = [c.kind for c in expected.columns]
    headings = [c.heading for c in expected.columns]

    from_csv = _csv(render(view, ExportFormat.CSV))
    assert from_csv[0] == headings
    assert [[_from_csv(v, k) for v, k in zip(r, kinds, strict=True)] for r in from_csv[1:]] == [
        list(r) for r in expected.rows
    ]

    from_xlsx = _xlsx(render(view, ExportFormat.XLSX))
    assert from_xlsx[0] == headings
    assert [[_from_xlsx(v, k) for v, k in zip(r, kinds, strict=True)] for r in from_xlsx[1:]] == [
        list(r) for r in expected.rows
    ]
    assert len(expected.rows) == len(view.rows)


def _decimal(text: str) -> float | None:
    return float(text.replace(",", ".")) if text else None


def _column(rows: list[list[Any]], heading: str) -> list[Any]:
    index = rows[0].index(heading)
    return [r[index] for r in rows[1:]]


def test_status_board_exports_match_the_json(generated: Registry) -> None:
    view = generated.status_board()
    as_json = msgspec.json.decode(render(view, ExportFormat.JSON))
    rows = as_json["rows"]
    from_csv = _csv(render(view, ExportFormat.CSV))
    from_xlsx = _xlsx(render(view, ExportFormat.XLSX))
    for heading in ("Organisation", "Typ", "Gällande revision", "Godkänd av KS"):
        assert heading in from_csv[0] and heading in from_xlsx[0]
    for heading in ("Pågående revision", "Status", "Nästa revidering", "Försenad"):
        assert heading in from_csv[0] and heading in from_xlsx[0]
    names = [r["organization_name"] for r in rows]
    assert "Hässelby-Vällingby stadsdelsförvaltning" in names
    assert any("ö" in n or "ä" in n or "å" in n for n in names if n.endswith(")"))
    assert _column(from_csv, "Organisation") == names
    assert _column(from_xlsx, "Organisation") == names
    approved = [r["in_force"]["approved_on"] if r["in_force"] else None for r in rows]
    assert _column(from_csv, "Godkänd av KS") == [a or "" for a in approved]
    assert [d.date().isoformat() if d else None for d in _column(from_xlsx, "Godkänd av KS")] == (
        approved
    )
    overdue = ["Ja" if r["overdue"] else "Nej" for r in rows]
    assert _column(from_csv, "Försenad") == overdue == _column(from_xlsx, "Försenad")
    statuses = _column(from_csv, "Status")
    assert {"Utkast", "Väntar på kommunstyrelsen"} <= set(statuses)


def test_numbers_in_every_format_are_the_json_numbers(generated: Registry) -> None:
    coverage = generated.activity_coverage()
    rows = msgspec.json.decode(render(coverage, ExportFormat.JSON))["rows"]
    heading = "Nivå: Förebyggande"
    preventing = [r["levels"].get("preventing") for r in rows]
    assert [int(v) if v else None for v in _column(_csv(render(coverage, "csv")), heading)] == [
        p if p is not None else None for p in preventing
    ]
    assert _column(_xlsx(render(coverage, ExportFormat.XLSX)), heading) == preventing

    situation = generated.situation_comparison()
    rows = msgspec.json.decode(render(situation, ExportFormat.JSON))["rows"]
    question = situation.questions[0]
    heading = f"{question.text} – andel ja"
    shares = [r["survey"][0]["share_yes"] if r["survey"] else None for r in rows]
    assert any(s is not None for s in shares)
    from_csv = [
        float(v.replace(",", ".")) if v else None
        for v in _column(_csv(render(situation, ExportFormat.CSV)), heading)
    ]
    assert from_csv == shares
    assert _column(_xlsx(render(situation, ExportFormat.XLSX)), heading) == shares

    progress = generated.follow_up_progress()
    rows = msgspec.json.decode(render(progress, ExportFormat.JSON))["rows"]
    done = [r["counts"]["done"] for r in rows]
    done_share = [r["shares"]["done"] for r in rows]
    from_csv_rows = _csv(render(progress, ExportFormat.CSV))
    assert [int(v) for v in _column(from_csv_rows, "Genomförd")] == done
    assert [
        float(v.replace(",", ".")) if v else None
        for v in _column(from_csv_rows, "Genomförd (andel)")
    ] == done_share
    from_xlsx_rows = _xlsx(render(progress, ExportFormat.XLSX))
    assert _column(from_xlsx_rows, "Ej rapporterad") == [r["counts"]["not_reported"] for r in rows]


def test_text_that_looks_like_a_formula_stays_text(demo_registry: Registry) -> None:
    demo_registry.create_organization(
        {
            "id": "formel",
            "name": '=HYPERLINK("http://example.invalid","Öppna")',
            "kind": "district",
            "committee": "Nämnd",
            "municipality": "stockholm",
        }
    )
    view = demo_registry.status_board()
    assert "'=HYPERLINK" in render(view, ExportFormat.CSV).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(render(view, ExportFormat.XLSX))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert [c.data_type for c in cells] == ["s"]


def test_excel_file_names_its_filters_on_a_second_sheet(demo_registry: Registry) -> None:
    view = demo_registry.follow_up_progress({"kind": "district", "period": "2017-VB"})
    book = load_workbook(io.BytesIO(render(view, ExportFormat.XLSX)))
    assert book.sheetnames == ["Uppföljning per period", "Om uttaget"]
    about = {row[0]: row[1] for row in book["Om uttaget"].iter_rows(values_only=True)}
    assert about["Typ"] == "Stadsdelsnämnd" and about["Period"] == "2017-VB"
