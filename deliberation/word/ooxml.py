"""The WordprocessingML python-docx does not write for us: plain runs appended to a paragraph, and tracked
changes (w:ins / w:del around runs, and on a paragraph mark) as Word and LibreOffice expect them, so the
Review pane can step through each change and accept or reject it."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def word_date(value: datetime) -> str:
    """ST_DateTime as Word writes it: UTC, seconds, a Z."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text_element(tag: str, text: str):
    element = OxmlElement(tag)
    element.text = text
    element.set(XML_SPACE, "preserve")  # leading and trailing spaces are part of the words
    return element


def plain_run(paragraph, text: str):
    """Append a run of text to a python-docx paragraph; returns the python-docx Run."""
    return paragraph.add_run(text)


class Revisions:
    """Makes tracked-change wrappers for one author and date, numbering them uniquely in the document."""

    def __init__(self, author: str, date: datetime):
        self.author = author
        self.date = word_date(date)
        self._ids = itertools.count(1)

    def _mark(self, tag: str):
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element

    def inserted_run(self, paragraph, text: str) -> None:
        """<w:ins><w:r><w:t>text</w:t></w:r></w:ins> at the end of the paragraph."""
        wrapper = self._mark("w:ins")
        run = OxmlElement("w:r")
        run.append(_text_element("w:t", text))
        wrapper.append(run)
        paragraph._p.append(wrapper)

    def deleted_run(self, paragraph, text: str) -> None:
        """<w:del><w:r><w:delText>text</w:delText></w:r></w:del>: deleted words keep their own element."""
        wrapper = self._mark("w:del")
        run = OxmlElement("w:r")
        run.append(_text_element("w:delText", text))
        wrapper.append(run)
        paragraph._p.append(wrapper)

    def mark_paragraph(self, paragraph, kind: str) -> None:
        """Track the paragraph mark itself (kind "insert" or "delete"): a whole new or removed paragraph
        then shows, and is accepted or rejected, as one paragraph rather than words left in an empty one."""
        properties = paragraph._p.get_or_add_pPr()
        run_properties = properties.find(qn("w:rPr"))
        if run_properties is None:
            run_properties = OxmlElement("w:rPr")
            properties.append(run_properties)  # w:rPr comes last in w:pPr
        run_properties.append(self._mark("w:ins" if kind == "insert" else "w:del"))

    def piece(self, paragraph, kind: str, text: str) -> None:
        """One piece of a word diff: equal text as a plain run, the others tracked."""
        if not text:
            return
        if kind == "insert":
            self.inserted_run(paragraph, text)
        elif kind == "delete":
            self.deleted_run(paragraph, text)
        else:
            plain_run(paragraph, text)
