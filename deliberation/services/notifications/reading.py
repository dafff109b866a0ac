"""Reading one's notifications: the list, the unread count, opening one, marking all read. Private
bookkeeping, not part of the deliberation record: no record events. A notification about a document the
reader may no longer read is neither listed nor counted."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Clause, Comment, Document, Notification, WorkingGroup
from ...models._base import utcnow
from ...security.visibility import visible_documents_clause
from ..errors import NotFound
from .kinds import describe

PAGE_SIZE = 50


def _readable(query, user):
    return (query.outerjoin(Document, Document.id == Notification.document_id)
            .outerjoin(WorkingGroup, WorkingGroup.id == Document.working_group_id)
            .where(Notification.user_id == user.id,
                   or_(Notification.document_id.is_(None), visible_documents_clause(user))))


def unread_count(user) -> int:
    return db.session.scalar(_readable(select(func.count()).select_from(Notification), user)
                             .where(Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    clause: Clause | None
    document_title: str | None

    @property
    def text(self) -> str:
        n = self.notification
        actor = n.actor.display_name if n.actor else _("Someone")
        return describe(n, actor, self.document_title, self.clause.label if self.clause else None)


def list_notifications(user, page: int = 1) -> tuple[list[NotificationRow], bool]:
    """Newest first, PAGE_SIZE a page, with the actor and where it happened, in one query; and whether
    more pages follow."""
    rows = db.session.execute(
        _readable(select(Notification, Clause, Document.title).options(joinedload(Notification.actor))
                  .outerjoin(Comment, Comment.id == Notification.comment_id)
                  .outerjoin(Clause, Clause.id == Comment.clause_id), user)
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
