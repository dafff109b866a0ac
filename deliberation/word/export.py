"""A version as a Word file: the title, the version's label, status and date, then every clause in reading
order with its number and heading (nested clauses one heading level and one indent deeper) and its text;
optionally the open threads the reader may see as real Word comments, each anchored on the words it
quotes (or on the whole clause), its replies folded into the same comment in order.

Word anchors a comment on whole runs, so a clause's text is cut into runs at every quote's start and end
(and at line breaks, which become paragraphs). A fixed number of queries: the clauses, and the threads.
"""
from __future__ import annotations

import re

from docx.oxml.ns import qn
from flask_babel import format_date, gettext
from sqlalchemy import select

from ..extensions import db
from ..models import COMMENT_KINDS, Clause, Comment, Version
from ..services.comment_access import Viewer
from ..services.threads import author_name
from .comments import WordThread, plain_text, word_threads
from .layout import add_body_paragraph, add_heading, new_word_document, to_bytes, version_line
from .ooxml import word_date


def version_docx(version: Version, viewer: Viewer | None = None) -> bytes:
    """The version as .docx bytes; with a viewer, with the open threads that viewer may read."""
    clauses = db.session.scalars(select(Clause).where(Clause.version_id == version.id).order_by(Clause.position))
    threads = word_threads(version, viewer) if viewer is not None else {}
    word = new_word_document(version.document)
    word.add_paragraph(version_line(version))
    for clause in clauses:
        runs = _write_clause(word, clause, threads.get(clause.id, []))
        for thread in threads.get(clause.id, []):
            _add_comment(word, thread, runs)
    return to_bytes(word)


class ClauseRuns:
    """The runs one clause was written as, findable by the character offsets where they start and end."""

    def __init__(self):
        self.all = []
        self.starting: dict[int, object] = {}
        self.ending: dict[int, object] = {}

    def span(self, start: int | None, end: int | None) -> list:
        """The first and last run of the quoted range, or every run of the clause."""
        if start is not None:
            first = self.starting.get(start) or self.starting.get(start + 1)  # a quote may start on a line break
            last = self.ending.get(end) or self.ending.get(end - 1)
            if first is not None and last is not None:
                return [first, last]
        return self.all


def _cuts(text: str, threads: list[WordThread]) -> list[int]:
    cuts = {0, len(text)}
    for thread in threads:
        if thread.start is not None:
            cuts |= {min(thread.start, len(text)), min(thread.end, len(text))}
    for line_break in re.finditer("\n", text):
        cuts |= {line_break.start(), line_break.end()}
    return sorted(cuts)


def _write_clause(word, clause: Clause, threads: list[WordThread]) -> ClauseRuns:
    runs = ClauseRuns()
    heading = add_heading(word, clause)
    if heading is not None:
        runs.all += heading.runs
    paragraph = add_body_paragraph(word, clause) if clause.text or not runs.all else None
    cuts = _cuts(clause.text, threads)
    for start, end in zip(cuts, cuts[1:]):
        segment = clause.text[start:end]
        if segment == "\n":
            paragraph = add_body_paragraph(word, clause)
            continue
        run = paragraph.add_run(segment)
        runs.all.append(run)
        runs.starting[start], runs.ending[end] = run, run
    if not runs.all:  # neither heading nor text: an empty run still gives a comment somewhere to sit
        runs.all.append(paragraph.add_run(""))
    return runs


def _signature(comment: Comment) -> str:
    group = comment.stakeholder_group.name if comment.stakeholder_group is not None else None
    return f"{author_name(comment)} ({group})" if group else author_name(comment)


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isalpha())[:3].upper()


def _body(comment: Comment) -> list[str]:
    lines = plain_text(comment.body_html)
    if comment.kind != "comment":
        lines = [f"{gettext(COMMENT_KINDS[comment.kind])}: {lines[0] if lines else ''}", *lines[1:]]
    if comment.replacement_text:
        lines.append(gettext("Proposed text: %(text)s", text=comment.replacement_text))
    return lines


def _add_comment(word, thread: WordThread, runs: ClauseRuns) -> None:
    first = thread.first
    lines = ([thread.note] if thread.note else []) + _body(first)
    for reply in thread.comments[1:]:
        lines.append(gettext("Reply from %(author)s, %(date)s:", author=_signature(reply),
                             date=format_date(reply.created_at, "medium")))
        lines += _body(reply)
    author = _signature(first)
    comment = word.add_comment(runs.span(thread.start, thread.end), text=lines[0] if lines else "",
                               author=author, initials=_initials(author_name(first)))
    comment._comment_elm.set(qn("w:date"), word_date(first.created_at))
    for line in lines[1:]:
        comment.add_paragraph(line)
