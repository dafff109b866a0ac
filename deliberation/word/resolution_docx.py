"""The comment-resolution table as a Word file: the document's title, the version line, then one table in
landscape with the ISO/IEC template's columns, its header row repeated on every page.

python-docx's table API re-reads the whole table for each new row, so rows are written as XML directly
(one <w:tr> per comment): the table of 10,000 comments takes seconds, not minutes.
"""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from flask_babel import gettext

from ..models import Version
from .layout import new_word_document, to_bytes, version_line
from .resolution import COLUMNS, ResolutionRow

WIDTHS_CM = (1.2, 3.4, 1.8, 1.8, 2.4, 6.4, 3.9, 4.0)  # 24.9 cm: a Letter (and A4) landscape page less its margins


def _landscape(word) -> None:
    section = word.sections[0]
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = max(width, height), min(width, height)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))


def _paragraphs(cell, text: str, bold: bool = False) -> None:
    """Fill a new <w:tc> with one paragraph per line of text."""
    for line in text.split("\n") if text else [""]:
        paragraph = OxmlElement("w:p")
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "18")  # 9 pt: eight columns across a page
        properties.append(size)
        run.append(properties)
        value = OxmlElement("w:t")
        value.set(qn("xml:space"), "preserve")
        value.text = line
        run.append(value)
        paragraph.append(run)
        cell.append(paragraph)


def _row(values, widths, header: bool = False):
    row = OxmlElement("w:tr")
    if header:
        properties = OxmlElement("w:trPr")
        properties.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        row.append(properties)
    for value, width in zip(values, widths):
        cell = OxmlElement("w:tc")
        cell_properties = OxmlElement("w:tcPr")
        cell_width = OxmlElement("w:tcW")
        cell_width.set(qn("w:w"), str(width))
        cell_width.set(qn("w:type"), "dxa")
        cell_properties.append(cell_width)
        cell.append(cell_properties)
        _paragraphs(cell, _clean(str(value)), bold=header)
        row.append(cell)
    return row


def _clean(text: str) -> str:
    """Control characters other than line breaks cannot be in a Word file's XML."""
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)


def resolution_docx(version: Version, rows: list[ResolutionRow]) -> bytes:
    word = new_word_document(version.document)
    _landscape(word)
    word.add_paragraph(version_line(version))
    word.add_heading(gettext("Comment-resolution table"), level=1)
    if not rows:
        word.add_paragraph(gettext("No comments were written on this version."))
    table = word.add_table(rows=0, cols=len(COLUMNS))
    table.style = "Table Grid"
    twips = [int(Cm(width).twips) for width in WIDTHS_CM]
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), twips):
        column.set(qn("w:w"), str(width))
    element = table._tbl
    element.append(_row(COLUMNS, twips, header=True))
    for row in rows:
        element.append(_row(row.cells, twips))
    return to_bytes(word)
