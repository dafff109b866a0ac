"""What chairs and thread owners do to comments: hide (with a reason, logged), record a disposition,
resolve and reopen threads, read earlier texts.

Callers check the permission (MODERATE for hiding, dispositions and earlier texts; `Viewer.may_resolve`
for threads); these functions validate, write, record and queue the live update.
"""
from sqlalchemy import select

from ..extensions import db
from ..models import DISPOSITIONS, Clause, Comment, CommentRevision, Version
from ..models._base import utcnow
from .comment_access import comments_are_public
from .comment_payloads import broadcast
from .errors import Conflict, Invalid
from .notifications import notify
from .record import append_event
from .validation import clean_text


def _record(kind: str, actor, comment: Comment, version: Version, payload: dict | None = None) -> None:
    append_event(kind, actor=actor, subject=comment, working_group_id=version.document.working_group_id,
                 document_id=comment.document_id, payload=payload, public=comments_are_public(version))


def _announce(comment: Comment, counts_change: bool) -> None:
    """Live update for the readers of every version showing the thread (services.comment_payloads)."""
    broadcast("comment_updated", comment, counts_change=counts_change)


def _ensure_not_deleted(comment: Comment) -> None:
    if comment.status == "deleted":
        raise Conflict("That comment has been deleted.")


def set_hidden(actor, comment: Comment, *, hidden: bool = True, reason: str | None = None) -> Comment:
    """Hide a comment from everyone but its author and the chairs, or show it again."""
    _ensure_not_deleted(comment)
    version = db.session.get(Version, comment.version_id)
    if hidden:
        reason = clean_text(reason, "reason", max_length=1000)
        if comment.status == "hidden" and comment.hidden_reason == reason:
            return comment
        comment.status, comment.hidden_reason = "hidden", reason
        comment.hidden_by_id, comment.hidden_at = actor.id, utcnow()
        db.session.flush()
        _record("comment.hidden", actor, comment, version, {"reason": reason})
    else:
        if comment.status != "hidden":
            return comment
        comment.status = "visible"
        db.session.flush()
        _record("comment.unhidden", actor, comment, version, {"reason": comment.hidden_reason})
    _announce(comment, counts_change=comment.resolved_at is None)
    return comment


def set_disposition(actor, comment: Comment, *, disposition, rationale, version_id=None) -> Comment:
    """The chair's answer: accepted, accepted in part, not accepted or noted, with the reasons."""
    _ensure_not_deleted(comment)
    if disposition not in DISPOSITIONS:
        raise Invalid("The disposition must be one of: %(dispositions)s.", field="disposition",
                      dispositions=", ".join(DISPOSITIONS))
    rationale = clean_text(rationale if isinstance(rationale, str) else None, "rationale", max_length=5000)
    version = db.session.get(Version, comment.version_id)
    carrying = None
    if version_id not in (None, ""):
        carrying = db.session.get(Version, version_id) if isinstance(version_id, int) else None
        if carrying is None or carrying.document_id != comment.document_id:
            raise Invalid("Choose a version of this document.", field="version_id")
    comment.disposition, comment.disposition_rationale = disposition, rationale
    comment.disposition_by_id, comment.disposition_at = actor.id, utcnow()
    comment.disposition_version_id = carrying.id if carrying else None
    db.session.flush()
    _record("comment.disposition", actor, comment, version,
            {"disposition": disposition, "rationale": rationale, "version_id": comment.disposition_version_id})
    clause = db.session.get(Clause, comment.clause_id)
    notify("disposition", {comment.author_id}, actor=actor, comment=comment,
           document=version.document, clause=clause, excerpt=f"{DISPOSITIONS[disposition]}: {rationale}")
    _announce(comment, counts_change=False)
    return comment


def set_resolved(actor, comment: Comment, resolved: bool = True) -> Comment:
    """Mark a thread resolved (or open it again); only a thread's first comment carries the state."""
    _ensure_not_deleted(comment)
    if comment.parent_id is not None:
        raise Conflict("Only a whole thread can be resolved: use its first comment.")
    if resolved == (comment.resolved_at is not None):
        return comment
    version = db.session.get(Version, comment.version_id)
    comment.resolved_at, comment.resolved_by_id = (utcnow(), actor.id) if resolved else (None, None)
    db.session.flush()
    _record("comment.resolved" if resolved else "comment.reopened", actor, comment, version)
    _announce(comment, counts_change=True)
    return comment


def comment_revisions(comment: Comment) -> list[CommentRevision]:
    """Earlier texts of an edited comment, oldest first (the current text is on the comment)."""
    return list(db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)
                                   .order_by(CommentRevision.id)))
