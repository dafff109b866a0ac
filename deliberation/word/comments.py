"""The threads a Word file of a version carries as comments: the open threads the reader may read on that
version (written on it, or carried onto it from earlier versions, as the version page lists them), each
with its visible comments in order and the range of the clause its words quote. A carried thread
starts with the page's note on where it came from; an orphan waits on the whole clause the page shows it by.

Only visible comments: a hidden or deleted comment is left out even for a chair (a file travels further
than a page), and a thread whose first comment is gone keeps its visible replies, anchored to the whole
clause. Two queries, whatever the number of clauses or comments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Clause, Comment, CommentAnchor, Version
from ..services.comment_access import Viewer
from ..services.threads import with_people

_BLOCK_END = re.compile(r"</p>|<br\s*/?>|</li>|</h\d>|</blockquote>|</pre>", re.I)


@dataclass
class WordThread:
    clause_id: int
    start: int | None  # None: the thread quotes nothing (or its words were not found): the whole clause
    end: int | None
    comments: list[Comment] = field(default_factory=list)  # visible ones, oldest first, root first
    note: str | None = None  # for a thread carried from an earlier version: where from, as the page says

    @property
    def first(self) -> Comment:
        return self.comments[0]


def plain_text(body_html: str) -> list[str]:
    """The sanitized body as plain paragraphs (Word comments here are text, not HTML)."""
    lines = (Markup(part).striptags() for part in _BLOCK_END.split(body_html))
    return [line for line in lines if line]


def _range(status: str, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    if status != "visible" or start is None or end is None or end <= start:
        return None, None
    return start, end


def _carried_note(status: str, clause_key: str, origin: Clause, origin_number: int) -> str:
    """The version page's note on a carried thread (templates/annotations/_carried_note.html)."""
    note = gettext("From version %(version)s, clause %(clause)s", version=origin_number, clause=origin.label)
    if status == "applied":
        return f"{note} · {gettext('applied in this version')}"
    if status == "orphaned" and clause_key != origin.key:
        return f"{note} · {gettext('orphaned: its clause was removed')}"
    if status == "orphaned":
        return f"{note} · {gettext('orphaned: the quoted words are gone')}"
    return note


def word_threads(version: Version, viewer: Viewer) -> dict[int, list[WordThread]]:
    """Per clause id of the version: its open, readable threads, ordered by where they start."""
    if not viewer.can_read:
        return {}
    root = aliased(Comment)
    written = db.session.execute(with_people(
        select(Comment, root.clause_id, root.quote_start, root.quote_end, root.status)
        .join(root, root.id == Comment.root_id)
        .where(Comment.version_id == version.id, root.version_id == version.id, root.resolved_at.is_(None),
               Comment.status == "visible")
        .order_by(Comment.root_id, Comment.id)))
    anchor, origin, origin_version = aliased(CommentAnchor), aliased(Clause), aliased(Version)
    carried = db.session.execute(with_people(
        select(Comment, anchor.clause_id, anchor.quote_start, anchor.quote_end, root.status, anchor.status,
               Clause.key, origin, origin_version.number)
        .join(anchor, anchor.comment_id == Comment.root_id)
        .join(Clause, Clause.id == anchor.clause_id)
        .join(root, root.id == Comment.root_id)
        .join(Version, Version.id == Comment.version_id)
        .join(origin, origin.id == root.clause_id)
        .join(origin_version, origin_version.id == root.version_id)
        .where(Clause.version_id == version.id, anchor.closed_at.is_(None), root.resolved_at.is_(None),
               Comment.document_id == version.document_id, Version.number <= version.number,
               Comment.status == "visible")
        .order_by(Comment.root_id, Comment.id)))
    threads: dict[int, WordThread] = {}
    for comment, clause_id, start, end, root_status, *carried_from in [*written, *carried]:
        thread = threads.get(comment.root_id)
        if thread is None:
            note = _carried_note(*carried_from) if carried_from else None
            if carried_from and carried_from[0] == "orphaned":
                start = end = None
            thread = threads[comment.root_id] = WordThread(clause_id, *_range(root_status, start, end), note=note)
        thread.comments.append(comment)
    by_clause: dict[int, list[WordThread]] = {}
    for thread in sorted(threads.values(), key=lambda t: (t.start is not None, t.start or 0, t.first.id)):
        by_clause.setdefault(thread.clause_id, []).append(thread)
    return by_clause
