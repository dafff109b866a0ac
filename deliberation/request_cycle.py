"""What happens around every request: one commit, realtime events and the token's last-use stamp after it,
and security headers."""
import secrets

from flask import g, request, session

from .extensions import db
from .realtime import discard_events, flush_events
from .security.headers import HSTS, NO_STORE, SECURITY_HEADERS, HeadersMiddleware
from .security.tokens import stamp_token_use
from .text_input import refuse_forbidden_text


def register(app) -> None:
    @app.before_request
    def start_request():
        g.request_id = secrets.token_hex(8)
        refuse_forbidden_text()

    @app.after_request
    def commit_request(response):
        # One transaction per request: services flush, the request commits once; a refused request
        # (any 4xx/5xx) writes nothing. Realtime events leave only after the commit succeeded.
        used = db.session.registry.has()  # a page answered from the cache never opens a session
        if response.status_code < 400:
            if used:
                db.session.commit()
            flush_events()
        else:
            if used:
                db.session.rollback()
            discard_events()
        stamp_token_use()  # in a transaction of its own: a read request writes nothing in its own
        return response

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        if _signed_in() and request.endpoint != "static":
            response.headers["Cache-Control"] = NO_STORE
        return response

    # Socket.IO's polling answers come from Engine.IO's WSGI app, which Flask's after_request never sees.
    app.wsgi_app = HeadersMiddleware(app.wsgi_app)


def _signed_in() -> bool:
    """Whether the answer is someone's: a session with a user, or an API token (valid or not), without
    loading the user from the database for it."""
    return "_user_id" in session or request.headers.get("Authorization", "").startswith("Bearer ")
