"""Accounts: creating users, passwords, signing in, personal API tokens, signing out everywhere,
suspending and reactivating."""
import re

from sqlalchemy import func, select

from ..extensions import db
from ..i18n import N_
from ..models import ApiToken, User
from ..models._base import utcnow
from ..realtime import queue_disconnect
from ..security.credentials import check_password, digest, hash_password, password_problem
from ..security.tokens import TOKEN_PREFIX
from .errors import Conflict, Invalid, NotFound
from .record import append_event
from .validation import clean_email, clean_text

SIGN_IN_FAILED = N_("That e-mail address and password do not match an account.")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def _unique_handle(name: str, email: str) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "", name.lower().replace(" ", ".")).strip(".") or email.split("@")[0]
    base = base[:56] or "member"
    handle, n = base, 1
    while db.session.scalar(select(func.count()).select_from(User).where(User.handle == handle)):
        n += 1
        handle = f"{base}{n}"
    return handle


def create_user(email: str, name: str, password: str | None = None, *, is_admin: bool = False,
                actor=None) -> User:
    email = clean_email(email)
    name = clean_text(name, "name", max_length=120)
    if find_user_by_email(email):
        raise Conflict("An account with that e-mail address already exists.", field="email")
    if password is not None and (problem := password_problem(password)):
        raise problem
    user = User(email=email, name=name, handle=_unique_handle(name, email), is_admin=is_admin,
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    append_event("account.created", actor=actor, subject=user, payload={"admin": is_admin})
    return user


def update_profile(user: User, *, name: str, locale: str | None) -> None:
    """A new display name is recorded (privately): pages and exports show it, and the public cache is keyed
    on the record's head, so the event is what makes them show the new name."""
    name = clean_text(name, "name", max_length=120)
    user.locale = locale or None
    if name != user.name:
        user.name = name
        db.session.flush()
        append_event("account.renamed", actor=user, subject=user)


def set_password(user: User, password: str) -> None:
    if problem := password_problem(password):
        raise problem
    user.password_hash = hash_password(password)


def change_password(user: User, current: str, password: str) -> None:
    """The account holder's own change: the current password first; then every browser session ends,
    with its live connections, as "sign out everywhere" does (the caller signs the current one in again).
    API tokens stay: each is revoked on its own (docs/security.md says why)."""
    if not check_password(user.password_hash, current or ""):
        raise Invalid("That is not your current password.", field="current")
    set_password(user, password)
    sign_out_everywhere(user)


def authenticate(email: str, password: str) -> User:
    """The user for these credentials; the same error whether or not the account exists."""
    user = find_user_by_email(email)
    # check_password runs the KDF even without a user, so timing does not tell accounts apart.
    if not check_password(user.password_hash if user else None, password or "") or not user.is_active:
        raise Invalid(SIGN_IN_FAILED, field="password", code="sign_in_failed")
    return user


def sign_out_everywhere(user: User) -> None:
    """End every browser session of the user, and close their live connections (API tokens stay)."""
    user.session_epoch += 1
    queue_disconnect(user.id, sessions_only=True)


def set_active(actor: User, user: User, active: bool) -> None:
    """Suspend an account, signing it out at once (sessions, live connections; its tokens stop working),
    or reactivate it."""
    user.active = active
    user.session_epoch += 1
    append_event("account.reactivated" if active else "account.suspended", actor=actor, subject=user)
    if not active:
        queue_disconnect(user.id)


def create_token(user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """A new personal API token; the plain token is returned once and only its digest is kept."""
    import secrets

    name = clean_text(name or "API token", "name", max_length=80)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=plain[:10], token_hash=digest(plain))
    db.session.add(token)
    db.session.flush()
    append_event("token.created", actor=user, subject=token)
    return token, plain


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        append_event("token.revoked", actor=user, subject=token)
        queue_disconnect(user.id, token_id=token.id)  # live connections opened with it, too


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))
