"""The outgoing mail queue. `enqueue` writes a row in the caller's transaction, so a rolled-back event
mails no one; after the commit one background worker sends what is due, and `flask send-mail` does the
same from cron. A failed send is retried with back-off (1, 2, 4 ... minutes, at most 6 hours apart,
given up after MAX_ATTEMPTS); it never fails the request that caused it.

Before a message leaves, the recipient must still be an active account able to read the document it
speaks of: a member removed from a group, or a document made private, stops the mail (status
"dropped")."""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from smtplib import SMTPException

from flask import current_app, has_request_context
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from ...extensions import db
from ...sqlite_tuning import background_writer
from ...models import Document, MailMessage, User
from ...models._base import utcnow
from .transport import build_message, deliver

log = logging.getLogger("deliberation.mail")

MAX_ATTEMPTS = 8
BATCH = 100
CLAIM_FOR = timedelta(minutes=10)  # a sender that dies mid-send leaves the row to be tried again then
# One worker: messages go out in order, and waiting for an empty job proves the earlier ones are done.
MAIL_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-queue")
_WAKE = "mail_queue_wake"
_retry_timer: threading.Timer | None = None
_poll = False
POLL_SECONDS = 60


def message(recipient: str, subject: str, text_body: str, html_body: str, *, user_id: int | None = None,
            document_id: int | None = None, unsubscribe_url: str | None = None) -> dict:
    """One queued message's row, for `enqueue`."""
    now = utcnow()
    return {"recipient": recipient, "subject": subject[:300], "text_body": text_body, "html_body": html_body,
            "user_id": user_id, "document_id": document_id, "unsubscribe_url": unsubscribe_url,
            "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now}


def enqueue(*messages: dict) -> None:
    """Write the messages to the queue in the caller's transaction, in one statement."""
    if messages:
        db.session.execute(insert(MailMessage), list(messages))
        db.session.info[_WAKE] = True


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session) -> None:
    # A request's commit wakes the worker. A command (import-draft, a script) leaves its mail to the
    # server's next poll or to `flask send-mail`: its own deferred SQLite transactions must not race a
    # worker thread in the same process.
    if session.info.pop(_WAKE, None) and has_request_context() and current_app.config.get("MAIL_BACKGROUND", True):
        sending = MAIL_WORKER.submit(_drain_in_background, current_app._get_current_object())
        # Tests wait for the worker (still after the commit, in its own thread and transactions), so the
        # worker's writes never race the test's own deferred SQLite transactions.
        if current_app.config.get("MAIL_WAIT_FOR_WORKER", current_app.testing):
            sending.result()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(_WAKE, None)


def drain_in_background(app, *, poll: bool = False) -> None:
    """Send what waits in the queue from the background worker. The server calls this at start with
    poll=True: from then on the worker also looks every POLL_SECONDS for mail queued by commands."""
    global _poll
    _poll = _poll or poll
    MAIL_WORKER.submit(_drain_in_background, app)


def _drain_in_background(app) -> None:
    with app.app_context():
        try:
            drain()
            _schedule_retry(app)
        except Exception:  # the worker must survive anything (a database gone at shutdown, ...)
            log.exception("draining the mail queue failed")
        finally:
            db.session.remove()


def _schedule_retry(app) -> None:
    """Wake again when the earliest retry is due (the server keeps retrying without cron)."""
    global _retry_timer
    due = db.session.scalar(select(MailMessage.next_attempt_at).where(MailMessage.status == "queued")
                            .order_by(MailMessage.next_attempt_at).limit(1))
    if due is None and not _poll:
        return
    delay = max(1.0, (due - utcnow()).total_seconds()) if due is not None else POLL_SECONDS
    if _poll:
        delay = min(delay, POLL_SECONDS)
    if _retry_timer is not None:
        _retry_timer.cancel()
    _retry_timer = threading.Timer(delay, lambda: MAIL_WORKER.submit(_drain_in_background, app))
    _retry_timer.daemon = True
    _retry_timer.start()


def wait_for_mail() -> None:
    """Block until every message queued so far has been handed over (tests, shutdown)."""
    MAIL_WORKER.submit(lambda: None).result()


def _claim(row_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(update(MailMessage).where(
        MailMessage.id == row_id, MailMessage.status == "queued", MailMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_FOR))
    db.session.commit()
    return claimed.rowcount == 1


def _may_still_read(row: MailMessage) -> bool:
    from ...security.permissions import Permission, can, forget_memberships

    if row.user_id is None:
        return True  # an invitation, to an address without an account
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active:
        return False
    if row.document_id is None:
        return True
    document = db.session.get(Document, row.document_id)
    forget_memberships()
    return document is not None and can(user, Permission.VIEW_DOCUMENT, document)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _finish(row_id: int, **values) -> None:
    db.session.commit()  # end the read transaction: the update below begins its own
    db.session.execute(update(MailMessage).where(MailMessage.id == row_id).values(**values))
    db.session.commit()


def _send_one(row_id: int, counts: dict) -> None:
    row = db.session.get(MailMessage, row_id)
    recipient, attempts = row.recipient, row.attempts + 1
    if not _may_still_read(row):
        log.info("mail %s to %s dropped: the recipient may no longer read what it is about", row_id, recipient)
        counts["dropped"] += 1
        _finish(row_id, status="dropped")
        return
    message = build_message(row)
    db.session.commit()  # no transaction stays open while SMTP talks
    try:
        deliver(message)
    except (OSError, SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("mail %s to %s failed (attempt %s): %s", row_id, recipient, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            counts["failed"] += 1
            _finish(row_id, status="failed", attempts=attempts, last_error=error)
        else:
            counts["retry"] += 1
            _finish(row_id, attempts=attempts, last_error=error, next_attempt_at=utcnow() + backoff(attempts))
        return
    counts["sent"] += 1
    _finish(row_id, status="sent", attempts=attempts, sent_at=utcnow(), last_error=None)


def drain(limit: int = BATCH) -> dict[str, int]:
    """Send the messages that are due, each in short transactions of its own (none open while SMTP
    talks); returns how many were sent, are to be retried, were given up on or dropped."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "dropped": 0}
    db.session.commit()  # whatever the caller read: each step below begins its own transaction
    with background_writer():
        due = list(db.session.scalars(select(MailMessage.id).where(
            MailMessage.status == "queued", MailMessage.next_attempt_at <= utcnow())
            .order_by(MailMessage.id).limit(limit)))
        db.session.commit()
        for row_id in due:
            if _claim(row_id):  # else another sender took it
                _send_one(row_id, counts)
    return counts
