"""The comment as the API returns it and as live events carry it, cut to what the viewer may see.

Live events go to every reader of a version's comments at once, so they carry the shape an ordinary
reader sees (`READER`): a hidden comment goes out without its body, and the author and chairs fetch
it again through the API or the page fragment, which apply their own rights.
"""
from ..extensions import db
from ..models import DISPOSITIONS, Comment, StakeholderGroup, User
from ..realtime import comments_room, queue_event
from .comment_access import Viewer

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


def comment_json(comment: Comment, viewer: Viewer, replies: list[dict] | None = None) -> dict:
    """One comment (author and stakeholder group loaded); `replies` nests the tree when given (a new
    comment and live events pass [] so they have the shape of the comments list)."""
    sees_body = viewer.sees_body(comment)
    data = {
        "id": comment.id, "parent_id": comment.parent_id, "root_id": comment.root_id,
        "clause_id": comment.clause_id, "version_id": comment.version_id, "depth": comment.depth,
        "kind": comment.kind, "status": comment.status,
        "author": author_json(comment) if sees_body else None,
        "body": comment.body_source if sees_body else None,
        "body_html": comment.body_html if sees_body else None,
        "selector": selector_json(comment) if sees_body else None,
        "anchor_status": "exact" if sees_body and comment.quote_exact is not None else None,
        # Set on the root of a thread carried from an earlier version (api.version_serializers).
        "anchor_score": None, "original_clause_id": None, "original_version": None,
        "replacement_text": comment.replacement_text if sees_body else None,
        "hidden_reason": comment.hidden_reason if sees_body and comment.status == "hidden" else None,
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


def broadcast(event: str, comment: Comment) -> None:
    """Queue `comment_created` / `comment_updated` for the version's comment readers (sent after commit)."""
    queue_event(event, comment_json(comment, READER, []), comments_room(comment.version_id))


def broadcast_thread_count(comment: Comment, open_threads: int) -> None:
    queue_event("thread_count", {"version_id": comment.version_id, "clause_id": comment.clause_id,
                                 "open_threads": open_threads}, comments_room(comment.version_id))
