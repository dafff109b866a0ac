"""The comment as the API returns it and as live events carry it, cut to what the viewer may see.

Live events go to every reader of a version's comments at once, so they carry the shape an ordinary
reader sees (`READER`): a hidden comment goes out without its body, and the author and chairs fetch
it again through the API or the page fragment, which apply their own rights. A thread carried onto
later versions (services.reanchor) is in their discussions too, so its events go to their readers as
well, in the shape their comments lists give it.
"""
from sqlalchemy import select

from ..extensions import db
from ..models import DISPOSITIONS, Clause, Comment, CommentAnchor, StakeholderGroup, User, Version
from ..realtime import comments_room, queue_event
from .comment_access import Viewer
from .threads import open_thread_count

READER = Viewer(user_id=None, can_read=True, can_comment=False, can_moderate=False)


def _iso(value):
    return value.isoformat() if value else None


def _related(comment: Comment, name: str, model, key):
    """A many-to-one the query loaded, else by primary key (the identity map usually has it)."""
    loaded = comment.__dict__.get(name)
    return loaded if loaded is not None or key is None else db.session.get(model, key)


def author_json(comment: Comment) -> dict | None:
    author = _related(comment, "author", User, comment.author_id)
    if author is None:
        return None
    stakeholder = _related(comment, "stakeholder_group", StakeholderGroup, comment.stakeholder_group_id)
    return {"id": author.id, "name": author.display_name,
            "stakeholder_group": {"id": stakeholder.id, "key": stakeholder.key, "name": stakeholder.name}
            if stakeholder is not None else None}


def selector_json(comment: Comment) -> dict | None:
    if comment.quote_exact is None:
        return None
    return {"exact": comment.quote_exact, "prefix": comment.quote_prefix or "", "suffix": comment.quote_suffix or "",
            "start": comment.quote_start, "end": comment.quote_end}


def _applied_in(comment: Comment) -> int | None:
    """The number of the version that applied this amendment (published from a working draft), if any."""
    version = _related(comment, "applied_in_version", Version, comment.applied_in_version_id)
    return version.number if version is not None else None


def comment_json(comment: Comment, viewer: Viewer, replies: list[dict] | None = None) -> dict:
    """One comment (author and stakeholder group loaded); `replies` nests the tree when given (a new
    comment and live events pass [] so they have the shape of the comments list)."""
    sees_body = viewer.sees_body(comment)
    data = {
        "id": comment.id, "parent_id": comment.parent_id, "root_id": comment.root_id,
        "clause_id": comment.clause_id, "version_id": comment.version_id, "depth": comment.depth,
        "kind": comment.kind, "type": comment.comment_type, "status": comment.status,
        "author": author_json(comment) if sees_body else None,
        "body": comment.body_source if sees_body else None,
        "body_html": comment.body_html if sees_body else None,
        "selector": selector_json(comment) if sees_body else None,
        "anchor_status": "exact" if sees_body and comment.quote_exact is not None else None,
        # Set on the root of a thread carried from an earlier version (api.version_serializers).
        "anchor_score": None, "original_clause_id": None, "original_version": None,
        "replacement_text": comment.replacement_text if sees_body else None,
        "hidden_reason": comment.hidden_reason if sees_body and comment.status == "hidden" else None,
        "applied_in_version": _applied_in(comment) if sees_body else None,
        "disposition": {"value": comment.disposition, "label": DISPOSITIONS[comment.disposition],
                        "rationale": comment.disposition_rationale, "at": _iso(comment.disposition_at),
                        "version_id": comment.disposition_version_id}
        if comment.disposition and sees_body else None,
        "resolved_at": _iso(comment.resolved_at),
        "edited_at": _iso(comment.edited_at),
        "created_at": _iso(comment.created_at),
    }
    if replies is not None:
        data["replies"] = replies
    return data


def carried_annotation_json(anchor: CommentAnchor, original_clause_id: int, original_version: int | None = None,
                            sees_body: bool = True) -> dict:
    """What the comments list adds to a thread carried onto a later version's clause (see
    services.threads.clause_threads): where it landed, how surely, and where it was written. A thread
    whose root the reader may not see still says where it came from, but not where its words are."""
    selector = None
    if sees_body and anchor.status != "orphaned" and anchor.quote_exact is not None:
        selector = {"exact": anchor.quote_exact, "prefix": anchor.quote_prefix or "", "suffix": anchor.quote_suffix or "",
                    "start": anchor.quote_start, "end": anchor.quote_end}
    return {"anchor_status": anchor.status if sees_body else None,
            "anchor_score": anchor.score if sees_body else None, "selector": selector,
            "clause_id": anchor.clause_id, "original_clause_id": original_clause_id,
            "original_version": original_version}


def _carried_places(comment: Comment, written_on: Version) -> list[tuple[CommentAnchor, int]]:
    """Where the comment's thread is carried onto clauses of versions after the one it was written on
    (an orphan the chair closed left out), with each clause's version id: one query.

    A reply written on version 2 is in the thread as versions 3 and later show it, not as version 1 does."""
    return list(db.session.execute(
        select(CommentAnchor, Clause.version_id)
        .join(Clause, Clause.id == CommentAnchor.clause_id).join(Version, Version.id == Clause.version_id)
        .where(CommentAnchor.comment_id == comment.root_id, CommentAnchor.closed_at.is_(None),
               Version.number > written_on.number)
        .order_by(Version.number)).tuples())


def broadcast(event: str, comment: Comment, *, counts_change: bool = False) -> None:
    """Queue `comment_created` / `comment_updated` (sent after commit) for the readers of the comment's
    version and of every later version its thread is carried onto; with `counts_change` (a thread
    opened, closed, hidden or deleted) also `thread_count`, the open threads of the clause where it is
    shown in each of these versions."""
    written_on = db.session.get(Version, comment.version_id)
    data = comment_json(comment, READER, [])
    places = [(comment.version_id, comment.clause_id, data)]
    for anchor, version_id in _carried_places(comment, written_on):
        shown = data
        if comment.parent_id is None:  # the root says where the thread landed, as the comments list does
            shown = {**data, **carried_annotation_json(anchor, comment.clause_id, written_on.number,
                                                       READER.sees_body(comment))}
        places.append((version_id, anchor.clause_id, shown))
    for version_id, _clause_id, shown in places:
        queue_event(event, shown, comments_room(version_id))
    if counts_change and comment.parent_id is None:
        for version_id, clause_id, _shown in places:
            queue_event("thread_count", {"version_id": version_id, "clause_id": clause_id,
                                         "open_threads": open_thread_count(clause_id)}, comments_room(version_id))
