"""Reading a reviewed .docx: the body's text as it stood before the reviewer's tracked changes (deleted words
kept, inserted ones left out), one line per paragraph, with every Word comment's range and every tracked
insertion or deletion located in that text.

The file goes through the draft importer's checks first (type, size, a zip archive with a document that does
not inflate past the limit); python-docx's parser does not expand entities, and external relationships are
never followed (nothing here opens a URL). Comments whose range is not in the main text (headers, footers,
footnotes, endnotes) are returned apart: they are listed as not imported.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from ...importer.clauses import DraftImportError
from ...importer.docx import NOT_A_DOCUMENT, _check_package
from ...importer.upload import _extension
from ...importer.clauses import MAX_UPLOAD_BYTES
from ..errors import Invalid, TooLarge

_W_P, _W_T, _W_DEL_TEXT, _W_TAB, _W_BR, _W_CR = (qn(t) for t in (
    "w:p", "w:t", "w:delText", "w:tab", "w:br", "w:cr"))
_INSERTED = {qn("w:ins"), qn("w:moveTo")}
_DELETED = {qn("w:del"), qn("w:moveFrom")}
_RANGE_START, _RANGE_END, _REFERENCE = (qn(t) for t in ("w:commentRangeStart", "w:commentRangeEnd",
                                                        "w:commentReference"))
_SKIPPED = {qn("w:pPr"), qn("w:rPr"), qn("w:instrText"), qn("w:txbxContent"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_ID, _AUTHOR = qn("w:id"), qn("w:author")


@dataclass
class WordComment:
    comment_id: str
    author: str
    text: str
    start: int | None = None  # offsets in ReviewedText.text; None: not found in the main text
    end: int | None = None


@dataclass
class Change:
    kind: str          # "insert" | "delete"
    start: int         # offsets in ReviewedText.text (an insertion has start == end)
    end: int
    text: str          # the inserted or deleted words
    author: str
    paragraph: int     # index of its paragraph
    new_paragraph: bool = False  # a whole paragraph inserted: it has no place in the old text


@dataclass
class ReviewedText:
    text: str                                   # paragraphs joined by "\n", as before the changes
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each in `text`
    comments: list[WordComment] = field(default_factory=list)
    outside: list[WordComment] = field(default_factory=list)  # in headers, footnotes...: not imported
    changes: list[Change] = field(default_factory=list)


def check_upload(filename: str, data: bytes) -> None:
    """The importer's checks on an uploaded file, for a .docx only."""
    if _extension(filename) != ".docx":
        raise Invalid("Upload the reviewed copy as a Word document (.docx).", field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge("The file is larger than the %(limit)s MB limit.", field="file",
                       limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if not data:
        raise Invalid("The file is empty.", field="file")
    _check_package(data)


def read_reviewed(filename: str, data: bytes) -> ReviewedText:
    check_upload(filename, data)
    try:
        document = Document(io.BytesIO(data))
        texts = _comment_texts(document)
        reader = _Reader()
        for paragraph in document.element.body.iter(_W_P):
            if not _inside_text_box(paragraph):
                reader.paragraph(paragraph)
    except DraftImportError:
        raise
    except Exception:  # python-docx and lxml raise many kinds; none of them helps the user
        raise DraftImportError(NOT_A_DOCUMENT, field="file") from None
    result = ReviewedText("\n".join(reader.lines), reader.spans, changes=reader.changes)
    for comment_id, (author, text) in texts.items():
        start, end = reader.ranges.get(comment_id, (None, None))
        if start is None and comment_id in reader.points:
            start = end = reader.points[comment_id]
        comment = WordComment(comment_id, author, text, start, end if end is not None else start)
        (result.comments if start is not None else result.outside).append(comment)
    result.comments.sort(key=lambda c: (c.start, c.end))
    return result


def _comment_texts(document) -> dict[str, tuple[str, str]]:
    """{w:id: (author, the comment's paragraphs as text)} from word/comments.xml."""
    try:
        part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return {}
    element = getattr(part, "element", None)
    if element is None:
        element = parse_xml(part.blob)
    out = {}
    for comment in element.findall(qn("w:comment")):
        paragraphs = ["".join(t.text or "" for t in p.iter(_W_T)).strip() for p in comment.iter(_W_P)]
        out[comment.get(_ID)] = (comment.get(_AUTHOR) or "", "\n\n".join(p for p in paragraphs if p))
    return out


def _inside_text_box(paragraph) -> bool:
    parent = paragraph.getparent()
    while parent is not None:
        if parent.tag == qn("w:txbxContent"):
            return True
        parent = parent.getparent()
    return False


class _Reader:
    def __init__(self):
        self.lines: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.changes: list[Change] = []
        self.ranges: dict[str, list] = {}
        self.points: dict[str, int] = {}
        self.offset = 0  # where the next paragraph starts in the joined text

    def paragraph(self, p) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.inserted_all = True
        self.index = len(self.lines)
        mark = p.find(qn("w:pPr") + "/" + qn("w:rPr"))
        mark_inserted = mark is not None and any(child.tag in _INSERTED for child in mark)
        pending: list[Change] = []
        self.pending = pending
        self._walk(p, None, "")
        text = "".join(self.parts)
        if mark_inserted and pending and all(c.kind == "insert" for c in pending) and not text:
            # A new paragraph: no place in the old text; it is proposed after the paragraph before it.
            words = " ".join(c.text for c in pending).strip()
            if words:
                at = self.offset - 1 if self.lines else 0
                self.changes.append(Change("insert", at, at, words, pending[0].author, self.index - 1,
                                           new_paragraph=True))
            return
        self.lines.append(text)
        self.spans.append((self.offset, self.offset + len(text)))
        for change in pending:
            change.start += self.offset
            change.end += self.offset
        self.changes += pending
        for comment_id, bounds in self.ranges.items():
            for i, value in enumerate(bounds):
                if isinstance(value, tuple) and value[0] == "local":
                    bounds[i] = self.offset + value[1]
        for comment_id, value in list(self.points.items()):
            if isinstance(value, tuple):
                self.points[comment_id] = self.offset + value[1]
        self.offset += len(text) + 1

    def _add(self, text: str, state: str, author: str) -> None:
        if not text:
            return
        if state == "insert":
            last = self.pending[-1] if self.pending else None
            if last is not None and last.kind == "insert" and last.end == self.length and last.author == author:
                last.text += text
            else:
                self.pending.append(Change("insert", self.length, self.length, text, author, self.index))
            return
        if state == "delete":
            last = self.pending[-1] if self.pending else None
            if last is not None and last.kind == "delete" and last.end == self.length and last.author == author:
                last.end += len(text)
                last.text += text
            else:
                self.pending.append(Change("delete", self.length, self.length + len(text), text, author,
                                           self.index))
        self.parts.append(text)
        self.length += len(text)

    def _walk(self, element, state, author) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag in _INSERTED:
                self._walk(child, "insert", child.get(_AUTHOR) or "")
            elif tag in _DELETED:
                self._walk(child, "delete", child.get(_AUTHOR) or "")
            elif tag == _W_T or tag == _W_DEL_TEXT:
                self._add(child.text or "", state, author)
            elif tag == _W_TAB:
                self._add("\t", state, author)
            elif tag in (_W_BR, _W_CR):
                self._add(" ", state, author)
            elif tag == _RANGE_START:
                self.ranges.setdefault(child.get(_ID), [None, None])[0] = ("local", self.length)
            elif tag == _RANGE_END:
                bounds = self.ranges.setdefault(child.get(_ID), [None, None])
                bounds[1] = ("local", self.length)
            elif tag == _REFERENCE:
                self.points.setdefault(child.get(_ID), ("local", self.length))
            else:
                self._walk(child, state, author)
