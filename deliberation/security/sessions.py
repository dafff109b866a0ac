"""Signing in: session loading (with the sign-out-everywhere epoch) and bearer tokens for the API.

A request that names a bearer token is that token's user, or anonymous if the token is not valid: a
browser session beside it does not count. Otherwise a signed-in browser could send `Bearer x` with its
cookie and pass for a token-authenticated API call, which needs no CSRF token.
"""
from flask import g, request

from ..extensions import db
from ..models import User
from .tokens import bearer_token, user_for_token


def init_login(app, login_manager) -> None:
    def authenticate_bearer_token():
        token = bearer_token(request)
        if token is not None:  # decided before anything (the rate limiter, say) loads the session's user
            g._login_user = user_for_token(token) or login_manager.anonymous_user()

    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_bearer_token)

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, epoch = session_id.partition(":")
        try:
            user = db.session.get(User, int(user_id))
        except ValueError:
            return None
        # A session from before "sign out everywhere" carries an older epoch and is refused.
        if user is None or str(user.session_epoch) != epoch or not user.is_active:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):  # where no before_request runs: the Socket.IO handshake
        token = bearer_token(req)
        return user_for_token(token) if token else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for
        from flask_babel import gettext

        from ..services.errors import Unauthorized

        if request.path.startswith("/api/"):
            raise Unauthorized("Sign in or send a valid API token.")
        flash(gettext("Please sign in to see that page."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
