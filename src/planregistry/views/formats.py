"""The comparison views as files: JSON (msgspec), CSV and Excel (.xlsx, openpyxl).

CSV is written for Excel with Swedish settings, the tool the coordinators open it in:
UTF-8 with a byte-order mark (without it Excel reads å/ä/ö as Latin-1), `;` between
fields and a decimal comma (Swedish Excel's list and decimal separators), dates as
ISO 8601, yes/no as "Ja"/"Nej", nothing as an empty field. The Excel file holds the
same table with real numbers, dates and percentages, and a second sheet naming the
filters and the date of the extract.
"""

from __future__ import annotations

import csv
import io
import re
from enum import StrEnum

import msgspec
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planregistry.views.export import Cell, Column, ColumnKind, Table, table
from planregistry_domain.comparisons import ComparisonView


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.JSON: "application/json",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

CSV_DELIMITER = ";"
YES, NO = "Ja", "Nej"
# Text Excel would run as a formula (CSV injection): such cells get a leading apostrophe.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def render(view: ComparisonView, fmt: ExportFormat | str) -> bytes:
    """The view in the format ("json", "csv" or "xlsx"); `filename(view, fmt)` names it."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.JSON:
        return msgspec.json.encode(view)
    laid_out = table(view)
    return to_csv(laid_out) if fmt is ExportFormat.CSV else to_xlsx(laid_out)


def filename(view: ComparisonView, fmt: ExportFormat | str) -> str:
    return f"jamforelse-{table(view).name}-{view.today.isoformat()}.{ExportFormat(fmt).value}"


def to_csv(data: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([_csv_text(c.heading) for c in data.columns])
    for row in data.rows:
        writer.writerow(
            [_csv_cell(value, column) for value, column in zip(row, data.columns, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _csv_text(value)
    return value.isoformat()


def _csv_text(value: str) -> str:
    return "'" + value if _FORMULA_START.match(value) else value


_NUMBER_FORMATS = {
    ColumnKind.SHARE: "0.0%",
    ColumnKind.DATE: "yyyy-mm-dd",
    ColumnKind.INTEGER: "0",
}


def to_xlsx(data: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = data.title[:31]
    bold = Font(bold=True)
    for index, column in enumerate(data.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=_xlsx_text(column.heading))
        cell.font = bold
        cell.data_type = "s"
        width = min(max(len(column.heading), 8), 40) + 2
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row_index, row in enumerate(data.rows, start=2):
        for index, (value, column) in enumerate(zip(row, data.columns, strict=True), start=1):
            _write_cell(sheet, row_index, index, value, column)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet("Om uttaget")
    about.append(["Vy", data.title])
    for label, value in data.about:
        about.append([label, _xlsx_text(value)])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_cell(sheet: Worksheet, row: int, column: int, value: Cell, spec: Column) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        value = YES if value else NO
    elif isinstance(value, str):
        value = _xlsx_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl stores text starting with "=" as a formula; plan text never is one.
        cell.data_type = "s"
    elif spec.kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[spec.kind]


def _xlsx_text(value: str) -> str:
    # Control characters (OCR leftovers) are not allowed in the XML of a sheet.
    return ILLEGAL_CHARACTERS_RE.sub("", value)
