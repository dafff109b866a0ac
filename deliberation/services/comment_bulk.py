"""One chair's action on several comments of a document at once, from the all-comments list (the
workbench) or the API: a disposition with its rationale, hiding with a reason, showing again, resolving
or reopening the selected comments' threads.

Each comment goes through the same function as the single-comment action (services.moderation), so
each is validated, recorded, notified and announced exactly as it would be alone. The caller checks
MODERATE on the document; the whole selection shares the request's one transaction, so a refusal on
any comment (a deleted one, an empty rationale) leaves all of them as they were.
"""
from sqlalchemy import select

from ..extensions import db
from ..models import Comment, Document
from . import moderation
from .errors import Invalid, NotFound

ACTIONS = ("disposition", "hide", "unhide", "resolve", "reopen")
MAX_SELECTED = 200


def _selected(document: Document, comment_ids) -> list[Comment]:
    if not isinstance(comment_ids, (list, tuple)) or not comment_ids:
        raise Invalid("Select at least one comment.", field="comment_ids")
    if len(comment_ids) > MAX_SELECTED:
        raise Invalid("Select at most %(count)s comments at once.", field="comment_ids", count=MAX_SELECTED)
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in comment_ids):
        raise Invalid("'%(name)s' must be a list of comment ids.", field="comment_ids", name="comment_ids")
    wanted = list(dict.fromkeys(comment_ids))
    found = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(wanted), Comment.document_id == document.id))}
    if len(found) != len(wanted):  # another document's comment is as unknown as a missing one
        raise NotFound("One of the selected comments is not in this document.")
    return [found[i] for i in wanted]


def _thread_roots(comments: list[Comment]) -> list[Comment]:
    """The first comment of each selected comment's thread, once each, in selection order."""
    root_ids = list(dict.fromkeys(c.root_id or c.id for c in comments))
    roots = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(root_ids)))}
    return [roots[i] for i in root_ids]


def moderate_many(actor, document: Document, comment_ids, action: str, *, disposition=None,
                  rationale=None, reason=None) -> list[Comment]:
    """Apply one action to the selected comments of `document`; returns the comments it acted on."""
    if action not in ACTIONS:
        raise Invalid("The action must be one of: %(actions)s.", field="action", actions=", ".join(ACTIONS))
    comments = _selected(document, comment_ids)
    if action == "disposition":
        for comment in comments:
            moderation.set_disposition(actor, comment, disposition=disposition, rationale=rationale)
    elif action in ("hide", "unhide"):
        for comment in comments:
            moderation.set_hidden(actor, comment, hidden=action == "hide", reason=reason)
    else:
        comments = _thread_roots(comments)
        for comment in comments:
            moderation.set_resolved(actor, comment, action == "resolve")
    return comments
