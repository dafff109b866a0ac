"""Digests: one e-mail per person and period with what they chose to receive daily or weekly, grouped by
document, with links; nothing when there is nothing. `flask send-digests`, run from cron, sends what is
due: the daily digest every run, the weekly one once the oldest notification waiting for it is a week
old (or with --now, everything waiting).

The whole run reads the waiting notifications in one query, the settings in one and the readers' rights
in one, so its query count does not grow per member."""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Clause, Comment, Document, Membership, Notification, User, WorkingGroup
from ...models._base import utcnow
from ..mailing.queue import enqueue
from .compose import Where, mail_digest
from .settings import settings_of_many

WEEK = timedelta(days=7)


def _may_read(user: User, document_id: int | None, documents: dict, memberships: set) -> bool:
    if document_id is None or user.is_admin:
        return True
    document, group_public = documents[document_id]
    return (document.public and group_public) or (user.id, document.working_group_id) in memberships


def send_digests(now: bool = False) -> int:
    """Queue the digests that are due; returns how many e-mails were queued."""
    at = utcnow()
    actor = aliased(User)
    rows = db.session.execute(
        select(Notification, User, actor.name, Clause)
        .join(User, User.id == Notification.user_id)
        .outerjoin(actor, actor.id == Notification.actor_id)
        .outerjoin(Comment, Comment.id == Notification.comment_id)
        .outerjoin(Clause, Clause.id == Comment.clause_id)
        .where(Notification.mailed_at.is_(None), Notification.created_at <= at,
               User.active.is_(True), User.deleted_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    if not rows:
        return 0
    users = {user.id: user for _n, user, _a, _c in rows}
    settings = settings_of_many(users)
    document_ids = {n.document_id for n, *_rest in rows if n.document_id is not None}
    documents = {d.id: (d, public) for d, public in db.session.execute(
        select(Document, WorkingGroup.public).join(WorkingGroup, WorkingGroup.id == Document.working_group_id)
        .where(Document.id.in_(document_ids)))} if document_ids else {}
    memberships = set(db.session.execute(select(Membership.user_id, Membership.working_group_id)
                                         .where(Membership.user_id.in_(users))).tuples())
    waiting: dict[tuple[int, str], list] = defaultdict(list)
    done, skipped = [], []
    for n, user, actor_name, clause in rows:
        clause_label = clause.label if clause is not None else None
        frequency = settings[user.id].get(n.kind, "off")
        if frequency in ("off", "immediately") or not _may_read(user, n.document_id, documents, memberships):
            skipped.append(n.id)  # switched off since, or no longer readable: never mailed
            continue
        waiting[user.id, frequency].append((n, actor_name, clause_label))
    digests = []
    for (user_id, period), items in waiting.items():
        if period == "weekly" and not now and at - items[0][0].created_at < WEEK:
            continue
        user = users[user_id]
        by_document: dict = defaultdict(list)
        for n, actor_name, clause_label in items:
            title = documents[n.document_id][0].title if n.document_id in documents else ""
            by_document[title].append((n, actor_name, Where(title, clause_label)))
        digests.append(mail_digest(user, period, list(by_document.items()), {n.document_id for n, *_r in items}))
        done += [n.id for n, *_r in items]
    enqueue(*digests)
    if done or skipped:
        db.session.execute(update(Notification).where(Notification.id.in_(done + skipped)).values(mailed_at=at))
    return len(digests)
