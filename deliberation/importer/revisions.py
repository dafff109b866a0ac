"""Tracked changes and comments in a Word document: counted, and resolved one way or the other.

A reviewer's tracked changes are marks around runs: w:ins (inserted), w:del (deleted, its text in
w:delText), w:moveTo and w:moveFrom (a moved passage, at its new and old place). A paragraph mark can
be inserted or deleted too (w:pPr/w:rPr/w:ins or w:del): a deleted mark joins its paragraph to the
next one. A table row can be inserted or deleted (w:trPr/w:ins or w:del). Formatting changes
(w:pPrChange, w:rPrChange and the like) change no text and are ignored.

`resolve_revisions` rewrites a document body as if every change were accepted, or every change
rejected, so that the converter reads plain runs and paragraphs. Nothing here is kept silently:
the caller counts the changes first and lets the chair choose.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

ACCEPTED, REJECTED = "accepted", "rejected"
MODES = (ACCEPTED, REJECTED)

_INS, _DEL, _MOVE_TO, _MOVE_FROM = (qn(t) for t in ("w:ins", "w:del", "w:moveTo", "w:moveFrom"))
_REVISIONS = (_INS, _DEL, _MOVE_TO, _MOVE_FROM)
# What each choice keeps (the marks are unwrapped) and drops (the marks go with their content).
_KEPT = {ACCEPTED: {_INS, _MOVE_TO}, REJECTED: {_DEL, _MOVE_FROM}}
_DROPPED = {ACCEPTED: {_DEL, _MOVE_FROM}, REJECTED: {_INS, _MOVE_TO}}
_W_P, _W_TBL, _W_TR, _W_PPR, _W_RPR = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:pPr", "w:rPr"))
_DELETED_TEXT = {qn("w:delText"): qn("w:t"), qn("w:delInstrText"): qn("w:instrText")}


def _is_property(element) -> bool:
    """w:rPr, w:trPr, w:numPr...: a revision mark inside one marks the paragraph mark or the row."""
    return element is not None and element.tag.endswith("Pr")


def count_revisions(body) -> int:
    """How many tracked changes of the text the body holds: insertions, deletions and moves of runs,
    inserted or deleted table rows, and paragraph marks inserted or deleted on their own (a whole
    paragraph inserted or deleted is one change, its text and its mark together). Formatting changes
    are not counted."""
    count = 0
    for element in body.iter(*_REVISIONS):
        parent = element.getparent()
        if parent is None or not _is_property(parent):
            count += 1
        elif parent.tag == _W_RPR and parent.getparent().tag == _W_PPR:
            paragraph = parent.getparent().getparent()
            count += not any(child.tag == element.tag for child in paragraph)
        else:
            count += 1
    return count


def count_comments(document) -> int:
    """How many comments the document's comments part (word/comments.xml) holds."""
    try:
        part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return 0
    element = getattr(part, "element", None)
    if element is None:  # read with python-docx's parser, which does not resolve entities
        element = parse_xml(part.blob)
    return len(element.findall(qn("w:comment")))


def resolve_revisions(body, mode: str) -> None:
    """Rewrite `body` in place as if every tracked change were accepted (mode "accepted") or
    rejected ("rejected")."""
    kept, dropped = _KEPT[mode], _DROPPED[mode]
    for row in list(body.iter(_W_TR)):
        row_pr = row.find(qn("w:trPr"))
        if row_pr is not None and any(child.tag in dropped for child in row_pr):
            row.getparent().remove(row)
    for paragraph in list(body.iter(_W_P)):
        mark = paragraph.find(_W_PPR + "/" + _W_RPR)
        if mark is not None and any(child.tag in dropped for child in mark):
            _join_with_next(paragraph)
    for element in list(body.iter(*_REVISIONS)):
        parent = element.getparent()
        if parent is None or _is_property(parent):
            continue  # a mark on a paragraph mark or a row, handled above
        if element.tag in kept:
            _unwrap(element)
        else:
            parent.remove(element)
    if mode == REJECTED:
        for element in list(body.iter(*_DELETED_TEXT)):
            element.tag = _DELETED_TEXT[element.tag]


def _unwrap(element) -> None:
    """Put the element's children in its place."""
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _join_with_next(paragraph) -> None:
    """A removed paragraph mark: the paragraph's content runs on into the next paragraph, which keeps
    its own properties (its mark is the one that remains). Before a table or at the end of a cell or
    of the document there is nothing to join, and the paragraph stays as it is."""
    following = paragraph.getnext()
    while following is not None and following.tag not in (_W_P, _W_TBL):
        following = following.getnext()
    if following is None or following.tag != _W_P:
        return
    content = [child for child in paragraph if child.tag != _W_PPR]
    anchor = following.find(_W_PPR)
    index = following.index(anchor) + 1 if anchor is not None else 0
    for offset, child in enumerate(content):
        following.insert(index + offset, child)
    paragraph.getparent().remove(paragraph)
