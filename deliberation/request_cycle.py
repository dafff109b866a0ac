"""What happens around every request: one commit, realtime events after it, and security headers."""
import secrets

from flask import g, request

from .extensions import db
from .realtime import discard_events, flush_events

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def register(app) -> None:
    @app.before_request
    def start_request():
        g.request_id = secrets.token_hex(8)

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
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
