"""Writing comments: annotations and replies on a clause, edits with their history, deletion.

The caller has checked Permission.COMMENT on the version (and, for edits, that the actor may write
there at all); these functions check everything that depends on the input and on the comment's
state, write, flush, record the event, queue notifications and queue the live update.
"""
import hashlib

from sqlalchemy import select

from ..anchoring import SelectorError, selector_from_input
from ..extensions import db
from ..models import COMMENT_KINDS, Clause, Comment, CommentRevision, Notification, Version
from ..models._base import utcnow
from ..sanitize import MAX_BODY_CHARS, render_markdown_with_mentions
from ..security import membership_in
from .comment_access import comments_are_public
from .comment_payloads import broadcast
from .errors import Conflict, Forbidden, Invalid, Term
from .mentions import group_mentions, known_handles, mentioned_chairs
from .notifications import excerpt_of, notify, notify_chairs_of_comment
from .notifications.follows import thread_followers
from .record import append_event
from .search.saved import notify_saved_searches
from .threads import thread_shown_on


def _clean_body(body) -> str:
    if not isinstance(body, str) or not body.strip():
        raise Invalid("Write something first: the comment is empty.", field="body")
    if len(body) > MAX_BODY_CHARS:
        raise Invalid("A comment can be at most %(limit)s characters long (this one has %(length)s).",
                      field="body", limit=MAX_BODY_CHARS, length=len(body))
    return body.strip("\n\r")


def _clean_replacement(kind: str, replacement) -> str | None:
    replacement = replacement.strip() if isinstance(replacement, str) else replacement
    if kind != "amendment":
        if replacement:
            raise Invalid("Only a proposed amendment carries replacement text.", field="replacement_text")
        return None
    if not isinstance(replacement, str) or not replacement:
        raise Invalid("A proposed amendment needs the text you propose instead.", field="replacement_text")
    if len(replacement) > MAX_BODY_CHARS:
        raise Invalid("Replacement text can be at most %(limit)s characters long.",
                      field="replacement_text", limit=MAX_BODY_CHARS)
    return replacement


def _ensure_open(version: Version) -> None:
    if not version.accepts_comments:
        raise Conflict("This version (%(status)s) no longer takes comments; comment on the current version "
                       "instead.", status=Term(version.status_label))


def _parent(clause: Clause, parent_id) -> Comment:
    if not isinstance(parent_id, int) or isinstance(parent_id, bool):
        raise Invalid("'parent_id' must be the id of a comment.", field="parent_id")
    parent = db.session.get(Comment, parent_id)
    # A thread carried onto this clause from an earlier version continues here.
    if parent is None or not thread_shown_on(clause, parent):
        raise Invalid("The comment you are replying to is not in this clause's discussion.", field="parent_id")
    if parent.status != "visible":
        raise Conflict("That comment has been deleted or hidden; it cannot take replies.", field="parent_id")
    return parent


def _render(body: str, working_group_id: int):
    mentioned = group_mentions(body, working_group_id)
    return render_markdown_with_mentions(body, known_handles(mentioned)), mentioned


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _where(clause: Clause, version: Version) -> str:
    return f"clause {clause.label} of “{version.document.title}”"


def post_comment(actor, clause: Clause, *, body, kind="comment", parent_id=None, selector=None,
                 replacement_text=None) -> Comment:
    """A new thread on the clause (optionally quoting part of it) or a reply to one of its comments."""
    version = db.session.get(Version, clause.version_id)
    _ensure_open(version)
    kind = kind or "comment"
    if kind not in COMMENT_KINDS:
        raise Invalid("The kind must be one of: %(kinds)s.", field="kind", kinds=", ".join(COMMENT_KINDS))
    body = _clean_body(body)
    replacement_text = _clean_replacement(kind, replacement_text)
    parent = _parent(clause, parent_id) if parent_id is not None else None
    quote = None
    if selector is not None:
        if parent is not None:
            raise Invalid("A reply belongs to its thread; quote the text in a new comment instead.", field="selector")
        try:
            quote = selector_from_input(clause.text, selector)
        except SelectorError as exc:
            raise Invalid(str(exc), field="selector") from None
    document = version.document
    body_html, mentioned = _render(body, document.working_group_id)
    membership = membership_in(actor, version)
    comment = Comment(
        document_id=document.id, version_id=version.id, clause_id=clause.id, author_id=actor.id,
        stakeholder_group_id=membership.stakeholder_group_id if membership else None,
        parent_id=parent.id if parent else None, depth=parent.depth + 1 if parent else 0,
        kind=kind, body_source=body, body_html=body_html, replacement_text=replacement_text,
        created_at=utcnow(),
    )
    if quote is not None:
        comment.quote_exact, comment.quote_prefix, comment.quote_suffix = quote.exact, quote.prefix, quote.suffix
        comment.quote_start, comment.quote_end = quote.start, quote.end
    db.session.add(comment)
    db.session.flush()
    comment.root_id = parent.root_id if parent else comment.id
    db.session.flush()
    append_event("comment.posted", actor=actor, subject=comment, working_group_id=document.working_group_id,
                 document_id=document.id, public=comments_are_public(version),
                 payload={"version_id": version.id, "clause_id": clause.id, "clause": clause.label, "kind": kind,
                          "parent_id": comment.parent_id, "quote": quote.exact if quote else None,
                          "body_sha256": _digest(body)})
    excerpt, where = excerpt_of(body_html), _where(clause, version)
    replied_to = {parent.author_id} if parent else set()
    mentioned_ids = ({m.user_id for m in mentioned} | mentioned_chairs(body, document.working_group_id)) - replied_to
    about = {"actor": actor, "comment": comment, "document": document, "clause": clause, "excerpt": excerpt}
    notify("reply", replied_to, **about)
    notify("mention", mentioned_ids, **about)
    following = thread_followers(comment, clause) - replied_to - mentioned_ids
    notify("reply", following, data={"following": True}, **about)
    notify_chairs_of_comment(comment, document, actor)
    notify_saved_searches(actor, comment, version, where, already=replied_to | mentioned_ids | following)
    broadcast("comment_created", comment, counts_change=parent is None)
    return comment


def _ensure_author(actor, comment: Comment) -> None:
    if comment.author_id != actor.id:
        raise Forbidden("Only the author can change or delete this comment.")


def edit_comment(actor, comment: Comment, *, body, replacement_text=None) -> Comment:
    """Replace the text (the earlier one is kept as a revision); `replacement_text` None keeps it."""
    _ensure_author(actor, comment)
    version = db.session.get(Version, comment.version_id)
    _ensure_open(version)
    if comment.status != "visible":
        raise Conflict("A deleted or hidden comment cannot be edited.")
    body = _clean_body(body)
    if replacement_text is not None or comment.kind == "amendment":
        replacement_text = _clean_replacement(
            comment.kind, comment.replacement_text if replacement_text is None else replacement_text)
    if body == comment.body_source and replacement_text == comment.replacement_text:
        return comment
    db.session.add(CommentRevision(comment_id=comment.id, body_source=comment.body_source,
                                   body_html=comment.body_html, replacement_text=comment.replacement_text,
                                   created_at=comment.edited_at or comment.created_at))
    document = version.document
    comment.body_html, mentioned = _render(body, document.working_group_id)
    comment.body_source, comment.replacement_text, comment.edited_at = body, replacement_text, utcnow()
    db.session.flush()
    append_event("comment.edited", actor=actor, subject=comment, working_group_id=document.working_group_id,
                 document_id=document.id, public=comments_are_public(version),
                 payload={"body_sha256": _digest(body)})
    clause = db.session.get(Clause, comment.clause_id)
    notify("mention", {m.user_id for m in mentioned} - _already_mentioned(comment), actor=actor, comment=comment,
           document=document, clause=clause, excerpt=excerpt_of(comment.body_html))
    broadcast("comment_updated", comment)
    return comment


def _already_mentioned(comment: Comment) -> set[int]:
    """People notified of this comment before: an edit only notifies people it newly mentions."""
    return set(db.session.scalars(select(Notification.user_id).where(Notification.comment_id == comment.id)))


def delete_comment(actor, comment: Comment) -> None:
    """Soft delete: the text leaves every page and the API; a tombstone keeps the replies in place."""
    _ensure_author(actor, comment)
    if comment.status == "deleted":
        return
    version = db.session.get(Version, comment.version_id)
    was_open_root = comment.parent_id is None and comment.status == "visible" and comment.resolved_at is None
    comment.status, comment.deleted_at = "deleted", utcnow()
    db.session.flush()
    append_event("comment.deleted", actor=actor, subject=comment, working_group_id=version.document.working_group_id,
                 document_id=comment.document_id, public=comments_are_public(version))
    broadcast("comment_updated", comment, counts_change=was_open_root)
