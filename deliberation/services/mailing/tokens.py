"""Signed unsubscribe tokens: which member and which kind of notification (or all of them). Signed with
the site's SECRET_KEY under their own salt, so no other signed value of the site passes for one; a
tampered token fails the signature and changes nothing. They do not expire: a link in a year-old
e-mail must still unsubscribe (RFC 8058 asks that it work without signing in)."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "deliberation.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind
