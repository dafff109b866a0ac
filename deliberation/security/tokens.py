"""Personal API tokens: `Authorization: Bearer TOKEN`, stored as sha256 digests, revocable.

A token's "last used" time is a stamp, not part of what a request does: it is written after the answer,
in a transaction of its own and at most once a minute (STAMP_EVERY). Written from a read request's own
transaction it made one in five token reads fail on SQLite while others wrote (sqlite_tuning.py)."""
import logging
from datetime import timedelta

from flask import g, has_app_context
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import ApiToken
from ..models._base import utcnow
from ..sqlite_tuning import write_transaction
from .credentials import digest

TOKEN_PREFIX = "dlb_"
STAMP_EVERY = timedelta(minutes=1)

log = logging.getLogger(__name__)


def bearer_token(req) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header (the scheme in any case, RFC 7235), "" for an
    empty one; None when the request names no bearer token (no header, or another scheme such as Basic)."""
    scheme, _, credentials = req.headers.get("Authorization", "").strip().partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def active_token(token: str) -> ApiToken | None:
    """The unrevoked token row of an active user for this secret, or None. Notes the use, for
    `stamp_token_use` to write once the request is answered."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_active:
        return None
    if row.last_used_at is None or row.last_used_at <= utcnow() - STAMP_EVERY:
        g.token_to_stamp = row.id
    return row


def user_for_token(token: str):
    """The active user a token belongs to, or None. Notes the use (see `active_token`)."""
    row = active_token(token)
    return row.user if row is not None else None


def stamp_token_use() -> None:
    """Write the last-use time of the token this request or socket used, if it is a minute old or more.
    Call it after the request's own transaction has ended. A stamp the database cannot take (busy past its
    timeout) is logged and dropped: it must never turn an answer into a failure."""
    token_id = g.pop("token_to_stamp", None) if has_app_context() else None
    if token_id is None:
        return
    now = utcnow()
    try:
        with write_transaction(db.session):
            db.session.execute(update(ApiToken).where(
                ApiToken.id == token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - STAMP_EVERY),
            ).values(last_used_at=now))
        db.session.commit()
    except OperationalError as exc:
        db.session.rollback()
        log.warning("token %s: last use not recorded (%s)", token_id, exc.__class__.__name__)
