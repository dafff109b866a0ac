"""Structured security log: one JSON line per security event, on the logger `deliberation.security`.

Events: failed and deferred sign-ins, rate-limit hits, permission denials (401/403/404 from
`require()` and services), and — taken from the record as it commits — moderation, token, membership
and account changes. Each line carries the time, the event, the request id, the user id, the client
IP, the method and the route *pattern* (`/invitations/<token>`, never the path: paths can carry
secrets). Callers pass only ids and codes: never passwords, tokens, cookies, e-mail addresses or
comment bodies; record payloads are never copied.
"""
import hashlib
import json
import logging
import sys
from datetime import datetime, timezone

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("deliberation.security")

# Record events that are security-relevant: who gained or lost access, and moderation.
RECORDED_KINDS = frozenset({
    "account.created", "account.suspended", "account.reactivated", "account.deleted",
    "token.created", "token.revoked",
    "membership.added", "membership.changed", "membership.removed",
    "invitation.sent", "invitation.revoked",
    "comment.hidden", "comment.unhidden", "support.verified", "support.rejected",
})


def account_ref(email: str | None) -> str:
    """A stable pseudonym for an attempted sign-in address: lines about one account can be grouped
    without the log holding the address (or a password typed into the wrong field)."""
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def _request_fields() -> dict:
    if not has_request_context():
        return {"request_id": None, "user_id": None, "ip": None, "method": None, "route": None}
    # Only a user Flask-Login has already loaded: the log must not query (the database may be down).
    user = getattr(g, "_login_user", None)
    return {
        "request_id": g.get("request_id"),
        "user_id": user.id if getattr(user, "is_authenticated", False) else None,
        "ip": request.remote_addr,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
    }


def security_event(event_name: str, **fields) -> None:
    """Write one security event. `fields` must be ids, codes and counts only."""
    entry = {"ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "event": event_name,
             **_request_fields(), **fields}
    log.info(json.dumps(entry, sort_keys=True, default=str))


def _collect_recorded(session, _flush_context) -> None:
    from .models import RecordEvent

    for obj in session.new:
        if isinstance(obj, RecordEvent) and obj.kind in RECORDED_KINDS:
            session.info.setdefault("security_events", []).append(
                {"event": obj.kind, "subject_type": obj.subject_type, "subject_id": obj.subject_id,
                 "actor_id": obj.actor_id, "working_group_id": obj.working_group_id, "seq": obj.seq})


def _log_recorded(session) -> None:
    # Logged only once committed: a rolled-back request did nothing worth reporting.
    for entry in session.info.pop("security_events", []):
        security_event(entry.pop("event"), **entry)


def _discard_recorded(session, *_args) -> None:
    session.info.pop("security_events", None)


def init_security_log(app) -> None:
    log.setLevel(logging.INFO)
    # An unconfigured process (gunicorn, python app.py) gets JSON lines on stderr, and only there: a
    # logging set-up made later (Alembic's, while migrating) would otherwise print each line twice. Where
    # logging is already configured (tests, a host's setup), the lines go to its handlers instead.
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
    if not event.contains(Session, "after_flush", _collect_recorded):
        event.listen(Session, "after_flush", _collect_recorded)
        event.listen(Session, "after_commit", _log_recorded)
        event.listen(Session, "after_rollback", _discard_recorded)
