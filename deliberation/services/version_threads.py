"""A whole version's discussion at a glance: per clause, its open threads and readable comments, and the
quoted words to highlight; threads carried onto a clause from earlier versions count where they are shown.
A few aggregate queries for the whole version, whatever its size."""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import Clause, Comment, CommentAnchor, Version


@dataclass(frozen=True)
class ClauseCounts:
    open_threads: int
    comments: int


def _open_root():
    return case((and_(Comment.parent_id.is_(None), Comment.resolved_at.is_(None)), 1), else_=0)


def version_counts(version: Version) -> dict[int, ClauseCounts]:
    """Per clause: open threads and readable comments, written there or carried there: two aggregate queries.

    A carried thread counts its comments from earlier versions here; those written on this version are
    on this version's clause and counted with it."""
    rows = list(db.session.execute(
        select(Comment.clause_id, func.sum(_open_root()), func.count())
        .where(Comment.version_id == version.id, Comment.status == "visible").group_by(Comment.clause_id)))
    rows += db.session.execute(
        select(CommentAnchor.clause_id, func.sum(_open_root()), func.count())
        .join(Clause, Clause.id == CommentAnchor.clause_id)
        .join(Comment, and_(Comment.root_id == CommentAnchor.comment_id, Comment.document_id == version.document_id))
        .join(Version, Version.id == Comment.version_id)
        .where(Clause.version_id == version.id, CommentAnchor.closed_at.is_(None), Comment.status == "visible",
               Version.number < version.number)
        .group_by(CommentAnchor.clause_id))
    counts: dict[int, ClauseCounts] = {}
    for clause_id, open_count, total in rows:
        before = counts.get(clause_id, ClauseCounts(0, 0))
        counts[clause_id] = ClauseCounts(before.open_threads + int(open_count or 0), before.comments + total)
    return counts


def version_highlights(version: Version) -> dict[int, list[list]]:
    """Per clause: [start, end, root id, resolved] of each readable quoted thread, written there or carried
    there (where its words were found again), in two queries."""
    written = db.session.execute(
        select(Comment.clause_id, Comment.quote_start, Comment.quote_end, Comment.id, Comment.resolved_at)
        .where(Comment.version_id == version.id, Comment.parent_id.is_(None), Comment.status == "visible",
               Comment.quote_start.is_not(None)))
    carried = db.session.execute(
        select(CommentAnchor.clause_id, CommentAnchor.quote_start, CommentAnchor.quote_end, Comment.id,
               Comment.resolved_at)
        .join(Clause, Clause.id == CommentAnchor.clause_id).join(Comment, Comment.id == CommentAnchor.comment_id)
        .where(Clause.version_id == version.id, CommentAnchor.status != "orphaned", Comment.status == "visible",
               CommentAnchor.quote_start.is_not(None)))
    highlights: dict[int, list[list]] = {}
    for clause_id, start, end, comment_id, resolved_at in sorted([*written, *carried], key=lambda row: (row[0], row[1])):
        highlights.setdefault(clause_id, []).append([start, end, comment_id, resolved_at is not None])
    return highlights
