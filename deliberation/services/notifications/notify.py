"""Creating notifications: one row per recipient who may read what it is about and has not switched the
kind off, mailed at once (queued in this transaction) or left for the digest."""
from sqlalchemy import and_, exists, or_, select

from ...extensions import db
from ...models import Clause, Document, Membership, Notification, User, WorkingGroup
from ...models._base import utcnow
from ...sanitize import plain_text
from ..mailing.queue import enqueue
from .compose import Where, mail_one
from .settings import settings_of_many


def readers(user_ids, document: Document | None) -> list[User]:
    """The active accounts among user_ids that may read the document (all active ones without one)."""
    ids = {uid for uid in user_ids if uid is not None}
    if not ids:
        return []
    query = select(User).where(User.id.in_(ids), User.active.is_(True), User.deleted_at.is_(None))
    if document is not None:
        group = db.session.get(WorkingGroup, document.working_group_id)
        if not (document.public and group.public):
            query = query.where(or_(User.is_admin.is_(True), exists().where(and_(
                Membership.user_id == User.id, Membership.working_group_id == document.working_group_id))))
    return list(db.session.scalars(query.order_by(User.id)))


def notify(kind: str, user_ids, *, actor=None, comment=None, document: Document | None = None,
           clause: Clause | None = None, round_=None, data: dict | None = None, excerpt: str = "") -> list[int]:
    """Notify the users (never the actor) who may read the document; returns who was notified."""
    actor_id = getattr(actor, "id", None)
    recipients = readers({uid for uid in user_ids if uid != actor_id}, document)
    if not recipients:
        return []
    settings = settings_of_many(u.id for u in recipients)
    recipients = [u for u in recipients if settings[u.id][kind] != "off"]
    now = utcnow()
    rows = []
    for user in recipients:
        immediately = settings[user.id][kind] == "immediately"
        rows.append((user, Notification(
            user_id=user.id, kind=kind, actor_id=actor_id, comment_id=getattr(comment, "id", None),
            document_id=getattr(document, "id", None), round_id=getattr(round_, "id", None), data=data or {},
            excerpt=excerpt, created_at=now, mailed_at=now if immediately else None)))
    db.session.add_all(n for _user, n in rows)
    db.session.flush()
    where = Where(document.title if document is not None else None, clause.label if clause is not None else None)
    actor_name = getattr(actor, "display_name", None)
    enqueue(*(mail_one(user, n, actor_name, where) for user, n in rows if n.mailed_at is not None))
    return [user.id for user in recipients]


def notify_chairs_of_comment(comment, document: Document, actor) -> None:
    """Chairs hear of new comments on their documents batched: one unread, unmailed notification per
    chair and document counts them, mailed in the chair's digest."""
    chairs = set(db.session.scalars(select(Membership.user_id).where(
        Membership.working_group_id == document.working_group_id, Membership.role == "chair"))) - {actor.id}
    if not chairs:
        return
    pending = list(db.session.scalars(select(Notification).where(
        Notification.user_id.in_(chairs), Notification.kind == "new_comments",
        Notification.document_id == document.id, Notification.read_at.is_(None),
        Notification.mailed_at.is_(None))))
    for n in pending:
        n.data = {**(n.data or {}), "count": int((n.data or {}).get("count", 1)) + 1}
        n.created_at = utcnow()
    fresh = chairs - {n.user_id for n in pending}
    if fresh:
        notify("new_comments", fresh, actor=actor, document=document, data={"count": 1})


EXCERPT_CHARS = 280


def excerpt_of(html: str) -> str:
    text = plain_text(html or "")
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1].rstrip() + "…"
