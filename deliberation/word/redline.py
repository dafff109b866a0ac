"""A redline of two versions as a Word file with real tracked changes: the later version's text in its
reading order, each clause's words diffed against its predecessor (the compare page's pairing by key and
its word diff), deletions as w:del and insertions as w:ins by "version N" on the day version N was
published. A clause added or removed as a whole is one inserted or deleted paragraph (its paragraph mark
tracked too), so accepting or rejecting it in Word's or LibreOffice's Review pane leaves no empty line.
Numbers and headings are diffed the same way, so a renumbered clause shows the old number struck out.
"""
from __future__ import annotations

from flask_babel import gettext

from ..services.compare import ClauseDiff, Comparison
from ..textdiff import word_diff
from .layout import HEADING_LEVELS, add_body_paragraph, heading_text, new_word_document, to_bytes, version_line
from .ooxml import Revisions

WHOLE = {"new": "insert", "removed": "delete"}


def redline_docx(comparison: Comparison) -> bytes:
    old, new = comparison.old, comparison.new
    revisions = Revisions(gettext("version %(number)s", number=new.number), new.created_at)
    word = new_word_document(new.document)
    word.add_paragraph(gettext("Changes from %(old)s to %(new)s", old=old.label, new=new.label))
    word.add_paragraph(version_line(new))
    for row in comparison.rows:
        _write_row(word, row, revisions)
    return to_bytes(word)


def _heading_pieces(row: ClauseDiff) -> list[tuple[str, str]]:
    before = heading_text(row.old) if row.old is not None else ""
    after = heading_text(row.new) if row.new is not None else ""
    if row.old is None:
        return [("insert", after)] if after else []
    if row.new is None:
        return [("delete", before)] if before else []
    return word_diff(before, after) if before != after else ([("equal", after)] if after else [])


def _write_row(word, row: ClauseDiff, revisions: Revisions) -> None:
    whole = WHOLE.get(row.change)
    clause = row.clause
    headings = _heading_pieces(row)
    if headings:
        heading = word.add_heading("", level=min(clause.depth + 1, HEADING_LEVELS))
        _write_pieces(heading, headings, revisions, whole)
    if row.pieces:
        paragraph = add_body_paragraph(word, clause)
        for kind, text in row.pieces:
            for index, part in enumerate(text.split("\n")):
                if index:  # a line break ends the paragraph; its mark is inserted or deleted with the piece
                    if kind != "equal" or whole:
                        revisions.mark_paragraph(paragraph, whole or kind)
                    paragraph = add_body_paragraph(word, clause)
                revisions.piece(paragraph, kind, part)
        if whole:
            revisions.mark_paragraph(paragraph, whole)


def _write_pieces(paragraph, pieces, revisions: Revisions, whole: str | None) -> None:
    for kind, text in pieces:
        revisions.piece(paragraph, kind, text.replace("\n", " "))
    if whole:
        revisions.mark_paragraph(paragraph, whole)
