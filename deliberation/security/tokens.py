"""Personal API tokens: `Authorization: Bearer TOKEN`, stored as sha256 digests, revocable."""
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken
from ..models._base import utcnow
from .credentials import digest

TOKEN_PREFIX = "dlb_"


def active_token(token: str) -> ApiToken | None:
    """The unrevoked token row of an active user for this secret, or None. Marks the token as used."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    return row


def user_for_token(token: str):
    """The active user a token belongs to, or None. Marks the token as used."""
    row = active_token(token)
    return row.user if row is not None else None
