"""Notifications: replies to my comments, @mentions of me, dispositions of my comments, new comments
matching my saved searches (services/search/saved.py).

Each is an in-app row (the unread count sits in the page header) and, when SMTP is configured, an
e-mail. Mail leaves only after the request's transaction has committed, from one background worker,
so a rolled-back comment never mails anyone and a slow SMTP server never slows a request.
Reading notifications is private bookkeeping, not part of the deliberation record: no record events.
"""
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..links import external_url
from ..models import Clause, Comment, Document, Notification, User
from ..models._base import utcnow
from ..sanitize import plain_text
from .errors import NotFound
from .mail import send_mail

log = logging.getLogger(__name__)

PAGE_SIZE = 50
EXCERPT_CHARS = 280
SUBJECTS = {
    "reply": "{actor} replied to your comment",
    "mention": "{actor} mentioned you",
    "disposition": "{actor} answered your comment",
    "saved_search": "{actor} wrote a comment matching your saved search",
}
# One worker: messages go out in order, and waiting for an empty job proves the earlier ones are done.
MAIL_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notification-mail")
_PENDING = "pending_notification_mail"


def excerpt_of(html: str) -> str:
    text = plain_text(html or "")
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1].rstrip() + "…"


def notify(kind: str, user_ids, *, actor, comment: Comment, excerpt: str, context: str) -> None:
    """One notification per user (never the actor); `context` says where, e.g. "clause 1.1 of <title>"."""
    recipients = sorted({uid for uid in user_ids if uid is not None and uid != actor.id})
    if not recipients:
        return
    db.session.add_all(Notification(user_id=uid, kind=kind, actor_id=actor.id, comment_id=comment.id,
                                    excerpt=excerpt) for uid in recipients)
    db.session.flush()
    if current_app.config.get("SMTP_HOST"):
        _queue_mail(kind, recipients, actor, comment, excerpt, context)


def _comment_link(comment: Comment) -> str:
    return external_url("discussion.permalink", comment_id=comment.id)


def _queue_mail(kind, recipients, actor, comment, excerpt, context) -> None:
    addresses = db.session.scalars(select(User.email).where(
        User.id.in_(recipients), User.active.is_(True), User.deleted_at.is_(None)))
    subject = SUBJECTS[kind].format(actor=actor.name)
    body = f"{subject} on {context}:\n\n{excerpt}\n\n{_comment_link(comment)}\n"
    pending = db.session.info.setdefault(_PENDING, [])
    pending += [(address, subject, body) for address in addresses]


@event.listens_for(Session, "after_commit")
def _send_after_commit(session) -> None:
    messages = session.info.pop(_PENDING, None)
    if messages:
        app = current_app._get_current_object()
        MAIL_WORKER.submit(_send_all, app, messages)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def _send_all(app, messages) -> None:
    with app.app_context():
        for to, subject, body in messages:
            try:
                send_mail(to, subject, body)
            except Exception:  # one bad message must not stop the rest
                log.warning("notification mail to %s failed", to, exc_info=True)


def wait_for_mail() -> None:
    """Block until every queued message has been handed to SMTP (tests, shutdown)."""
    MAIL_WORKER.submit(lambda: None).result()


# --- reading -------------------------------------------------------------------------------------

def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    clause: Clause | None
    document_title: str | None


def list_notifications(user, page: int = 1) -> tuple[list[NotificationRow], bool]:
    """Newest first, PAGE_SIZE a page, with the actor and where it happened, in one query; and whether
    more pages follow."""
    rows = db.session.execute(
        select(Notification, Clause, Document.title).options(joinedload(Notification.actor))
        .outerjoin(Comment, Comment.id == Notification.comment_id)
        .outerjoin(Clause, Clause.id == Comment.clause_id).outerjoin(Document, Document.id == Comment.document_id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return [NotificationRow(*row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0


def open_notification(user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read and return it (someone else's is NotFound)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("There is no such notification.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification
