"""The comment-resolution table as an Excel workbook (.xlsx, openpyxl in write-only mode: rows stream out,
so 10,000 comments take well under the 2 s budget): one sheet, a header row that stays in view and carries
filters, wrapped text in the long columns.

Every value is written as a string cell, never a formula: a comment starting with "=" stays text in Excel
and LibreOffice (no formula injection). Characters XML cannot carry (control characters) are dropped.
"""
from __future__ import annotations

import io
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .resolution import COLUMNS, ResolutionRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (8, 24, 10, 9, 13, 60, 40, 40)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")


def _styled(sheet, alignment: Alignment, **style):
    """The style of a prototype cell, to copy onto many: setting a style per cell hashes it every time."""
    cell = WriteOnlyCell(sheet)
    cell.alignment = alignment
    for name, value in style.items():
        setattr(cell, name, value)
    return cell._style


def _text(sheet, value, style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell._style = copy(style)
    return cell


def _number(sheet, value: int, style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell._style = copy(style)
    return cell


def _height(texts: list[str]) -> float | None:
    """Points for a row whose wrapped cells need several lines (LibreOffice does not size rows of a
    streamed sheet itself); None for a one-line row. About 1.15 characters per unit of column width."""
    lines = 1
    for text, width in zip(texts, WIDTHS[1:]):
        per_line = max(1, int(width * 1.15))
        lines = max(lines, sum(len(line) // per_line + 1 for line in text.split("\n")))
    return min(409, 15 * lines) if lines > 1 else None


def _placed(cells: list[WriteOnlyCell], row_index: int):
    """Every cell of an appended row already made and styled here: only its place is left to set. (openpyxl's
    own step first tries each cell as a value and catches the error: a third of the sheet's time.)"""
    for column, cell in enumerate(cells, start=1):
        cell.column, cell.row = column, row_index
        yield cell


def resolution_xlsx(title: str, sheet_title: str, rows: list[ResolutionRow]) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet._values_to_row = _placed  # openpyxl 3.1.5 (pinned): the step between append() and the XML writer
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"  # printed: the header on every page, the columns across one page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    heading = _styled(sheet, _WRAP, font=_HEADER_FONT, fill=_HEADER_FILL)
    wrapped, top = _styled(sheet, _WRAP), _styled(sheet, _TOP)
    sheet.append([_text(sheet, str(name), heading) for name in COLUMNS])
    sheet.row_dimensions[1].height = 30
    for index, row in enumerate(rows, start=2):
        ref, *texts = row.cells
        height = _height(texts)
        if height:
            sheet.row_dimensions[index].height = height
        sheet.append([_number(sheet, ref, top), *(_text(sheet, value, wrapped) for value in texts)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
