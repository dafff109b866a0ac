"""Password hashing (Argon2id) and opaque secrets (invitation links, API tokens) stored as hashes."""
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
# Verifying against this keeps sign-in timing the same whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str):
    """The refusal to raise for a password that will not do (an Invalid on "password"), or None."""
    from ..services.errors import Invalid

    if len(password) < MIN_PASSWORD_LENGTH:
        return Invalid("Use at least %(min)s characters.", field="password", min=MIN_PASSWORD_LENGTH)
    if len(password) > 1024:
        return Invalid("That password is too long.", field="password")
    return None


def new_secret() -> tuple[str, str]:
    """A URL-safe secret and its sha256 hex digest; only the digest is stored."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
